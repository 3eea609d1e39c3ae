"""A partner's order page (seeds 001/003): reached with any Set Up Now link that still works, or by asking for a
fresh link by order number and contact address (mailed, never shown; the same answer whether or not the pair
matches). On the time-skipping server, with the mail received over the real SMTP sink; the store's decision on
both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.languages import SupportedLanguage
from models.partner_order import ChangeProvisioningContact, PartnerOrderInput, PartnerOrderStatus
from models.wizard import WizardState
from starter.mail_sink import MailSink
from starter.services import partner_orders
from starter.settings import Settings
from starter.web.app import create_app
from starter.web.redaction import redact
from store import SessionFactory, partner_order_contacts
from tests.test_persistence import order_state, save
from tests.test_wizard_pages import browser, page
from tests.test_wizard_rules import assert_refusal, hand_to_customer, start_order, state_of, to_set_up, uid
from tests.wizard_support import Wizard, mail_to, token_of
from translations import formats

EN = SupportedLanguage.ENGLISH
SAME_ANSWER = (
    "If the order number and the address match an order that is waiting to be set up, a new Set Up Now link is on "
    "its way to that address. Links sent before keep working."
)


@pytest.fixture
async def web(
    client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of its own (cookies, redirects followed) on the session's worker and database."""
    async with browser(create_app(settings, client=client, sessions=workflow_db[1])) as http:
        yield http


async def set_up_now_mails(client: Client, o: PartnerOrderInput) -> int:
    """How many Set Up Now e-mails the workflow has queued for the order (the partner's and the customer's)."""
    return sum(1 for mail in (await state_of(client, o)).mails if mail.purpose.startswith("set_up_now"))


# ------------------------------------------------------------------------------------------------ the page


async def test_the_page_from_a_valid_link_shows_the_status_who_is_setting_up_and_the_dates(
    web: httpx.AsyncClient,
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
) -> None:
    o, token, _ = await start_order(client, ts_env, settings, mail_sink, time_zone="America/New_York")
    state = await state_of(client, o)
    start = await page(await web.get(f"/setup/{token}"))  # the wizard's first page leads to it
    assert f'href="/orders/{token}"' in start.raw and "who is setting up, dates and deadlines" in start.text()
    p = await page(await web.get(f"/orders/{token}"))
    assert p.heading == f"Order {o.order_id}"
    details = p.text("order-details")
    assert "Status awaiting setup" in details
    assert "Who is setting up Not chosen yet: the Set Up Now wizard asks who will set up." in details
    assert f"Requested start date {formats.day(o.requested_start_date, EN)}" in details
    assert state.set_up_now_sent_at is not None
    assert formats.zoned(state.set_up_now_sent_at, EN, "America/New_York") in details
    assert f"Escalation deadline {formats.zoned(state.escalates_at, EN, 'America/New_York')}" in details
    assert f"Order line closes {formats.zoned(state.closes_at, EN, 'America/New_York')}" in details
    assert "Eastern Time" in details and "Time zone America/New_York" in details
    assert "Purchased services Webex Meetings, Webex Calling" in details
    assert "your Cisco account representative will contact you" in p.text("deadlines")
    assert "Send me a new link" in p.text() and "Continue the setup" in p.text()

    partner = Wizard(http, token)  # the reader chooses "Yes, I will set up" in the wizard
    await partner.open()
    await partner.ok("role", role="partner")
    await partner.ok("setup-by", who="me")
    p = await page(await web.get(f"/orders/{token}"))
    assert f"Who is setting up {o.provisioning_contact_email} (Yes, I will set up)" in p.text("order-details")

    answer = await http.get(f"/api/orders/{token}")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "awaiting_setup" and body["status_text"] == "awaiting setup"
    assert body["setup_by"] == "me" and body["setting_up"] == f"{o.provisioning_contact_email} (Yes, I will set up)"
    assert body["time_zone"] == "America/New_York" and body["new_link_allowed"] is True
    assert body["requested_start_date"] == o.requested_start_date.isoformat()
    assert (await state_of(client, o)).wizard.step.value == "partner_org"  # reading the page changed nothing


