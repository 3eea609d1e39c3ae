"""Organizer accounts (seed 000, steps 4 and 5) through the JSON API, on the time-skipping server with the real
aiosmtpd sink: create (a license is taken, the invitation and the admin's copy go out at once), re-invite, activate
through the link, the three-day reminder, remove (the license comes back), and every refusal with its field.

The module has a time-skipping server of its own (see the fixtures below), so its days pass for its workflows only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.registry import all_activities
from models.accounts import Edition, Product
from models.organizer import (
    CreateOrganizer,
    OrganizerAccountInput,
    OrganizerPolicy,
    OrganizerState,
    OrganizerStatus,
    ReinviteOrganizer,
    RemoveOrganizer,
)
from starter.mail_sink import MailSink
from starter.settings import Settings
from starter.web.app import create_app
from starter.worker_host import build_worker
from store import SessionFactory, organizer_ids
from store.tables import Organizer
from tests.admin_support import (
    PortalAccount,
    activation_link,
    activation_path,
    browser,
    mails_to,
    new_account,
    ready_admin,
    seats_used,
    uid,
)
from tests.conftest import register_search_attributes
from tests.support import binary, make_converter, make_settings, run_id
from workflows.organizer_account import OrganizerAccountWorkflow

# A time-skipping server of this module's own (overriding conftest's ts_env, settings, worker and client): its
# three- and four-day sleeps skip only this module's timers. On the session's server they would also wait for
# whatever other tests left behind (a workflow terminated with an activity in flight holds time skipping back).


@pytest.fixture(scope="module")
async def ts_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=make_converter(), test_server_existing_path=binary("temporal-test-server")
    )
    await register_search_attributes(env.client)
    yield env
    await env.shutdown()


@pytest.fixture(scope="module")
def settings(workflow_db: tuple[str, SessionFactory], mail_sink: MailSink) -> Settings:
    return make_settings(
        database_url=workflow_db[0],
        smtp_host=mail_sink.host,
        smtp_port=mail_sink.port,
        task_queue=f"organizers-{uid()}",
        public_base_url="http://onramp.test",
    )


@pytest.fixture(scope="module")
async def worker(
    ts_env: WorkflowEnvironment, workflow_db: tuple[str, SessionFactory], settings: Settings
) -> AsyncIterator[Worker]:
    async with build_worker(
        ts_env.client, settings.task_queue, all_activities(workflow_db[1], settings.mail_config())
    ) as worker:
        yield worker


@pytest.fixture
async def client(ts_env: WorkflowEnvironment, worker: Worker) -> Client:
    return ts_env.client


@pytest.fixture
async def app(client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]) -> FastAPI:
    return create_app(settings, client=client, sessions=workflow_db[1])


@pytest.fixture
async def account(workflow_db: tuple[str, SessionFactory], settings: Settings) -> PortalAccount:
    return await new_account(workflow_db[1], settings)


@pytest.fixture
async def admin(app: FastAPI, account: PortalAccount) -> AsyncIterator[httpx.AsyncClient]:
    async with browser(app) as http:
        await ready_admin(http, account)
        yield http


def organizer(edition: str = "Standard", **overrides: str) -> dict[str, str]:
    tag = uid()
    return {"last_name": "Lovelace", "first_name": "Ada", "email": f"ada-{tag}@yitong.example", "edition": edition} | (
        overrides
    )


_databases: list[SessionFactory] = []


@pytest.fixture(autouse=True)
def _organizer_ids(workflow_db: tuple[str, SessionFactory]) -> Iterator[None]:
    """Where state_of finds an organizer's workflow id (kept with the account and e-mail)."""
    _databases.append(workflow_db[1])
    yield
    _databases.pop()


async def workflow_of(client: Client, account: PortalAccount, email: str) -> WorkflowHandle[Any, Any]:
    workflow_id = await organizer_ids.find(_databases[-1], account.account_no, email)
    assert workflow_id is not None and email not in workflow_id  # the id holds no e-mail
    return client.get_workflow_handle_for(OrganizerAccountWorkflow.run, workflow_id)


async def state_of(client: Client, account: PortalAccount, email: str) -> OrganizerState:
    return await (await workflow_of(client, account, email)).query(OrganizerAccountWorkflow.status)


