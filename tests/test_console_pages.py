"""The operators' console's sign-in and an order's page (on the time-skipping server: an order's page reads the
workflow's status Query, no visibility list): the key is checked once and never kept in the cookie, a key without
the scope is refused with the scope named, the order page shows the state and the actions it allows, and an action
is the same Update as the CLI's, named for the operator in the timeline and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from starter.mail_sink import MailSink
from starter.services import partner_orders, seat_orders
from starter.services.callers import Scope
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory, audit
from tests.admin_support import browser
from tests.assist_support import availability, book, new_site, session_at
from tests.seat_support import add_card, new_account, start, step, up_to_service_order
from tests.support import eventually, operator_key, order
from tests.wizard_support import mail_to


@pytest.fixture
async def app(client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]) -> FastAPI:
    return create_app(settings, client=client, sessions=workflow_db[1])


async def sign_in(http: httpx.AsyncClient, key: str, target: str = "/console") -> httpx.Response:
    await http.get("/console/login")  # the page gives the browser its CSRF cookie
    return await http.post("/console/login", data={"credential": key, "next": target})


async def test_the_console_wants_a_signed_in_operator_and_keeps_only_a_session(
    app: FastAPI, workflow_db: tuple[str, SessionFactory]
) -> None:
    sessions = workflow_db[1]
    reader = await operator_key(sessions, "day-shift", [Scope.READ])
    intake = await operator_key(sessions, "ccw", [Scope.INTAKE])
    async with browser(app) as http:
        first = await http.get("/console/queues/escalated")
        assert (
            first.status_code == 303
            and first.headers["location"] == "/console/login?next=%2Fconsole%2Fqueues%2Fescalated"
        )

        wrong = await sign_in(http, "onr_nosuchkey.secret")
        assert wrong.status_code == 401 and 'id="credential-error"' in wrong.text
        assert "This key or access token is not valid" in wrong.text and "onr_nosuchkey" not in wrong.text
        short = await sign_in(http, intake)
        assert short.status_code == 403 and "orders:read" in short.text
        assert "onramp_console" not in http.cookies

        signed = await sign_in(http, reader, "/console/queues/seat-review")
        assert signed.status_code == 303 and signed.headers["location"] == "/console/queues/seat-review"
        cookie = signed.headers["set-cookie"]
        assert "onramp_console=" in cookie and "HttpOnly" in cookie and "Path=/console" in cookie
        assert reader not in cookie and reader.split(".")[1] not in cookie  # a signed session, never the key

        home = await http.get("/console")
        assert home.status_code == 200
        assert "Signed in as api-key:day-shift" in home.text and "Escalated partner orders" in home.text

        forged = http.cookies["onramp_console"][:-2] + "xx"
        async with browser(app) as other:
            other.cookies.set("onramp_console", forged)
            assert (await other.get("/console")).status_code == 303  # a changed signature is no session

        act = await http.post("/console/orders/partner-order-CCW-1/resend")
        assert act.status_code == 403 and "orders:act" in act.text  # reading is not acting

        out = await http.post("/console/logout")
        assert out.status_code == 303
        assert (await http.get("/console")).status_code == 303


async def test_an_operator_resends_the_set_up_now_mail_from_the_order_page(
    app: FastAPI, ts_env: WorkflowEnvironment, workflow_db: tuple[str, SessionFactory], mail_sink: MailSink
) -> None:
    sessions = workflow_db[1]
    ops = await operator_key(sessions, "night-shift", [Scope.READ, Scope.ACT])
    today = (await ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date()
    o = order(today - timedelta(days=1))
    await partner_orders.start(ts_env.client, app.state.settings, o)
    await mail_to(mail_sink, o.provisioning_contact_email)
    async with browser(app) as http:
        await sign_in(http, ops)
        page = await http.get(f"/console/orders/{o.workflow_id}")
        assert page.status_code == 200, page.text
        assert f"Partner order <bdi>{o.order_id}</bdi>" in page.text and "Status: awaiting setup" in page.text
        assert 'id="action-resend"' in page.text and 'id="action-contact"' in page.text
        assert 'id="action-send-now"' not in page.text  # sent already: only a resend
        assert "Set Up Now e-mail sent to the provisioning contact" in page.text  # the timeline

        done = await http.post(f"/console/orders/{o.workflow_id}/resend")
        assert done.status_code == 303 and done.headers["location"].endswith("?done=resend")
        after = await http.get(done.headers["location"])
        assert "The Set Up Now e-mail is being sent again." in after.text
        assert "api-key:night-shift" in after.text  # the timeline names the operator

        bad = await http.post(f"/console/orders/{o.workflow_id}/contact", data={"new_email": "not-an-address"})
        assert bad.status_code == 422 and 'id="new_email-error"' in bad.text and "not-an-address" in bad.text

        missing = await http.get("/console/orders/partner-order-NO-SUCH-ORDER")
        assert missing.status_code == 404 and "No partner order NO-SUCH-ORDER" in missing.text
        assert (await http.get("/console/orders/something-else")).status_code == 404
        assert (await http.get("/console/queues/no-such-queue")).status_code == 404

    mails = await mail_to(mail_sink, o.provisioning_contact_email, 2)
    links = [link for mail in mails for link in mail.links if "/setup/" in link]
    assert len(links) == 2 and links[0] != links[1]  # the resend carries a fresh link
    async with sessions() as session:
        rows = await audit.listing(session, target=o.order_id)
    trail = [(row.actor, row.action, row.outcome) for row in reversed(rows)]
    assert ("api-key:night-shift", "POST /console/orders/{workflow_id}/resend", "303") in trail
    state = await partner_orders.status(ts_env.client, o.order_id)
    assert any("api-key:night-shift" in entry.text for entry in state.timeline)


async def test_an_operator_cancels_an_assist_booking_for_its_customer(
    app: FastAPI, http: httpx.AsyncClient, workflow_db: tuple[str, SessionFactory], mail_sink: MailSink
) -> None:
    sessions = workflow_db[1]
    site = await new_site(sessions)
    body = availability(site, session_at(datetime.now(UTC), 20))
    booked = await book(http, body)
    assert booked["confirmed"] is True, booked
    workflow_id = f"assist-{booked['state']['reservation_no']}"
    async with browser(app) as operator:
        await sign_in(operator, await operator_key(sessions, "night-shift", [Scope.READ, Scope.ACT]))
        page = await operator.get(f"/console/orders/{workflow_id}")
        assert page.status_code == 200 and "Webex Assist booking" in page.text and "Status: confirmed" in page.text
        assert "Cancelling now costs nothing." in page.text and 'id="action-cancel"' in page.text

        unconfirmed = await operator.post(f"/console/orders/{workflow_id}/cancel", data={})
        assert unconfirmed.status_code == 422 and 'id="confirm-error"' in unconfirmed.text
        done = await operator.post(f"/console/orders/{workflow_id}/cancel", data={"confirm": "on"})
        assert done.status_code == 303, done.text
        after = await operator.get(done.headers["location"])
        assert "The booking was cancelled" in after.text and "Status: cancelled" in after.text
        assert 'id="action-cancel"' not in after.text
    mails = await mail_to(mail_sink, body["customer"]["email"], 2)  # the confirmation, then the cancellation
    assert any("ancel" in mail.subject for mail in mails)


async def test_an_operator_approves_a_seat_order_waiting_for_a_review(
    app: FastAPI, http: httpx.AsyncClient, ts_env: WorkflowEnvironment, workflow_db: tuple[str, SessionFactory]
) -> None:
    account_no = await new_account(http, (await ts_env.get_current_time()).date())
    card = await add_card(http, account_no)
    order_no = (await start(http, account_no))["order_no"]
    await up_to_service_order(http, order_no, card, seats=500)  # over the 10,000 of a review
    await step(http, order_no, "place")

    async def in_review() -> bool:
        return (await seat_orders.status(ts_env.client, order_no)).status == "awaiting_review"

    await eventually(in_review, what="the manual review")
    async with browser(app) as operator:
        await sign_in(operator, await operator_key(workflow_db[1], "night-shift", [Scope.READ, Scope.ACT]))
        page = await operator.get(f"/console/orders/seat-order-{order_no}")
        assert page.status_code == 200 and "Status: awaiting review" in page.text
        assert 'id="action-approve"' in page.text
        done = await operator.post(f"/console/orders/seat-order-{order_no}/approve")
        assert done.status_code == 303, done.text
        assert "The order was approved" in (await operator.get(done.headers["location"])).text

    state = await seat_orders.status(ts_env.client, order_no)
    assert state.approved_by == "api-key:night-shift" and state.status != "awaiting_review"
