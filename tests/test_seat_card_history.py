"""No card token in a seat order's history, on Temporal's real dev server: the billing admin keeps a card and pays
an order with it through the API, the order is charged and completes, and its whole history, every payload
decrypted, names the card by its reference and never by the gateway's token; the charge row used that token.
Runs on SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
from google.protobuf.message import Message
from sqlalchemy import select
from temporalio.api.common.v1 import Payload
from temporalio.client import Client, WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from activities.registry import all_activities
from models.seat_order import CardOnOrder, SeatOrderState, SeatOrderStatus, seat_order_workflow_id
from starter.mail_sink import MailSink
from starter.web.app import create_app
from starter.worker_host import build_worker
from store import SessionFactory
from store.tables import GatewayCharge, PaymentCard
from tests.seat_support import APPROVE, new_account, start, step, up_to_service_order
from tests.support import bearer, make_converter, make_settings, operator_key, with_csrf


def _payloads(message: Message) -> list[Payload]:
    """Every payload anywhere in ``message``: inputs, results, Update arguments, failures' details, headers."""
    if isinstance(message, Payload):
        return [message]
    found: list[Payload] = []
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if field.message_type.GetOptions().map_entry:
            values = [v for v in value.values() if isinstance(v, Message)]
        else:
            values = list(value) if field.is_repeated else [value]
        for inner in values:
            found += _payloads(inner)
    return found


async def _readable(history: WorkflowHistory) -> str:
    """The history as its readers could see it with the key: its events, and each payload decrypted."""
    codec = make_converter().payload_codec
    assert codec is not None
    texts = [history.to_json()]
    for event in history.events:
        texts += [payload.data.decode(errors="replace") for payload in await codec.decode(_payloads(event))]
    return "\n".join(texts)


async def test_a_card_paid_with_and_charged_is_named_by_its_reference_never_its_token_in_the_history(
    dev_env: WorkflowEnvironment, sessions: SessionFactory, database_url: str, mail_sink: MailSink
) -> None:
    client: Client = dev_env.client
    settings = make_settings(
        database_url=database_url, smtp_port=mail_sink.port, task_queue=f"cards-{uuid.uuid4().hex[:6]}"
    )
    app = create_app(settings, client=client, sessions=sessions)
    async with (
        build_worker(client, settings.task_queue, all_activities(sessions, settings.mail_config())),
        with_csrf(
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://test",
                headers=bearer(await operator_key(sessions)),
            )
        ) as http,
    ):
        account_no = await new_account(http, datetime.now(UTC).date())
        kept = await http.post(f"/api/accounts/{account_no}/cards", json={"number": APPROVE, "expiry": "12/2030"})
        assert kept.status_code == 201, kept.text
        card = CardOnOrder.model_validate(kept.json())
        order_no = str((await start(http, account_no))["order_no"])
        await up_to_service_order(http, order_no, card.reference)
        await step(http, order_no, "place")
        handle = client.get_workflow_handle(seat_order_workflow_id(order_no), result_type=SeatOrderState)
        final = await handle.result()
        history = await handle.fetch_history()

    assert (final.status, final.card) == (SeatOrderStatus.COMPLETED, card)
    async with sessions() as session:
        row = await session.scalar(select(PaymentCard).where(PaymentCard.reference == card.reference))
        charge = await session.get(GatewayCharge, order_no)
    assert row is not None and row.account_no == account_no
    assert charge is not None and (charge.card_token, charge.outcome) == (row.token, "approved")

    readable = await _readable(history)
    assert card.reference is not None and card.reference in readable  # the payloads were read in the clear
    assert row.token not in readable
    assert APPROVE.replace(" ", "") not in readable and "tok_" not in readable
    assert row.token not in kept.text
