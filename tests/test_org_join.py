"""Joining an existing customer organization found by name or domain needs its administrator: the order waits
(visible in its status and search attributes), the administrator is mailed a link, reminded a day later, and
decides; the organization an address already administers is joined as before."""

from __future__ import annotations

import html
import uuid
from datetime import timedelta

import httpx
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models import search_attributes as sa
from starter.mail_sink import MailSink, ReceivedMail
from starter.services import partner_orders
from starter.settings import Settings
from store import SessionFactory
from store.tables import OrgUser
from tests.admin_support import mails_to
from tests.wizard_support import NEW_PARTNER, Wizard, existing_customer, order_awaiting_setup


def join_path(mail: ReceivedMail) -> str:
    [link] = [link for link in mail.links if "/join/" in link]
    return "/join/" + link.rsplit("/join/", 1)[1]


async def asked_to_join(
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    sink: MailSink,
    sessions: SessionFactory,
) -> tuple[str, str, str, str]:
    """An order whose partner picks the customer's existing organization (found by its name) and submits:
    (order id, organization id, its administrator, the customer administrator who would join)."""
    tag = uuid.uuid4().hex[:8]
    customer = f"Customer {tag}"
    boss = f"boss-{tag}@{tag}.example"
    org_id = await existing_customer(sessions, customer, boss)
    o, token = await order_awaiting_setup(client, ts_env, settings, sink, customer_name=customer)
    w = Wizard(http, token)
    await w.open()
    await w.ok("role", role="partner")
    await w.ok("setup-by", who="me")
    await w.ok("partner-org", decision="create", details={**NEW_PARTNER, "name": f"Partner {tag}"})
    joining = f"it-{tag}@elsewhere-{tag}.example"
    await w.ok("customer-admin", email=joining)
    matches = w.last["state"]["answers"]["customer_org_matches"]
    assert [(m["id"], m["match"]) for m in matches] == [(org_id, "name")]
    await w.ok("customer-org", decision="use_existing", org_id=org_id)
    view = await w.ok("submit", confirm=True)
    assert view["session_id"] is None
    assert "its administrator decides" in view["message"] and joining in view["message"]
    return o.order_id, org_id, boss, joining


async def test_joining_a_found_organization_waits_for_its_administrator_who_confirms(
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    sessions = workflow_db[1]
    order_id, org_id, boss, joining = await asked_to_join(http, client, ts_env, settings, mail_sink, sessions)

    state = await partner_orders.status(client, order_id)
    assert state.status.value == "awaiting_org_confirmation" and state.wizard.setup is None
    described = await partner_orders.handle(client, order_id).describe()
    assert described.typed_search_attributes.get(sa.STATUS) == "awaiting_org_confirmation"
    async with sessions() as session:
        assert await session.get(OrgUser, joining) is None  # nothing joined yet

    [request] = await mails_to(mail_sink, boss)
    assert request.subject == f"{joining} asks to join {state.customer_name} on Webex: please confirm"
    page = await http.get(join_path(request))
    assert page.status_code == 200 and f"May {joining} join {state.customer_name}?" in page.text
    assert "Confirm" in page.text and "Refuse" in page.text
    not_a_setup_link = await http.get("/setup/" + join_path(request).rsplit("/", 1)[1])
    assert not_a_setup_link.status_code == 404

    await ts_env.sleep(timedelta(hours=25))  # a day later, still undecided: one reminder
    reminders = [m for m in await mails_to(mail_sink, boss, 2) if m.subject.startswith("Reminder")]
    assert len(reminders) == 1 and join_path(reminders[0])

    done = await http.post(join_path(request), data={"decision": "confirm"})
    assert done.status_code == 200 and f"{joining} joins '{state.customer_name}'" in html.unescape(done.text)
    state = await partner_orders.status(client, order_id)
    assert state.status.value == "set_up" and state.wizard.setup is not None
    assert state.wizard.setup.customer_org_id == org_id and state.wizard.join is not None
    assert state.wizard.join.decided == "confirmed"
    async with sessions() as session:
        member = await session.get(OrgUser, joining)
        assert member is not None and member.org_id == org_id
    [told] = [m for m in await mails_to(mail_sink, state.provisioning_contact_email, 2) if "confirmed" in m.subject]
    assert "continue with the service setup" in told.text
    again = await http.post(join_path(request), data={"decision": "refuse"})
    assert again.status_code == 404 and "no longer works" in again.text


async def test_a_refusal_saves_nothing_and_the_wizard_starts_again(
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    sessions = workflow_db[1]
    order_id, _, boss, joining = await asked_to_join(http, client, ts_env, settings, mail_sink, sessions)
    [request] = await mails_to(mail_sink, boss)
    token = join_path(request).rsplit("/", 1)[1]

    refused = await http.post(f"/api/org-join/{token}", json={"decision": "refuse"})
    assert refused.status_code == 200 and refused.json()["decided"] == "refused"
    state = await partner_orders.status(client, order_id)
    assert state.status.value == "awaiting_setup" and state.wizard.setup is None
    assert state.wizard.step.value == "role" and state.wizard.answers.customer_org_id is None
    async with sessions() as session:
        assert await session.get(OrgUser, joining) is None
    [told] = [
        m for m in await mails_to(mail_sink, state.provisioning_contact_email, 2) if "did not confirm" in m.subject
    ]
    assert "choose another organization, or create a new one" in " ".join(told.text.split())
    assert (await http.post(f"/api/org-join/{token}", json={"decision": "confirm"})).status_code == 404


async def test_the_organization_an_address_already_administers_is_joined_without_asking(
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    tag = uuid.uuid4().hex[:8]
    admin = f"admin-{tag}@{tag}.example"
    org_id = await existing_customer(workflow_db[1], f"Own {tag}", admin)
    o, token = await order_awaiting_setup(client, ts_env, settings, mail_sink)
    w = Wizard(http, token)
    await w.open()
    await w.ok("role", role="partner")
    await w.ok("setup-by", who="me")
    await w.ok("partner-org", decision="create", details={**NEW_PARTNER, "name": f"Partner {tag}"})
    await w.ok("customer-admin", email=admin)
    await w.ok("customer-org", decision="use_existing", org_id=org_id)
    view = await w.ok("submit", confirm=True)
    assert view["session_id"] is not None
    assert (await partner_orders.status(client, o.order_id)).status.value == "set_up"
    assert mail_sink.to(admin) == []
