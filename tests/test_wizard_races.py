"""Races of the Set Up Now wizard on SQLite and PostgreSQL: two orders for one customer administrator address, two
orders for one subdomain, a double submit of step 7; and the set-up activities on their own.

Each backend gets a worker of its own (a task queue of its own on the time-skipping server) writing to the
parametrized `sessions` database, and an API on the same database. Workflows started here are terminated at the
end so nothing is left waiting on a task queue no worker polls.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select
from temporalio.client import Client, WorkflowHandle
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.registry import all_activities
from activities.setup_wizard import SetupActivities
from models.partner_order import PartnerOrderInput, PartnerOrderState, PartnerOrderStatus
from models.wizard_activities import ClaimSubdomain, OrgDetails, SetUpOrder
from starter.mail_sink import MailSink
from starter.services import partner_orders
from starter.settings import Settings
from starter.web.app import create_app
from starter.worker_host import build_worker
from store import SessionFactory
from store.tables import OrderSetup, Organization, OrgUser, PartnerOrder
from tests.support import make_settings, order, with_csrf
from tests.wizard_support import Wizard, mail_to, token_of

PASSWORD = "r4ce-Pass-77"


def uid() -> str:
    return uuid.uuid4().hex[:8]


def org_details(name: str) -> dict[str, str]:
    return {"name": name, "country": "SI", "address": "Titova 3", "city": "Celje", "postal_code": "3000"}


@dataclass
class Backend:
    """A worker and an API on one database."""

    client: Client
    ts_env: WorkflowEnvironment
    settings: Settings
    sessions: SessionFactory
    http: httpx.AsyncClient
    sink: MailSink
    handles: list[WorkflowHandle[Any, PartnerOrderState]] = field(default_factory=list)

    async def start(self, **overrides: Any) -> tuple[PartnerOrderInput, Wizard]:
        today = (await self.ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date()
        overrides.setdefault("partner_name", f"Partner {uid()}")
        overrides.setdefault("customer_name", f"Customer {uid()}")
        o = order(today - timedelta(days=1), **overrides)
        started = await partner_orders.start(self.client, self.settings, o)
        self.handles.append(started.handle)
        [mail] = await mail_to(self.sink, o.provisioning_contact_email)
        return o, Wizard(self.http, token_of(mail))

    async def state(self, o: PartnerOrderInput) -> PartnerOrderState:
        return await partner_orders.status(self.client, o.order_id)


@pytest.fixture
async def backend(
    ts_env: WorkflowEnvironment, sessions: SessionFactory, database_url: str, mail_sink: MailSink
) -> AsyncIterator[Backend]:
    settings = make_settings(
        database_url=database_url,
        smtp_host=mail_sink.host,
        smtp_port=mail_sink.port,
        task_queue=f"wizard-races-{uid()}",
        public_base_url="http://onramp.test",
    )
    client = ts_env.client
    app = create_app(settings, client=client, sessions=sessions)
    async with (
        build_worker(client, settings.task_queue, all_activities(sessions, settings.mail_config())),
        with_csrf(httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")) as http,
    ):
        b = Backend(client, ts_env, settings, sessions, http, mail_sink)
        try:
            yield b
        finally:
            for handle in b.handles:
                with contextlib.suppress(RPCError):  # already completed
                    await handle.terminate("test finished")


async def to_review(w: Wizard, o: PartnerOrderInput, admin: str) -> None:
    await w.open()
    await w.ok("role", role="partner")
    await w.ok("setup-by", who="me")
    await w.ok("partner-org", decision="create", details=org_details(o.partner_name))
    await w.ok("customer-admin", email=admin)
    assert (await w.ok("customer-org", decision="create", details=org_details(o.customer_name)))["step"] == "review"


async def to_company(w: Wizard, o: PartnerOrderInput) -> None:
    await to_review(w, o, f"admin-{uid()}@{uid()}.example")
    assert (await w.ok("submit", confirm=True))["step"] == "password"
    response = await w.post("password", password=PASSWORD, password_confirmation=PASSWORD)
    assert response.status_code == 200, response.text


def split(responses: list[httpx.Response]) -> tuple[int, httpx.Response]:
    """Which one of two answers won (200), and the other one, which must be a refusal."""
    codes = sorted(r.status_code for r in responses)
    assert codes[0] == 200 and codes[1] != 200, [r.text for r in responses]
    winner = next(i for i, r in enumerate(responses) if r.status_code == 200)
    return winner, responses[1 - winner]


# ------------------------------------------------------------------------------------------------ through the wizard


async def test_two_orders_race_for_the_same_customer_admin(backend: Backend) -> None:
    admin = f"admin-{uid()}@race-{uid()}.example"
    orders = [await backend.start() for _ in range(2)]
    for o, w in orders:
        await to_review(w, o, admin)

    responses = list(await asyncio.gather(*(w.post("submit", confirm=True) for _, w in orders)))
    winner, refused = split(responses)
    (won, _), (lost, lost_wizard) = orders[winner], orders[1 - winner]
    assert responses[winner].json()["step"] == "password"
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["error"] == "SetupConflict"
    assert f"{admin} has just become a user of '{won.customer_name}'" in body["message"]
    assert "a user can belong to one Webex organization only" in body["message"]
    assert [f["field"] for f in body["fields"]] == ["email"]

    assert (await backend.state(won)).status is PartnerOrderStatus.SET_UP
    state = await backend.state(lost)
    assert state.status is PartnerOrderStatus.AWAITING_SETUP and state.wizard.setup is None
    assert state.wizard.step.value == "customer_admin" and state.wizard.answers.customer_admin_email is None
    async with backend.sessions() as session:
        setups = (
            await session.execute(
                select(OrderSetup.order_id).where(OrderSetup.order_id.in_([won.order_id, lost.order_id]))
            )
        ).scalars()
        member = await session.get(OrgUser, admin)
        lost_partner_orgs = await session.scalar(
            select(func.count()).select_from(Organization).where(Organization.name == lost.partner_name)
        )
    assert list(setups) == [won.order_id]
    assert member is not None
    assert lost_partner_orgs == 0  # the loser's transaction was rolled back as a whole

    # The loser goes on from the customer administrator page with another address.
    body = await lost_wizard.refused("submit", 409, confirm=True)
    assert body["error"] == "WizardStepConflict" and "the wizard is at 'Customer administrator'" in body["message"]
    await lost_wizard.ok("customer-admin", email=f"other-{uid()}@race-{uid()}.example")
    await lost_wizard.ok("customer-org", decision="create", details=org_details(lost.customer_name))
    assert (await lost_wizard.ok("submit", confirm=True))["step"] == "password"


async def test_two_orders_race_for_the_same_subdomain(backend: Backend) -> None:
    orders = [await backend.start() for _ in range(2)]
    for o, w in orders:
        await to_company(w, o)
    subdomain = f"race-{uid()}"

    responses = list(await asyncio.gather(*(w.post("company", subdomain=subdomain) for _, w in orders)))
    winner, refused = split(responses)
    (won, _), (lost, _) = orders[winner], orders[1 - winner]
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["error"] == "SubdomainTaken"
    assert f"The subdomain '{subdomain}' is already taken by another organization" in body["message"]

    won_state, lost_state = await backend.state(won), await backend.state(lost)
    assert won_state.wizard.services.subdomain == subdomain
    assert lost_state.wizard.services.subdomain is None and lost_state.wizard.step.value == "company"
    assert won_state.wizard.setup is not None
    async with backend.sessions() as session:
        holders = (await session.execute(select(Organization.id).where(Organization.subdomain == subdomain))).scalars()
        assert list(holders) == [won_state.wizard.setup.customer_org_id]


async def test_a_double_submit_sets_the_order_up_once(backend: Backend) -> None:
    o, w = await backend.start()
    await to_review(w, o, f"admin-{uid()}@{uid()}.example")

    responses = list(await asyncio.gather(w.post("submit", confirm=True), w.post("submit", confirm=True)))
    winner, refused = split(responses)
    assert responses[winner].json()["step"] == "password"
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["error"] == "WizardStepConflict"
    assert body["message"] in {
        "Your order is being submitted already; wait a moment.",
        "'Review and submit' can no longer be changed: the order is set up.",
    }

    state = await backend.state(o)
    assert state.status is PartnerOrderStatus.SET_UP and state.wizard.setup is not None
    assert state.wizard.step.value == "password"
    assert state.wizard.answers.customer_admin_email is not None
    assert sum(1 for entry in state.timeline if entry.text.startswith("set_up:")) == 1
    async with backend.sessions() as session:
        rows = await session.scalar(
            select(func.count()).select_from(OrderSetup).where(OrderSetup.order_id == o.order_id)
        )
    assert rows == 1


# ------------------------------------------------------------------------------------------------ the activities


async def add_order_row(sessions: SessionFactory) -> str:
    """The order row the workflow would have saved (order_setups refers to it)."""
    order_id = f"R-{uid()}"
    now = datetime.now(UTC)
    async with sessions.begin() as session:
        session.add(
            PartnerOrder(
                order_id=order_id,
                workflow_id=f"partner-order-{order_id}",
                offer="A-WX",
                status="awaiting_setup",
                requested_start_date=date(2026, 11, 20),
                time_zone="Europe/Ljubljana",
                partner_name="Race Partner",
                customer_name="Race Customer",
                provisioning_contact_email=f"contact-{uid()}@partner.example",
                account_representative_email="rep@cisco.example",
                purchased_services=["meetings"],
                contact_generation=1,
                escalated=False,
                starts_at=now,
                escalates_at=now + timedelta(days=1),
                closes_at=now + timedelta(days=30),
                received_at=now,
                updated_at=now,
            )
        )
    return order_id


def set_up_request(order_id: str, admin: str | None = None) -> SetUpOrder:
    partner_admin = f"padmin-{uid()}@partner.example"
    return SetUpOrder(
        order_id=order_id,
        partner_org_id=str(uuid.uuid4()),
        new_partner_org=OrgDetails.model_validate(org_details(f"Partner {uid()}")),
        partner_admin_email=partner_admin,
        customer_org_id=str(uuid.uuid4()),
        new_customer_org=OrgDetails.model_validate(org_details(f"Customer {uid()}")),
        customer_admin_email=admin or f"admin-{uid()}@{uid()}.example",
        partner_access=True,
        set_up_by=partner_admin,
    )


async def count_setups(sessions: SessionFactory, order_id: str) -> int:
    async with sessions() as session:
        rows = await session.scalar(select(func.count()).select_from(OrderSetup).where(OrderSetup.order_id == order_id))
    return int(rows or 0)


async def test_set_up_order_twice_is_idempotent(sessions: SessionFactory) -> None:
    activities, env = SetupActivities(sessions), ActivityEnvironment()
    request = set_up_request(await add_order_row(sessions))
    assert await env.run(activities.set_up_order, request) is True
    assert await env.run(activities.set_up_order, request) is False  # a retry after the commit
    assert await count_setups(sessions, request.order_id) == 1
    async with sessions() as session:
        orgs = await session.scalar(
            select(func.count())
            .select_from(Organization)
            .where(Organization.id.in_([request.partner_org_id, request.customer_org_id]))
        )
        admin = await session.get(OrgUser, str(request.customer_admin_email))
    assert orgs == 2 and admin is not None and admin.org_id == request.customer_org_id


async def test_set_up_order_run_twice_at_once_sets_up_once(sessions: SessionFactory) -> None:
    activities = SetupActivities(sessions)
    request = set_up_request(await add_order_row(sessions))
    results = await asyncio.gather(
        ActivityEnvironment().run(activities.set_up_order, request),
        ActivityEnvironment().run(activities.set_up_order, request),
        return_exceptions=True,
    )
    assert results.count(True) == 1, results
    [other] = [r for r in results if r is not True]
    if isinstance(other, ApplicationError):
        assert other.type == "SetupConflict" and other.non_retryable
        assert other.message == "This order has just been set up (from another window)."
    else:
        assert other is False
    assert await count_setups(sessions, request.order_id) == 1


async def test_set_up_order_for_an_address_taken_meanwhile_is_a_conflict(sessions: SessionFactory) -> None:
    activities, env = SetupActivities(sessions), ActivityEnvironment()
    admin = f"admin-{uid()}@{uid()}.example"
    first = set_up_request(await add_order_row(sessions), admin)
    second = set_up_request(await add_order_row(sessions), admin)
    assert await env.run(activities.set_up_order, first) is True
    with pytest.raises(ApplicationError) as refused:
        await env.run(activities.set_up_order, second)
    assert refused.value.type == "SetupConflict" and refused.value.non_retryable
    assert f"has just become a user of '{first.new_customer_org.name}'" in refused.value.message  # type: ignore[union-attr]
    assert await count_setups(sessions, second.order_id) == 0
    async with sessions() as session:
        assert await session.get(Organization, second.partner_org_id) is None  # rolled back as a whole


async def test_claim_subdomain_conflict_is_subdomain_taken(sessions: SessionFactory) -> None:
    activities, env = SetupActivities(sessions), ActivityEnvironment()
    first, second = set_up_request(await add_order_row(sessions)), set_up_request(await add_order_row(sessions))
    for request in (first, second):
        assert await env.run(activities.set_up_order, request) is True
    subdomain = f"claim-{uid()}"

    await env.run(activities.claim_subdomain, ClaimSubdomain(org_id=first.customer_org_id, subdomain=subdomain))
    await env.run(activities.claim_subdomain, ClaimSubdomain(org_id=first.customer_org_id, subdomain=subdomain))
    with pytest.raises(ApplicationError) as taken:
        await env.run(activities.claim_subdomain, ClaimSubdomain(org_id=second.customer_org_id, subdomain=subdomain))
    assert taken.value.type == "SubdomainTaken" and taken.value.non_retryable
    assert "already taken" in taken.value.message

    # Two claims of a fresh subdomain at once: the unique constraint lets exactly one through.
    fresh = f"claim-{uid()}"
    results = await asyncio.gather(
        *(
            ActivityEnvironment().run(activities.claim_subdomain, ClaimSubdomain(org_id=org_id, subdomain=fresh))
            for org_id in (first.customer_org_id, second.customer_org_id)
        ),
        return_exceptions=True,
    )
    assert results.count(None) == 1, results
    [error] = [r for r in results if r is not None]
    assert isinstance(error, ApplicationError) and error.type == "SubdomainTaken"
    async with sessions() as session:
        holders = (await session.execute(select(Organization.id).where(Organization.subdomain == fresh))).scalars()
        assert len(list(holders)) == 1