async def test_create_invites_at_once_with_a_copy_to_the_admin_then_reinvite_and_activate(
    admin: httpx.AsyncClient,
    account: PortalAccount,
    client: Client,
    ts_env: WorkflowEnvironment,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    before = (await admin.get("/api/admin/organizers")).json()
    assert before["remaining"] == "GoTo Meeting Enterprise: 1 left · GoTo Meeting Standard: 2 left"
    assert before["organizers"] == []

    ada = organizer()
    created = await admin.post("/api/admin/organizers", json=ada)

    assert created.status_code == 201, created.text
    body = created.json()
    assert body["invitation"]["to"] == ada["email"] and body["admin_copy"]["to"] == account.admin_email
    assert body["state"]["status"] == "invited" and body["state"]["remaining"] == 1
    [invitation] = await mails_to(mail_sink, ada["email"])
    assert invitation.subject == f"{account.customer_name} opened a GoTo Meeting Standard account for you"
    assert "Hello Ada Lovelace," in invitation.text
    assert f"Your username is {ada['email']}." in invitation.text
    assert activation_link(invitation).startswith("http://onramp.test/activate/")
    [copy] = await mails_to(mail_sink, account.admin_email, subject="Copy:")
    assert copy.subject == "Copy: Ada Lovelace was invited (GoTo Meeting Standard)"
    assert ada["email"] in copy.text and "/activate/" not in copy.text  # the admin never gets the personal link

    listed = (await admin.get("/api/admin/organizers")).json()
    assert listed["remaining"] == "GoTo Meeting Enterprise: 1 left · GoTo Meeting Standard: 1 left"
    assert [(o["email"], o["label"], o["status"]) for o in listed["organizers"]] == [
        (ada["email"], "GoTo Meeting Standard", "invited")
    ]
    assert await seats_used(workflow_db[1], account.account_no, Edition.STANDARD) == (2, 1)

    # Seed step 5: the organizer did not get it; re-invite sends it again, with a link of its own.
    again = await admin.post(f"/api/admin/organizers/{ada['email']}/reinvite")
    assert again.status_code == 200, again.text
    assert again.json()["invitation"]["sequence"] == 2
    first, second = await mails_to(mail_sink, ada["email"], count=2)
    assert activation_link(first) != activation_link(second)
    copies = await mails_to(mail_sink, account.admin_email, count=2, subject="Copy:")
    assert "invitation #2" in copies[1].text
    assert await seats_used(workflow_db[1], account.account_no, Edition.STANDARD) == (2, 1)  # no second license

    # The link opens a page; the button activates (a link checker's GET changes nothing).
    page = await admin.get(activation_path(first))
    assert page.status_code == 200
    assert "Activate your GoTo Meeting account" in page.text and ada["email"] in page.text
    assert (await state_of(client, account, ada["email"])).status is OrganizerStatus.INVITED
    done = await admin.post(activation_path(first))
    assert done.status_code == 200
    assert "Your account is active" in done.text
    assert f"your GoTo Meeting Standard organizer account ({ada['email']}) is active" in done.text

    state = await state_of(client, account, ada["email"])
    assert state.status is OrganizerStatus.ACTIVE and state.next_deadline is None
    async with workflow_db[1]() as session:
        row = await session.get(Organizer, (account.account_no, ada["email"]))
        assert row is not None and row.status == "active" and row.activated_at is not None
    used_twice = await admin.get(activation_path(second))  # every link of the account is spent now
    assert used_twice.status_code == 404 and "This link no longer works" in used_twice.text

    refused = await admin.post(f"/api/admin/organizers/{ada['email']}/reinvite")
    assert refused.status_code == 409
    assert refused.json()["message"] == f"Cannot re-invite: {ada['email']} has already activated the account."

    # No reminder for an activated account, however long it waits.
    await ts_env.sleep(timedelta(days=4))
    state = await state_of(client, account, ada["email"])
    assert state.reminders == 0 and state.status is OrganizerStatus.ACTIVE
    assert len(mail_sink.to(ada["email"])) == 2
    assert not [m for m in mail_sink.to(ada["email"]) if m.subject.startswith("Reminder")]


async def test_a_reminder_three_days_after_an_unanswered_invitation(
    admin: httpx.AsyncClient, account: PortalAccount, client: Client, ts_env: WorkflowEnvironment, mail_sink: MailSink
) -> None:
    ada = organizer(edition="Enterprise")
    created = await admin.post("/api/admin/organizers", json=ada)
    assert created.status_code == 201, created.text
    await mails_to(mail_sink, ada["email"])
    state = await state_of(client, account, ada["email"])
    assert state.next_deadline_kind == "reminder"
    assert state.invited_at is not None and state.next_deadline == state.invited_at + timedelta(days=3)

    await ts_env.sleep(timedelta(days=2, hours=23))
    assert (await state_of(client, account, ada["email"])).reminders == 0
    await ts_env.sleep(timedelta(hours=1, minutes=1))

    [reminder] = await mails_to(mail_sink, ada["email"], subject="Reminder")
    assert reminder.subject == "Reminder: activate your GoTo Meeting Enterprise account"
    assert "3 days ago Li Wei of" in " ".join(reminder.text.split())
    state = await state_of(client, account, ada["email"])
    assert state.reminders == 1 and state.next_deadline is None  # one reminder per invitation

    activated = await admin.post(activation_path(reminder))  # the reminder's link works too
    assert activated.status_code == 200 and "Your account is active" in activated.text


async def test_removing_an_organizer_returns_the_license_and_ends_its_workflow(
    app: FastAPI,
    client: Client,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
    settings: Settings,
) -> None:
    account = await new_account(workflow_db[1], settings, seats={(Product.GOTO_MEETING, Edition.STANDARD): 1})
    async with browser(app) as admin:
        await ready_admin(admin, account)
        ada, bob = organizer(), organizer(first_name="Bob", last_name="Chen")
        assert (await admin.post("/api/admin/organizers", json=ada)).status_code == 201
        [invitation] = await mails_to(mail_sink, ada["email"])

        # Refused clearly at zero, next to the edition.
        full = await admin.post("/api/admin/organizers", json=bob)
        assert full.status_code == 409
        assert full.json()["message"] == (
            "No Standard licenses left for GoTo Meeting: its only license is in use. "
            "Remove an organizer account, or add seats, to create another one."
        )
        assert full.json()["fields"] == [{"field": "edition", "message": full.json()["message"]}]
        assert (await admin.get("/api/admin/organizers")).json()["remaining"] == "GoTo Meeting Standard: 0 left"

        removed = await admin.delete(f"/api/admin/organizers/{ada['email']}")
        assert removed.status_code == 200, removed.text
        assert removed.json()["status"] == "removed" and removed.json()["remaining"] == 1
        handle = await workflow_of(client, account, ada["email"])
        final = await handle.result()
        final_run = await run_id(client, handle.id)
        assert final.status is OrganizerStatus.REMOVED and final.finished_at is not None
        assert (await admin.get("/api/admin/organizers")).json()["remaining"] == "GoTo Meeting Standard: 1 left"
        assert await seats_used(workflow_db[1], account.account_no, Edition.STANDARD) == (1, 0)
        dead = await admin.get(activation_path(invitation))
        assert dead.status_code == 404 and "This link no longer works" in dead.text
        again = await admin.delete(f"/api/admin/organizers/{ada['email']}")
        assert again.status_code == 409 and "no organizer account here any more (removed)" in again.json()["message"]

        # The license is free again: Bob gets it; Ada could be created again later (a new run, new mails).
        assert (await admin.post("/api/admin/organizers", json=bob)).status_code == 201
        await mails_to(mail_sink, bob["email"])
        assert (await admin.delete(f"/api/admin/organizers/{bob['email']}")).status_code == 200
        assert (await admin.post("/api/admin/organizers", json=ada)).status_code == 201
        second_run = await mails_to(mail_sink, ada["email"], count=2)
        assert activation_link(second_run[1]) != activation_link(invitation)
        made_again = await workflow_of(client, account, ada["email"])
        assert made_again.id != handle.id  # a new organizer account, a new key: the removed one's ran once
        assert await run_id(client, handle.id) == final_run


async def test_refusals_name_their_field(admin: httpx.AsyncClient, account: PortalAccount, mail_sink: MailSink) -> None:
    basic = await admin.post("/api/admin/organizers", json=organizer(edition="Basic"))
    assert basic.status_code == 422
    assert basic.json()["fields"][0]["field"] == "edition"
    assert basic.json()["message"] == (
        "This account has no GoTo Meeting Basic licenses; it has GoTo Meeting Enterprise, GoTo Meeting Standard."
    )
    webinar = await admin.post("/api/admin/organizers", json=organizer(product="GoTo Webinar"))
    assert webinar.status_code == 422 and webinar.json()["fields"][0]["field"] == "edition"

    bad = await admin.post(
        "/api/admin/organizers", json={"last_name": "", "first_name": "Ada", "email": "not-an-address", "edition": "X"}
    )
    assert bad.status_code == 422
    assert {p["field"] for p in bad.json()["fields"]} == {"last_name", "email", "edition"}

    ada = organizer()
    assert (await admin.post("/api/admin/organizers", json=ada)).status_code == 201
    twice = await admin.post("/api/admin/organizers", json=ada | {"first_name": "Ada Augusta"})
    assert twice.status_code == 409
    assert twice.json()["message"] == (
        f"{ada['email']} already has an organizer account here (GoTo Meeting Standard, invited). "
        "Use re-invite to send the invitation again."
    )
    assert twice.json()["fields"][0]["field"] == "email"
    await mails_to(mail_sink, ada["email"])
    assert len(mail_sink.to(ada["email"])) == 1

    nobody = await admin.post("/api/admin/organizers/nobody@yitong.example/reinvite")
    assert nobody.status_code == 404
    assert nobody.json()["message"] == "There is no organizer account for nobody@yitong.example on this account."

    bogus = await admin.post("/api/organizer-activation/not-a-real-token")
    assert bogus.status_code == 404 and "does not work any more" in bogus.json()["message"]


async def test_the_workflow_refuses_when_the_last_license_went_meanwhile(
    client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    """The portal's early look said one was left; the activity's conditional UPDATE says none: the create step is
    refused with the same sentence and the workflow ends `refused`, holding nothing."""
    account = await new_account(workflow_db[1], settings, seats={(Product.GOTO_MEETING, Edition.STANDARD): 0})
    request = OrganizerAccountInput(account_no=account.account_no, email=f"late-{uid()}@yitong.example")
    handle = await client.start_workflow(
        OrganizerAccountWorkflow.run,
        request,
        id=f"organizer-{request.account_no}-{uid()}",
        task_queue=settings.task_queue,
    )
    step = CreateOrganizer(last_name="Late", first_name="Lee", product=Product.GOTO_MEETING, edition=Edition.STANDARD)
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(OrganizerAccountWorkflow.create, step)
    cause = refused.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "NoLicenseLeft"
    assert cause.message.startswith("No Standard licenses left for GoTo Meeting: the account has no seats of it.")
    assert cause.details[0] == "edition"
    final = await handle.result()
    assert final.status is OrganizerStatus.REFUSED and final.refusal == cause.message
    async with workflow_db[1]() as session:
        assert await session.get(Organizer, (account.account_no, str(request.email))) is None


async def test_a_start_without_its_create_step_ends_by_itself(client: Client, settings: Settings) -> None:
    request = OrganizerAccountInput(account_no="T-nobody", email=f"ghost-{uid()}@yitong.example")
    handle = await client.start_workflow(
        OrganizerAccountWorkflow.run,
        request,
        id=f"organizer-{request.account_no}-{uid()}",
        task_queue=settings.task_queue,
    )
    final = await handle.result()  # the time-skipping server skips the ten minutes
    assert final.status is OrganizerStatus.ABANDONED
    assert final.timeline[-1].text == "abandoned: the create step did not come; no license was taken"


async def test_a_long_lived_account_continues_as_new_keeping_its_state_and_mail_sequence(
    client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory], mail_sink: MailSink
) -> None:
    """Re-invites grow the history (each: an Update, two mails); past the policy's bound the run continues as new
    with the account's state, so the next invitation is #N+1 (its outbox key new, none sent twice) and the
    account is the same one: status, timeline, license."""
    account = await new_account(workflow_db[1], settings)
    email = f"long-{uid()}@yitong.example"
    request = OrganizerAccountInput(
        account_no=account.account_no, email=email, policy=OrganizerPolicy(continue_after_events=40)
    )
    handle = await client.start_workflow(
        OrganizerAccountWorkflow.run,
        request,
        id=f"organizer-{account.account_no}-{uid()}",
        task_queue=settings.task_queue,
    )
    first_run = await run_id(client, handle.id)
    step = CreateOrganizer(last_name="Long", first_name="Lou", product=Product.GOTO_MEETING, edition=Edition.STANDARD)
    await handle.execute_update(OrganizerAccountWorkflow.create, step)
    for n in range(2, 7):
        sent = await handle.execute_update(OrganizerAccountWorkflow.reinvite, ReinviteOrganizer())
        assert sent.invitation.sequence == n
    await mails_to(mail_sink, email, count=6)

    later_run = await run_id(client, handle.id)
    assert later_run != first_run  # a new run of the same workflow id
    state = await handle.query(OrganizerAccountWorkflow.status)
    assert state.status is OrganizerStatus.INVITED and state.invitations == 6
    assert any("continued in a new run" in event.text for event in state.timeline)
    assert state.timeline[0].text.startswith("pending: waiting for the admin's create step")  # the whole timeline
    again = await handle.execute_update(OrganizerAccountWorkflow.reinvite, ReinviteOrganizer())
    assert again.invitation.sequence == 7
    invitations = await mails_to(mail_sink, email, count=7)
    assert len(invitations) == 7 and len({activation_link(m) for m in invitations}) == 7  # none twice
    assert await seats_used(workflow_db[1], account.account_no, Edition.STANDARD) == (2, 1)  # still one license

    await handle.execute_update(OrganizerAccountWorkflow.remove, RemoveOrganizer())
    final = await handle.result()
    assert final.status is OrganizerStatus.REMOVED
