"""A business key runs once: starting a partner order, a seat order, an assist booking or an organizer account
whose workflow has closed starts nothing; the caller gets the closed run's state (or, for an organizer made again
after removal, a new key), and the key's one run is still the one that ran."""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import partial

import httpx
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.assist import AssistBookingInput, AssistPolicy, assist_workflow_id
from models.assist_requests import Availability
from models.seat_order import SeatOrderState
from starter.services import workflow_calls
from starter.settings import Settings
from tests.assist_support import availability, session_at
from tests.fast_support import quiet
from tests.seat_support import add_card, new_account, step, up_to_service_order
from tests.support import eventually, order, run_id
from workflows.assist_booking import AssistBookingWorkflow


async def _close(client: Client, workflow_id: str) -> None:
    """Terminate once nothing is in flight: a workflow terminated mid-task locks the test server's time skipping."""
    handle = client.get_workflow_handle(workflow_id)
    await eventually(partial(quiet, client, handle), what=f"{workflow_id} to be idle")
    await handle.terminate(reason="closed by the test")


async def test_a_closed_partner_order_is_answered_not_started_again(
    http: httpx.AsyncClient, client: Client, ts_env: WorkflowEnvironment
) -> None:
    body = order((await ts_env.get_current_time()).date() + timedelta(days=5)).model_dump(mode="json")
    first = await http.post("/api/partner-orders", json=body)
    assert first.status_code == 201 and first.json()["created"] is True
    workflow_id = first.json()["workflow_id"]
    run = await run_id(client, workflow_id)
    await _close(client, workflow_id)

    again = await http.post("/api/partner-orders", json=body)
    assert again.status_code == 200, again.text
    assert again.json()["created"] is False and again.json()["state"]["order_id"] == body["order_id"]
    assert await run_id(client, workflow_id) == run  # no second run


async def test_a_finished_seat_order_number_answers_the_finished_order(
    http: httpx.AsyncClient, client: Client, ts_env: WorkflowEnvironment
) -> None:
    account_no = await new_account(http, (await ts_env.get_current_time()).date())
    card = await add_card(http, account_no)
    order_no = f"SO-KEY-{uuid.uuid4().hex[:6].upper()}"
    start = f"/api/accounts/{account_no}/seat-orders"
    assert (await http.post(start, json={"requested_by": "b@yitong.example", "order_no": order_no})).status_code == 201
    await up_to_service_order(http, order_no, card)
    await step(http, order_no, "place")
    handle = client.get_workflow_handle(f"seat-order-{order_no}", result_type=SeatOrderState)
    done = await handle.result()
    assert done.status.value == "completed"
    run = await run_id(client, handle.id)

    again = await http.post(start, json={"requested_by": "b@yitong.example", "order_no": order_no})
    assert again.status_code == 200, again.text
    state = again.json()
    assert state["status"] == "completed" and state["charge"] == done.model_dump(mode="json")["charge"]
    assert await run_id(client, handle.id) == run


async def test_a_closed_assist_booking_key_cannot_start_again(
    client: Client, settings: Settings, ts_env: WorkflowEnvironment
) -> None:
    reservation_no = f"WA-{uuid.uuid4().int % 1_000_000:06d}-{uuid.uuid4().hex[:6].upper()}"
    wanted = Availability.model_validate(availability("key.webex.com", session_at(await ts_env.get_current_time(), 30)))
    booking = AssistBookingInput(reservation_no=reservation_no, availability=wanted, policy=AssistPolicy())
    workflow_id = assist_workflow_id(reservation_no)
    handle, created = await workflow_calls.start_once(
        client, AssistBookingWorkflow.run, booking, id=workflow_id, task_queue=settings.task_queue
    )
    assert created is True
    _, found = await workflow_calls.start_once(
        client, AssistBookingWorkflow.run, booking, id=workflow_id, task_queue=settings.task_queue
    )
    assert found is False  # running: the same run
    await _close(client, workflow_id)
    with pytest.raises(workflow_calls.WorkflowCompleted):
        await workflow_calls.start_once(
            client, AssistBookingWorkflow.run, booking, id=workflow_id, task_queue=settings.task_queue
        )
    assert await run_id(client, workflow_id) == handle.result_run_id
