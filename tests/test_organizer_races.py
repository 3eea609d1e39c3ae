"""Two admins racing for the last license (seed 000: take one license atomically) on SQLite and PostgreSQL.

Each backend gets a worker of its own (a task queue of its own on the time-skipping server) writing to the
parametrized `sessions` database, and an API on the same database; two browsers of the same enterprise account
create organizer accounts at the same moment. Exactly as many win as there are licenses; the others are told
"No Standard licenses left". The organizers made here are removed at the end, so their workflows complete.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select
from temporalio.client import Client, WorkflowFailureError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment

from activities.organizers import OrganizerActivities
from activities.registry import all_activities
from models.accounts import Edition, Product
from models.organizer import OrganizerStatus, TakeLicense
from starter.errors import OnrampError
from starter.mail_sink import MailSink
from starter.services import organizers as portal
from starter.settings import Settings
from starter.web.app import create_app
from starter.worker_host import build_worker
from store import SessionFactory, organizer_ids
from store.tables import Organizer
from tests.admin_support import (
    NEW_PASSWORD,
    PortalAccount,
    browser,
    log_in,
    mails_to,
    new_account,
    ready_admin,
    seats_used,
    uid,
)
from tests.support import make_settings

LAST_ONE = (
    "No Standard licenses left for GoTo Meeting: its only license is in use. "
    "Remove an organizer account, or add seats, to create another one."
)


@dataclass
class Backend:
    client: Client
    settings: Settings
    sessions: SessionFactory
    app: object
    sink: MailSink
    emails: list[tuple[str, str]] = field(default_factory=list)  # (account, e-mail) of organizers to remove at the end

    async def account(self, standard: int) -> PortalAccount:
        return await new_account(
            self.sessions, self.settings, seats={(Product.GOTO_MEETING, Edition.STANDARD): standard}
        )


@pytest.fixture
async def backend(
    ts_env: WorkflowEnvironment, sessions: SessionFactory, database_url: str, mail_sink: MailSink
) -> AsyncIterator[Backend]:
    settings = make_settings(
        database_url=database_url,
        smtp_host=mail_sink.host,
        smtp_port=mail_sink.port,
        task_queue=f"organizer-races-{uid()}",
        public_base_url="http://onramp.test",
    )
    app = create_app(settings, client=ts_env.client, sessions=sessions)
    async with build_worker(ts_env.client, settings.task_queue, all_activities(sessions, settings.mail_config())):
        b = Backend(ts_env.client, settings, sessions, app, mail_sink)
        try:
            yield b
        finally:
            for account_no, email in b.emails:
                await wind_up(ts_env.client, sessions, account_no, email)


async def wind_up(client: Client, sessions: SessionFactory, account_no: str, email: str) -> None:
    """Remove the organizer (its workflow completes once its mails are out) while this backend's worker still runs.

    Not a terminate: a workflow terminated with a mail activity in flight leaves the time-skipping server waiting
    for that activity, and every later `env.sleep` of the session would hang.
    """
    with contextlib.suppress(OnrampError, RPCError):
        await portal.remove(client, sessions, account_no, email, operator="test teardown")
    workflow_id = await organizer_ids.find(sessions, account_no, email)
    with contextlib.suppress(RPCError, WorkflowFailureError):
        if workflow_id is not None:
            await client.get_workflow_handle(workflow_id).result()


def body(email: str) -> dict[str, str]:
    return {"last_name": "Racer", "first_name": "Ren", "email": email, "edition": "Standard"}


async def holders(sessions: SessionFactory, account_no: str) -> list[str]:
    async with sessions() as session:
        rows = await session.execute(
            select(Organizer.email).where(Organizer.account_no == account_no, Organizer.status == "invited")
        )
        return sorted(rows.scalars())


async def test_two_admins_race_for_the_last_license_and_exactly_one_wins(backend: Backend) -> None:
    account = await backend.account(standard=1)
    emails = [f"first-{uid()}@yitong.example", f"second-{uid()}@yitong.example"]
    backend.emails += [(account.account_no, e) for e in emails]
    async with browser(backend.app) as one, browser(backend.app) as two:  # type: ignore[arg-type]
        await ready_admin(one, account)
        await log_in_again(two, account)
        responses = await asyncio.gather(
            *(http.post("/api/admin/organizers", json=body(e)) for http, e in zip((one, two), emails, strict=True))
        )

    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 409], [r.text for r in responses]
    winner = emails[[r.status_code for r in responses].index(201)]
    loser = responses[[r.status_code for r in responses].index(409)].json()
    assert loser["message"] == LAST_ONE and loser["fields"][0]["field"] == "edition"
    assert await holders(backend.sessions, account.account_no) == [winner]
    assert await seats_used(backend.sessions, account.account_no, Edition.STANDARD) == (1, 1)
    [invitation] = await mails_to(backend.sink, winner)
    assert "GoTo Meeting Standard" in invitation.subject
    other = emails[1 - emails.index(winner)]
    assert backend.sink.to(other) == []  # the loser's organizer was never invited
    loser_state = await portal.status(backend.client, backend.sessions, account.account_no, other)
    assert loser_state.status is OrganizerStatus.REFUSED and loser_state.refusal == LAST_ONE


async def log_in_again(http: httpx.AsyncClient, account: PortalAccount) -> None:
    """The second browser of the same admin, after the first changed the initial password."""
    me = await log_in(http, account.admin_email, NEW_PASSWORD)
    assert me["must_change_password"] is False


async def test_six_creates_for_three_licenses_make_three_organizers(backend: Backend) -> None:
    account = await backend.account(standard=3)
    emails = [f"racer{n}-{uid()}@yitong.example" for n in range(6)]
    backend.emails += [(account.account_no, e) for e in emails]
    async with browser(backend.app) as http:  # type: ignore[arg-type]
        await ready_admin(http, account)
        responses = await asyncio.gather(*(http.post("/api/admin/organizers", json=body(e)) for e in emails))
        listing = (await http.get("/api/admin/organizers")).json()
    assert sorted(r.status_code for r in responses) == [201] * 3 + [409] * 3, [r.text for r in responses]
    winners = sorted(e for e, r in zip(emails, responses, strict=True) if r.status_code == 201)
    assert await holders(backend.sessions, account.account_no) == winners
    assert await seats_used(backend.sessions, account.account_no, Edition.STANDARD) == (3, 3)
    assert listing["remaining"] == "GoTo Meeting Standard: 0 left"
    refusals = {r.json()["message"] for r in responses if r.status_code == 409}
    assert refusals == {
        "No Standard licenses left for GoTo Meeting: all 3 licenses are in use. "
        "Remove an organizer account, or add seats, to create another one."
    }


async def test_the_license_activity_alone_never_oversells(backend: Backend) -> None:
    """Twelve concurrent create_organizer activities for five licenses, straight on the database."""
    account = await backend.account(standard=5)
    activities = OrganizerActivities(backend.sessions)
    env = ActivityEnvironment()

    async def take(n: int) -> str:
        email = f"direct{n}-{uid()}@yitong.example"
        request = TakeLicense(
            workflow_id=f"organizer-{account.account_no}-{uid()}",
            creation_id=uid(),
            account_no=account.account_no,
            email=email,
            last_name="Direct",
            first_name=f"No{n}",
            product=Product.GOTO_MEETING,
            edition=Edition.STANDARD,
            at=datetime.now(UTC),
        )
        try:
            await env.run(activities.create_organizer, request)
        except ApplicationError as err:
            assert err.type == "NoLicenseLeft" and err.non_retryable
            return "refused"
        again = await env.run(activities.create_organizer, request)  # a retry of the same creation changes nothing
        assert again.remaining >= 0
        return "taken"

    outcomes = await asyncio.gather(*(take(n) for n in range(12)))
    assert sorted(outcomes) == ["refused"] * 7 + ["taken"] * 5
    assert await seats_used(backend.sessions, account.account_no, Edition.STANDARD) == (5, 5)
    async with backend.sessions() as session:
        count = await session.execute(
            select(func.count()).select_from(Organizer).where(Organizer.account_no == account.account_no)
        )
        assert count.scalar_one() == 5
