"""Who the Set Up Now link belongs to (seeds 001/003): an alias contact who continues as themselves, and an order
handed to the customer, which no partner link opens again. On the time-skipping server, through the JSON API and
the pages, with what is stored in the database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.partner_order import ChangeProvisioningContact, PartnerOrderStatus, ResendSetUpMail
from starter.cli.render import contact_text
from starter.errors import StepRefused
from starter.mail_sink import MailSink
from starter.services import partner_orders
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from store.tables import Organization, PartnerOrder
from tests.test_wizard_pages import browser, page, start
from tests.test_wizard_rules import (
    assert_refusal,
    hand_to_customer,
    org_details,
    start_order,
    state_of,
    to_set_up,
    uid,
)
from tests.wizard_support import Wizard, mail_to, token_of


@pytest.fixture
async def web(
    client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> AsyncIterator[httpx.AsyncClient]:
    async with browser(create_app(settings, client=client, sessions=workflow_db[1])) as http:
        yield http


# ------------------------------------------------------------------------------------------------ the alias


async def test_an_alias_contact_continues_as_themselves_and_the_alias_link_stops_working(
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    o, token, _ = await start_order(client, ts_env, settings, mail_sink)
    alias = o.provisioning_contact_email
    reader = Wizard(http, token)
    await reader.open()  # someone reading the alias had the wizard open

    response = await http.post(f"/api/setup/{token}/own-address", json={"email": alias})
    assert response.status_code == 422, response.text
    assert_refusal(response.json(), "InvalidStep", "That is the address this link was sent to", field="email")
    response = await http.post(f"/api/setup/{token}/own-address", json={"email": "not an address"})
    assert response.status_code == 422 and [f["field"] for f in response.json()["fields"]] == ["email"]

    maja = f"maja-{uid()}@partner.example"
    response = await http.post(f"/api/setup/{token}/own-address", json={"email": maja})
    assert response.status_code == 200, response.text
    view = response.json()
    assert view["session_id"] is None
    assert view["message"] == f"We sent a Set Up Now link to {maja}. Continue with that link: this one no longer works."

    [mail] = await mail_to(mail_sink, maja)
    assert mail.subject.strip() == f"Set up Webex for {o.customer_name} (order {o.order_id})"
    own = token_of(mail)
    assert own != token
    response = await http.post(f"/api/setup/{token}/session")
    assert response.status_code == 404
    assert_refusal(response.json(), "LinkInvalid", "replaced by a newer one")

    state = await state_of(client, o)
    assert state.provisioning_contact_email == maja and state.provisioning_alias == alias
    assert contact_text(state) == f"{maja} (continued from the alias {alias})"  # `onramp status`
    assert state.wizard.session is None and state.wizard.answers.role is None  # the alias reader's session ended
    [line] = [entry.text for entry in state.timeline if entry.kind == "wizard" and "alias" in entry.text]
    assert alias in line and maja in line
    async with workflow_db[1]() as session:
        row = await session.get(PartnerOrder, o.order_id)
    assert row is not None and row.provisioning_contact_email == maja

    mine = Wizard(http, own)
    view = await mine.open()
    assert view["step"] == "role" and view["state"]["session"]["email"] == maja
    assert (await mine.ok("role", role="partner"))["step"] == "setup_by"
    assert len(mail_sink.to(alias)) == 1  # the alias got nothing more


async def test_the_first_page_lets_the_reader_continue_as_themselves_or_under_the_alias(
    web: httpx.AsyncClient, client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    o, token, _ = await start_order(client, ts_env, settings, mail_sink)
    url = f"/setup/{token}"
    p = await page(await web.get(url))
    assert "Start the setup" in p.text() and "Send me my own link" in p.text()
    assert o.provisioning_contact_email in p.text()

    p = await page(await web.post(f"{url}/own-address", data={"email": "nobody"}), 422)
    assert p.text("email-error") == "Enter an e-mail address such as name@company.com."
    assert p.value("email") == "nobody"
    p = await page(await web.post(f"{url}/own-address", data={"email": o.provisioning_contact_email}), 422)
    assert "That is the address this link was sent to" in p.text("email-error")

    me = f"ivo-{uid()}@partner.example"
    p = await page(await web.post(f"{url}/own-address", data={"email": me}))
    assert p.heading == "Your own link is on its way"
    assert f"We sent a Set Up Now link to {me}." in p.text()
    assert (await page(await web.get(url), 404)).heading == "This link no longer works"
    [mail] = await mail_to(mail_sink, me)
    assert (await page(await start(web, f"/setup/{token_of(mail)}"))).heading == "Choose your role"


async def test_continuing_under_the_alias_keeps_the_alias_as_the_contact(
    web: httpx.AsyncClient, client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    o, token, _ = await start_order(client, ts_env, settings, mail_sink)
    assert (await page(await start(web, f"/setup/{token}"))).heading == "Choose your role"
    state = await state_of(client, o)
    assert state.provisioning_contact_email == o.provisioning_contact_email and state.provisioning_alias is None
    assert state.wizard.session is not None and state.wizard.session.email == o.provisioning_contact_email


# ------------------------------------------------------------------------------------------------ the customer


async def test_after_the_customer_will_set_up_no_partner_link_opens_the_order(
    http: httpx.AsyncClient,
    web: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
) -> None:
    o, token, _, admin, _ = await hand_to_customer(http, client, ts_env, settings, mail_sink)
    contact = o.provisioning_contact_email

    response = await http.post(f"/api/setup/{token}/session")
    assert response.status_code == 404
    assert_refusal(response.json(), "LinkInvalid", "The customer is setting up this order")
    p = await page(await web.get(f"/setup/{token}"), 404)
    assert p.heading == "The customer is setting up"
    assert "partners have no access to manage the customer's organization" in p.text()

    # an operator's resend goes to the customer's administrator: no partner link is minted
    await partner_orders.resend(client, o.order_id, ResendSetUpMail(operator="ana", reason="lost it"))
    mails = await mail_to(mail_sink, admin, 2)
    assert mails[-1].subject.strip() == f"Set up your Webex services (order {o.order_id})"
    view = await Wizard(http, token_of(mails[-1])).open()
    assert view["state"]["session"]["audience"] == "customer"
    assert len(mail_sink.to(contact)) == 1
    with pytest.raises(StepRefused, match="Cannot change the provisioning contact: the customer is setting up"):
        await partner_orders.change_contact(
            client, o.order_id, ChangeProvisioningContact(new_email=f"new-{uid()}@partner.example")
        )
    assert (await state_of(client, o)).provisioning_contact_email == contact


async def test_the_customer_org_records_that_the_partner_has_no_access_and_the_partner_is_told(
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    o, token, handle, admin, mail = await hand_to_customer(http, client, ts_env, settings, mail_sink)
    customer = Wizard(http, token_of(mail))
    await customer.open()
    await customer.ok("role", role="customer")
    await customer.ok("customer-org", decision="create", details=org_details(o.customer_name))
    await customer.ok("submit", confirm=True)
    response = await http.post(f"/api/setup/{token}/session")  # set up, and still not the partner's
    assert response.status_code == 404
    assert_refusal(response.json(), "LinkInvalid", "The customer is setting up this order")
    await customer.ok("subscription")
    await customer.ok("meetings", time_zone="Europe/Ljubljana")
    await customer.ok("company", subdomain=f"cust-{uid()}")
    await customer.ok("provision")
    assert (await handle.result()).status is PartnerOrderStatus.PROVISIONED

    setup = (await state_of(client, o)).wizard.setup
    assert setup is not None
    async with workflow_db[1]() as session:
        org = await session.get(Organization, setup.customer_org_id)
    assert org is not None and org.partner_access is False

    [partner_mail] = [m for m in await mail_to(mail_sink, o.provisioning_contact_email, 2) if "rovisioned" in m.subject]
    assert "has no access to manage" in partner_mail.text and o.customer_name in partner_mail.text
    assert "Thank you for setting it up" not in partner_mail.text
    [customer_mail] = [m for m in await mail_to(mail_sink, admin, 2) if "services are ready" in m.subject]
    assert "are active" in customer_mail.text and "You are the administrator" in customer_mail.text


async def test_a_partner_set_up_customer_org_records_the_partner_access(
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    o, token, _ = await start_order(client, ts_env, settings, mail_sink)
    await to_set_up(Wizard(http, token), o)
    setup = (await state_of(client, o)).wizard.setup
    assert setup is not None
    async with workflow_db[1]() as session:
        org = await session.get(Organization, setup.customer_org_id)
    assert org is not None and org.partner_access is True
