"""Temporal's own conditions, met on a real dev server, answer what a caller can act on and never a 500: too many
steps in flight is a 429 with Retry-After, a step nobody answered in time a 503 that says it may have been applied
(and it was, once a worker came back), a server gone after connecting a 503 with Retry-After; the CLI exits 3."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from temporalio import workflow
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from activities.registry import all_activities
from starter.mail_sink import MailSink
from starter.services import workflow_calls
from starter.web.app import create_app
from starter.worker_host import build_worker
from store import SessionFactory
from tests.support import bearer, eventually, make_settings, operator_key, order
from tests.support import dev_server as dev_server_env


@pytest.fixture(scope="module")
async def one_update_at_a_time() -> AsyncIterator[WorkflowEnvironment]:
    """A dev server that lets one Update be in flight per workflow (the default is 10)."""
    async with dev_server_env("history.maxInFlightUpdates=1") as env:
        yield env


async def test_steps_without_a_worker_are_429_or_503_and_the_timed_out_one_may_land(
    one_update_at_a_time: WorkflowEnvironment,
    sessions: SessionFactory,
    database_url: str,
    mail_sink: MailSink,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workflow_calls, "STEP_TIMEOUT", timedelta(seconds=3))
    client: Client = one_update_at_a_time.client
    settings = make_settings(
        database_url=database_url,
        smtp_port=mail_sink.port,
        task_queue=f"tc-{uuid.uuid4().hex[:6]}",
        temporal_address=client.service_client.config.target_host,
    )
    app = create_app(settings, sessions=sessions)  # it connects as in production, with the API's retries
    o = order((datetime.now(UTC) - timedelta(days=1)).date(), time_zone="UTC")
    headers = bearer(await operator_key(sessions))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api", headers=headers
    ) as http:
        # No sticky cache: a worker that goes away leaves the next task on the task queue, where a step waits for
        # a worker, not on a sticky queue whose timeout would abort the steps in flight.
        activities = all_activities(sessions, settings.mail_config())
        async with build_worker(client, settings.task_queue, activities, max_cached_workflows=0):
            assert (await http.post("/api/partner-orders", json=o.model_dump(mode="json"))).status_code == 201

            async def mailed() -> bool | None:
                state = (await http.get(f"/api/partner-orders/{o.order_id}")).json()
                return True if [m["status"] for m in state["mails"]] == ["sent"] else None

            await eventually(mailed, what="the first Set Up Now mail")

        # No worker now: the first resend waits in flight; a second is refused by the server's limit at once.
        resend = f"/api/partner-orders/{o.order_id}/resend"
        first = asyncio.create_task(http.post(resend, json={"reason": "lost the mail"}))
        await asyncio.sleep(0.5)  # the first is admitted before the second arrives
        second = await http.post(resend, json={"reason": "lost it again"})
        assert second.status_code == 429, second.text
        assert second.headers["retry-after"] == "1"
        assert second.json()["error"] == "TemporalBusy" and "was not applied" in second.json()["message"]

        timed_out = await first
        assert timed_out.status_code == 503, timed_out.text
        assert int(timed_out.headers["retry-after"]) >= 1
        body = timed_out.json()
        assert body["error"] == "TemporalTimeout"
        assert "may or may not have been applied" in body["message"] and o.order_id in body["message"]

        # Unanswered, the step was not accepted by any workflow: the caller who looked and tries again gets it
        # applied once, and the order then has one resent mail whatever became of the step that timed out.
        async with build_worker(client, settings.task_queue, all_activities(sessions, settings.mail_config())):
            again = await http.post(resend, json={"reason": "lost the mail"})
            assert again.status_code == 200, again.text

            async def resent() -> list[str] | None:
                state = (await http.get(f"/api/partner-orders/{o.order_id}")).json()
                statuses = [m["status"] for m in state["mails"]]
                return statuses if statuses and set(statuses) == {"sent"} and len(statuses) >= 2 else None

            assert len(await eventually(resent, what="the resend applied once a worker is back")) in (2, 3)


async def test_a_server_gone_after_connecting_is_503_with_retry_after(
    sessions: SessionFactory, database_url: str
) -> None:
    async with dev_server_env() as env:
        client = env.client
        settings = make_settings(database_url=database_url, temporal_address=client.service_client.config.target_host)
        app = create_app(settings, sessions=sessions)  # it connects as in production, with the API's retries
        headers = bearer(await operator_key(sessions))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://api", headers=headers
        ) as http:
            connected = await http.get("/api/partner-orders/GONE-1")
            assert connected.status_code == 404, connected.text  # connected, answering
            await env.shutdown()
            answer = await http.post("/api/partner-orders/GONE-1/resend", json={})
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"] == "5"
    assert answer.json()["error"] == "TemporalUnavailable"
    assert "was not changed" in answer.json()["message"]


FAILING_ATTEMPTS = 3  # from its third attempt of a task, the server stops waiting for it and refuses at once


@workflow.defn(name="PartnerOrderWorkflow")
class StuckPartnerOrder:
    """Stands in for a partner order whose workers were killed in the middle of a workflow task, again and again: its
    second task fails every time, so the server holds it "in failed state" and refuses its Queries and Updates, as
    it does until a worker has run the task to its end."""

    @workflow.run
    async def run(self, _: object) -> None:
        await workflow.sleep(0.5)  # the first task finishes; the one after the timer never does
        raise RuntimeError("the task does not finish")


async def test_a_workflow_catching_up_after_its_worker_stopped_is_503_not_500(
    sessions: SessionFactory, database_url: str
) -> None:
    async with dev_server_env() as env:
        client = env.client
        queue = f"stuck-{uuid.uuid4().hex[:6]}"
        settings = make_settings(database_url=database_url, temporal_address=client.service_client.config.target_host)
        app = create_app(settings, client=client, sessions=sessions)
        order_id = f"STUCK-{uuid.uuid4().hex[:6]}"
        async with Worker(
            client, task_queue=queue, workflows=[StuckPartnerOrder], workflow_runner=UnsandboxedWorkflowRunner()
        ):
            handle = await client.start_workflow(
                "PartnerOrderWorkflow", {}, id=f"partner-order-{order_id}", task_queue=queue
            )

            async def failing_for_a_while() -> bool | None:
                pending = (await handle.describe()).raw_description.pending_workflow_task
                return pending.attempt >= FAILING_ATTEMPTS or None

            await eventually(failing_for_a_while, timeout=30, what=f"attempt {FAILING_ATTEMPTS} of the workflow task")
        # The worker is gone with the task unfinished, as after kills: the server holds the task for the next one.
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://api", headers=bearer(await operator_key(sessions))
        ) as http:
            read = await http.get(f"/api/partner-orders/{order_id}")
            step = await http.post(f"/api/partner-orders/{order_id}/resend", json={"reason": "lost the mail"})
        await handle.terminate()
    for answer in (read, step):
        assert answer.status_code == 503, answer.text
        assert answer.headers["retry-after"] == "2"
        body = answer.json()
        assert body["error"] == "TemporalRecovering"
        assert body["message"] == (
            f"The workflow partner-order-{order_id} is catching up after a worker stopped, so nothing was changed. "
            "Try again in a few seconds."
        )
