"""Seat additions (seed 002) on the time-skipping server: refusals, the quote, payment, processing, the receipt."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import httpx
from sqlalchemy import select
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import Client
from temporalio.converter import default
from temporalio.testing import WorkflowEnvironment

from models.seat_order import SeatOrderState
from models.seat_order_requests import CARD_TOKEN_RETIRED
from starter.mail_sink import MailSink
from store import SessionFactory
from store.tables import AccountOrder, AccountSubscription, GatewayCharge, PaymentCard, SeatAssignment
from tests.seat_support import (
    ADDRESS,
    ADMIN,
    APPROVE,
    DECLINE,
    OUTAGE,
    add_card,
    new_account,
    start,
    step,
    up_to_service_order,
)
from tests.support import eventually


async def _today(ts_env: WorkflowEnvironment):  # type: ignore[no-untyped-def]
    return (await ts_env.get_current_time()).date()


async def _final(client: Client, order_no: str) -> dict[str, object]:
    """The result of an order that ends without waiting for a timer."""
    result = await client.get_workflow_handle(f"seat-order-{order_no}", result_type=SeatOrderState).result()
    return result.model_dump(mode="json")


async def test_seats_are_added_charged_recorded_and_receipted(
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    account_no = await new_account(http, await _today(ts_env))
    card = await add_card(http, account_no)
    order = await start(http, account_no)
    order_no = order["order_no"]
    assert order["status"] == "cart"

    quote = await up_to_service_order(http, order_no, card)
    [line] = quote["lines"]
    assert (line["new_seats"], line["unit_price"], line["days_to_renewal"]) == (5, "240.00", 73)
    assert Decimal(line["amount"]) == Decimal("240.00")  # 5 x 240 x 73/365
    assert Decimal(quote["tax"]) == Decimal("52.80") and Decimal(quote["total"]) == Decimal("292.80")

    placed = await step(http, order_no, "place")
    assert placed["status"] == "placed"
    # the 24-hour promise is on the answer (and in the NextDeadline search attribute) from the moment of placing
    placed_at, process_by = (datetime.fromisoformat(placed[key]) for key in ("placed_at", "process_by"))
    assert process_by - placed_at == timedelta(hours=24)
    again = await step(http, order_no, "place", status=409)
    assert "already been placed" in again["message"]

    async def receipt() -> str | None:
        mails = mail_sink.to(f"billing-{account_no.lower()}@yitong.example")
        found = [m for m in mails if m.subject.startswith("Receipt")]
        return found[0].text if found else None

    text = await eventually(receipt, what="the receipt")
    assert "Total:    254.40 EUR" in text and "5 x GoTo Meeting Enterprise" in text  # billed in China: 6% VAT
    state = (await http.get(f"/api/seat-orders/{order_no}")).json()
    assert state["status"] == "completed" and state["charge"]["outcome"] == "approved"
    async with workflow_db[1]() as session:
        seats = await session.get(AccountSubscription, (account_no, "GoTo Meeting", "Enterprise"))
        assert seats is not None and (seats.seats, seats.used) == (8, 1)  # 3 + 5; the admin holds one
        [history] = (await session.execute(select(AccountOrder).where(AccountOrder.order_no == order_no))).scalars()
        assert (history.kind, history.quantity, history.running_total) == ("account increase", 5, 8)
        assert (await session.get(SeatAssignment, (account_no, "mei.chen@yitong.example", "GoTo Meeting"))) is not None
        charge = await session.get(GatewayCharge, order_no)
        assert charge is not None and charge.amount == "254.40" and charge.outcome == "approved"


async def _visible(client: Client, order_no: str) -> dict[str, object]:
    """The order's search attributes, as operators' searches see them."""
    response = await client.workflow_service.describe_workflow_execution(
        DescribeWorkflowExecutionRequest(
            namespace=client.namespace, execution=WorkflowExecution(workflow_id=f"seat-order-{order_no}")
        )
    )
    fields = response.workflow_execution_info.search_attributes.indexed_fields
    return {name: default().payload_converter.from_payload(payload) for name, payload in fields.items()}


async def test_an_order_still_processing_a_minute_after_placing_shows_as_placed_with_its_deadline(
    http: httpx.AsyncClient, client: Client, ts_env: WorkflowEnvironment
) -> None:
    account_no = await new_account(http, await _today(ts_env))
    card = await add_card(http, account_no, OUTAGE)  # the gateway fails for about 4 minutes of retries
    order_no = (await start(http, account_no))["order_no"]
    await up_to_service_order(http, order_no, card)
    placed = await step(http, order_no, "place")
    assert placed["status"] == "placed"
    assert (await _visible(client, order_no))["OnrampStatus"] == "service_order"  # most orders are done by now

    await ts_env.sleep(timedelta(minutes=2))

    async def shown_placed() -> dict[str, object] | None:
        visible = await _visible(client, order_no)
        return visible if visible["OnrampStatus"] == "placed" else None

    visible = await eventually(shown_placed, what="the placed status in visibility")
    deadline = datetime.fromisoformat(str(visible["OnrampNextDeadline"]))
    assert deadline == datetime.fromisoformat(placed["process_by"])
    await ts_env.sleep(timedelta(minutes=5))  # the gateway is back

    async def shown_completed() -> dict[str, object] | None:
        visible = await _visible(client, order_no)
        return visible if visible["OnrampStatus"] == "completed" else None

    visible = await eventually(shown_completed, what="the completed status in visibility")
    assert not visible.get("OnrampNextDeadline"), visible  # unset
    state = (await http.get(f"/api/seat-orders/{order_no}")).json()
    assert state["status"] == "completed" and state["charge"]["outcome"] == "approved"


async def test_a_declined_card_fails_the_order_without_seats(
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    account_no = await new_account(http, await _today(ts_env))
    card = await add_card(http, account_no, DECLINE)
    order_no = (await start(http, account_no))["order_no"]
    await up_to_service_order(http, order_no, card)
    await step(http, order_no, "place")

    final = await _final(client, order_no)
    assert final["status"] == "failed" and final["reason"] == "The card was declined: insufficient funds"
    [mail] = mail_sink.to(f"billing-{account_no.lower()}@yitong.example")[-1:]
    assert "could not be processed" in mail.subject and "insufficient funds" in mail.text
    async with workflow_db[1]() as session:
        seats = await session.get(AccountSubscription, (account_no, "GoTo Meeting", "Enterprise"))
        assert seats is not None and seats.seats == 3


async def test_a_newer_quote_supersedes_the_open_one_and_untouched_quotes_expire(
    http: httpx.AsyncClient, client: Client, ts_env: WorkflowEnvironment
) -> None:
    account_no = await new_account(http, await _today(ts_env))
    await add_card(http, account_no)
    first = (await start(http, account_no))["order_no"]
    await step(http, first, "quantities", lines=[{"product": "GoTo Webinar", "edition": "Standard", "new_seats": 1}])
    await step(http, first, "review")
    second = (await start(http, account_no))["order_no"]
    await step(http, second, "quantities", lines=[{"product": "GoTo Webinar", "edition": "Standard", "new_seats": 2}])
    await step(http, second, "review")

    replaced = await _final(client, first)
    assert replaced["status"] == "superseded" and f"({second})" in str(replaced["reason"])
    await ts_env.sleep(timedelta(days=7, minutes=1))  # past the quote's validity

    async def expired() -> dict[str, object] | None:
        state = (await http.get(f"/api/seat-orders/{second}")).json()
        return state if state["status"] == "expired" else None

    state = await eventually(expired, what="the quote to expire")
    assert state["reason"] == "The quote expired without being accepted."


async def test_refusals_name_the_reason(http: httpx.AsyncClient, ts_env: WorkflowEnvironment) -> None:
    today = await _today(ts_env)
    invoice = await new_account(http, today, payment_method="invoice")
    response = await http.post(f"/api/accounts/{invoice}/seat-orders", json={"requested_by": "b@yitong.example"})
    assert (
        response.status_code == 409 and "automatic payment method (credit or debit card)" in response.json()["message"]
    )
    assisted = await new_account(http, today, self_service=False)
    response = await http.post(f"/api/accounts/{assisted}/seat-orders", json={"requested_by": "b@yitong.example"})
    assert response.status_code == 409 and "Corporate Account Services" in response.json()["message"]

    ok = await new_account(http, today)
    order_no = (await start(http, ok))["order_no"]
    body = await step(
        http,
        order_no,
        "quantities",
        status=422,
        lines=[{"product": "GoTo Connect", "edition": "Standard", "new_seats": 1}],
    )
    assert "does not support seat additions" in body["message"] and body["fields"][0]["field"] == "lines.0.product"
    body = await step(
        http,
        order_no,
        "quantities",
        status=422,
        lines=[{"product": "GoTo Meeting", "edition": "Enterprise", "new_seats": 0}],
    )
    assert "1 or more" in body["message"]
    body = await step(http, order_no, "review", status=409)
    assert "Enter the New Seat Qty first" in body["message"]


async def test_a_card_is_known_by_its_reference_and_a_card_token_is_refused_naming_the_field(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, workflow_db: tuple[str, SessionFactory]
) -> None:
    today = await _today(ts_env)
    other = await new_account(http, today)
    others_card = await add_card(http, other)
    account_no = await new_account(http, today)
    answer = await http.post(f"/api/accounts/{account_no}/cards", json={"number": APPROVE, "expiry": "12/2030"})
    assert answer.status_code == 201, answer.text
    card = answer.json()
    assert (set(card), card["brand"], card["last4"]) == ({"reference", "brand", "last4"}, "Visa", "4242")
    async with workflow_db[1]() as session:
        token = await session.scalar(select(PaymentCard.token).where(PaymentCard.reference == card["reference"]))
    assert token is not None and token not in answer.text  # the gateway's token stays in its database

    order_no = (await start(http, account_no))["order_no"]
    await step(
        http, order_no, "quantities", lines=[{"product": "GoTo Meeting", "edition": "Enterprise", "new_seats": 1}]
    )
    await step(http, order_no, "review")
    await step(http, order_no, "accept")
    payment = {"admin_contact": ADMIN, "billing_address": ADDRESS}
    for sent in (token, None):  # a client of the token days, with a new card or the card on file
        refused = await step(http, order_no, "payment", status=422, card_token=sent, **payment)
        assert (refused["error"], refused["fields"]) == (
            "InvalidInput",
            [{"field": "card_token", "message": CARD_TOKEN_RETIRED.english()}],
        )
    refused = await step(http, order_no, "payment", status=404, card=others_card, **payment)
    assert (refused["error"], refused["fields"]) == (
        "CardUnknown",
        [{"field": "card", "message": "No card of this account has that reference."}],
    )
    assert (await http.get(f"/api/seat-orders/{order_no}")).json()["card"] is None  # nothing reached the order

    paid = await step(http, order_no, "payment", card=card["reference"], **payment)
    assert (paid["status"], paid["card"]) == ("service_order", card)


async def test_a_late_order_is_escalated_and_still_completes(
    http: httpx.AsyncClient, client: Client, ts_env: WorkflowEnvironment, mail_sink: MailSink
) -> None:
    account_no = await new_account(http, await _today(ts_env))
    card = await add_card(http, account_no)
    order_no = (await start(http, account_no))["order_no"]
    await up_to_service_order(http, order_no, card, seats=500)  # 24,000 EUR: over the 10,000 of a review
    await step(http, order_no, "place")

    async def in_review() -> bool:
        return (await http.get(f"/api/seat-orders/{order_no}")).json()["status"] == "awaiting_review"

    await eventually(in_review, what="the manual review")
    await ts_env.sleep(timedelta(hours=25))

    async def escalated() -> bool:
        return bool((await http.get(f"/api/seat-orders/{order_no}")).json()["escalated"])

    await eventually(escalated, what="the escalation")
    [alert] = mail_sink.to("corporate-account-services@goto.example")[-1:]
    assert order_no in alert.subject and "24 hours" in alert.subject
    approved = await step(http, order_no, "approve", operator="cas-agent")
    assert approved["status"] == "placed" and approved["escalated"]
    assert approved["approved_by"] == "api-key:tests"  # the credential's name, not the free-text operator

    async def completed() -> bool:
        return (await http.get(f"/api/seat-orders/{order_no}")).json()["status"] == "completed"

    await eventually(completed, what="the approved order to complete")