async def test_an_unknown_or_superseded_link_gets_a_page_that_says_why_and_leads_to_a_new_one(
    web: httpx.AsyncClient,
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
) -> None:
    p = await page(await web.get("/orders/not-a-real-token-0123456789"), 404)
    assert p.heading == "This link no longer works"
    assert 'href="/orders/link"' in p.raw and "Ask for a new link" in p.text()

    o, token, _ = await start_order(client, ts_env, settings, mail_sink)
    await partner_orders.change_contact(
        client, o.order_id, ChangeProvisioningContact(new_email=f"maja-{uid()}@partner.example")
    )
    p = await page(await web.get(f"/orders/{token}"), 404)
    assert p.heading == "This link no longer works" and "replaced by a newer one" in p.text()
    assert (await page(await web.post(f"/orders/{token}/new-link"), 404)).heading == "This link no longer works"
    answer = await http.get(f"/api/orders/{token}")
    assert answer.status_code == 404
    assert_refusal(answer.json(), "LinkInvalid", "replaced by a newer one")


# ------------------------------------------------------------------------------------------------ a new link


async def test_send_me_a_new_link_mails_the_contact_a_fresh_link_and_the_old_one_keeps_working(
    web: httpx.AsyncClient,
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
) -> None:
    o, token, _ = await start_order(client, ts_env, settings, mail_sink)
    contact = o.provisioning_contact_email
    p = await page(await web.post(f"/orders/{token}/new-link"))
    assert p.heading == "A new link is on its way"
    assert f"We sent a new Set Up Now e-mail to {contact}. The links you already have keep working." in p.text()
    [_, mail] = await mail_to(mail_sink, contact, 2)
    fresh = token_of(mail)
    assert fresh != token and fresh not in p.raw
    assert mail.subject.strip() == f"Set up Webex for {o.customer_name} (order {o.order_id})"
    assert (await page(await web.get(f"/orders/{fresh}"))).heading == f"Order {o.order_id}"
    assert (await page(await web.get(f"/orders/{token}"))).heading == f"Order {o.order_id}"  # as the resend does
    [line] = [
        e.text for e in (await state_of(client, o)).timeline if "asked for a new link on the order's page" in e.text
    ]
    assert line.startswith("link:partner asked to resend the Set Up Now e-mail") and contact in line

    answer = await http.post(f"/api/orders/{fresh}/new-link")
    assert answer.status_code == 202, answer.text
    assert fresh not in answer.text and "/setup/" not in answer.text
    await mail_to(mail_sink, contact, 3)


async def test_once_the_order_is_set_up_the_page_says_why_no_new_link_is_sent(
    web: httpx.AsyncClient,
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
) -> None:
    o, token, _ = await start_order(client, ts_env, settings, mail_sink)
    await to_set_up(Wizard(http, token), o)
    p = await page(await web.get(f"/orders/{token}"))
    assert "Status set up" in p.text("order-details")
    assert p.text("new-link-note") == "The order is set up: no new Set Up Now link is sent."
    assert "Continue the setup" in p.text()
    refused = await page(await web.post(f"/orders/{token}/new-link"), 409)
    assert "Cannot resend the Set Up Now e-mail: the order is already set up." in refused.text()
    answer = await http.post(f"/api/orders/{token}/new-link")
    assert answer.status_code == 409
    assert_refusal(answer.json(), "OrderStateConflict", "the order is already set up")
    assert len(mail_sink.to(o.provisioning_contact_email)) == 1


async def test_asking_by_order_number_and_address_mails_a_link_and_a_wrong_pair_gets_the_same_answer(
    web: httpx.AsyncClient,
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
) -> None:
    o, token, _ = await start_order(client, ts_env, settings, mail_sink)
    contact = o.provisioning_contact_email
    form = await page(await web.get("/orders/link"))
    assert form.heading == "Get a new Set Up Now link" and form.value("order_id") == ""

    wrong = [
        {"order_id": o.order_id, "email": f"eve-{uid()}@partner.example"},
        {"order_id": f"NO-{uid()}", "email": contact},
    ]
    answers = [await page(await web.post("/orders/link", data=pair)) for pair in wrong]
    api = await http.post("/api/orders/link", json=wrong[0])
    assert api.status_code == 202 and api.json() == {"message": SAME_ANSWER}
    right = await page(await web.post("/orders/link", data={"order_id": o.order_id, "email": contact.upper()}))
    for shown in (*answers, right):
        assert shown.heading == "Check your e-mail" and shown.text("message") == SAME_ANSWER

    [_, mail] = await mail_to(mail_sink, contact, 2)
    assert token_of(mail) != token and token_of(mail) not in right.raw
    assert await set_up_now_mails(client, o) == 2  # the wrong pairs sent nothing
    [line] = [e.text for e in (await state_of(client, o)).timeline if "by order id and address" in e.text]
    assert line.startswith("order page asked to resend") and contact in line

    p = await page(await web.post("/orders/link", data={"order_id": o.order_id, "email": "nobody"}), 422)
    assert p.text("email-error") == "Enter an e-mail address such as name@company.com."
    assert p.value("order_id") == o.order_id
    api = await http.post("/api/orders/link", json={"order_id": "", "email": contact})
    assert api.status_code == 422 and [f["field"] for f in api.json()["fields"]] == ["order_id"]


async def test_after_the_customer_hand_off_the_partner_sees_that_the_customer_sets_up_and_is_mailed_nothing(
    web: httpx.AsyncClient,
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
) -> None:
    o, token, _, admin, customer_mail = await hand_to_customer(http, client, ts_env, settings, mail_sink)
    contact = o.provisioning_contact_email
    mails = await set_up_now_mails(client, o)

    p = await page(await web.get(f"/orders/{token}"), 404)
    assert p.heading == "The customer is setting up"
    assert "partners have no access to manage the customer's organization" in p.text()
    answer = await http.get(f"/api/orders/{token}")
    assert answer.status_code == 404
    assert_refusal(answer.json(), "LinkInvalid", "The customer is setting up this order")
    assert (await page(await web.post(f"/orders/{token}/new-link"), 404)).heading == "The customer is setting up"

    asked = await page(await web.post("/orders/link", data={"order_id": o.order_id, "email": contact}))
    assert asked.text("message") == SAME_ANSWER
    assert (await http.post("/api/orders/link", json={"order_id": o.order_id, "email": contact})).status_code == 202
    assert await set_up_now_mails(client, o) == mails  # neither the partner nor the customer was mailed
    assert len(mail_sink.to(contact)) == 1 and len(mail_sink.to(admin)) == 1

    mine = await page(await web.get(f"/orders/{token_of(customer_mail)}"))  # the customer's own link shows it
    assert f"Who is setting up The customer's administrator, {admin} (The customer will set up)" in mine.text(
        "order-details"
    )


# ------------------------------------------------------------------------------------------------ the store


async def test_a_fresh_link_is_due_only_to_the_current_contact_of_an_order_waiting_to_be_set_up(
    sessions: SessionFactory,
) -> None:
    state = order_state()
    await save(sessions, state)
    contact = str(state.provisioning_contact_email)

    async def due(order_id: str, email: str) -> bool:
        async with sessions() as session:
            return await partner_order_contacts.fresh_link_due(session, order_id, email)

    assert await due(state.order_id, contact)
    assert await due(state.order_id, f"  {contact.upper()} ")
    assert not await due(state.order_id, f"other-{contact}")
    assert not await due(f"{state.order_id}-X", contact)
    for status in (PartnerOrderStatus.AWAITING_START_DATE, PartnerOrderStatus.SET_UP, PartnerOrderStatus.CLOSED):
        await save(sessions, state.model_copy(update={"status": status}))
        assert not await due(state.order_id, contact), status
    waiting = PartnerOrderStatus.AWAITING_ORG_CONFIRMATION
    await save(sessions, state.model_copy(update={"status": waiting, "wizard": WizardState(setup_by="colleague")}))
    assert await due(state.order_id, contact)
    await save(sessions, state.model_copy(update={"wizard": WizardState(setup_by="customer")}))
    assert not await due(state.order_id, contact)


def test_the_logs_never_show_an_order_page_token() -> None:
    assert redact('"GET /orders/Zq8-secret-token HTTP/1.1"') == '"GET /orders/<token> HTTP/1.1"'
    assert redact("/api/orders/Zq8-secret-token/new-link") == "/api/orders/<token>/new-link"
    assert redact("/orders/link") == "/orders/link" and redact("/api/admin/orders/export") == "/api/admin/orders/export"
