"""OrganizerAccountWorkflow's own logic, fast: the real workflow on the time-skipping server with fake activities.

Proves the enterprise admin's organizer account from create to removal: the create step takes a license (the fake
create_organizer answers how many are left) and invites the organizer, with a copy to the account's admin; three
days without activation bring one reminder; the organizer activates; the admin removes the account, its license is
back and the workflow ends. A create the license pool refuses (NoLicenseLeft, naming the edition) is answered with
that refusal and leaves nothing behind. No database, no SMTP: every activity is a fake that records its input.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from temporalio import activity
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from models.accounts import Edition, Product
from models.mail import MailQueued, MailStatus
from models.organizer import (
    ACCOUNT_ADMIN_ACTIVITY,
    ACTIVATE_ORGANIZER_ACTIVITY,
    CREATE_ORGANIZER_ACTIVITY,
    REMOVE_ORGANIZER_ACTIVITY,
    AccountAdmin,
    ActivateOrganizer,
    CreateOrganizer,
    LicenseReturned,
    LicenseTaken,
    OrganizerAccountInput,
    OrganizerRef,
    OrganizerState,
    OrganizerStatus,
    RemoveOrganizer,
    TakeLicense,
)
from models.organizer_rules import no_license_left
from models.refusals import Refusal, refuse
from tests.fast_support import CALLS, assert_refused, fake_worker, mails, send_mail, skip_to, until
from workflows.organizer_account import OrganizerAccountWorkflow

ADMIN = AccountAdmin(
    account_no="ACC-FAST-2", email="admin@yitong.example", name="Wen Chen", customer_name="Yitong Trading"
)
STANDARD_SEATS = 5


# ---------------------------------------------------------------- fake activities


@activity.defn(name=CREATE_ORGANIZER_ACTIVITY)
async def create_organizer(request: TakeLicense) -> LicenseTaken:
    """The account's pool: 5 Standard seats (one taken before this one), no Enterprise seats at all."""
    CALLS.record(request)
    if request.edition is not Edition.STANDARD:
        raise refuse(Refusal.NO_LICENSE_LEFT, no_license_left(request.product, request.edition, 0), "edition")
    return LicenseTaken(remaining=STANDARD_SEATS - 2, seats=STANDARD_SEATS, admin=ADMIN)


@activity.defn(name=ACTIVATE_ORGANIZER_ACTIVITY)
async def activate_organizer(ref: OrganizerRef) -> bool:
    CALLS.record(ref)
    return True


@activity.defn(name=REMOVE_ORGANIZER_ACTIVITY)
async def remove_organizer(ref: OrganizerRef) -> LicenseReturned:
    CALLS.record(ref)
    return LicenseReturned(returned=True, remaining=STANDARD_SEATS - 1)


@activity.defn(name=ACCOUNT_ADMIN_ACTIVITY)
async def account_admin(account_no: str) -> AccountAdmin:
    CALLS.record(account_no)
    return ADMIN


ACTIVITIES: list[Callable[..., Any]] = [
    create_organizer,
    activate_organizer,
    remove_organizer,
    account_admin,
    send_mail,
]


def _request() -> OrganizerAccountInput:
    return OrganizerAccountInput(account_no="ACC-FAST-2", email=f"Ada.{uuid.uuid4().hex[:8]}@Yitong.example")


def _create(edition: Edition) -> CreateOrganizer:
    return CreateOrganizer(
        last_name="Lovelace", first_name="Ada", product=Product.GOTO_MEETING, edition=edition, operator="wen"
    )


def _all_sent(state: OrganizerState, count: int) -> bool:
    return len(state.mails) == count and all(m.status is MailStatus.SENT for m in state.mails)


# ---------------------------------------------------------------- the tests


async def test_invited_organizer_is_reminded_after_three_days_activates_and_is_removed(
    ts_env: WorkflowEnvironment,
) -> None:
    request = _request()
    wid = f"organizer-{request.account_no}-fast-created"
    email = str(request.email).lower()
    async with fake_worker(ts_env, [OrganizerAccountWorkflow], ACTIVITIES) as run:
        handle = await run.start(OrganizerAccountWorkflow.run, request, id=wid)

        sent = await handle.execute_update(OrganizerAccountWorkflow.create, _create(Edition.STANDARD))

        assert sent.invitation == MailQueued(purpose="invitation", sequence=1, to=email)
        assert sent.admin_copy == MailQueued(purpose="invitation_copy", sequence=1, to=ADMIN.email)
        state = sent.state
        assert (state.status, state.email, state.remaining, state.invitations) == (OrganizerStatus.INVITED, email, 3, 1)
        assert state.invited_at is not None and state.reminder_due_at == state.invited_at + timedelta(days=3)
        assert (
            "wen created the organizer account (GoTo Meeting Standard); 3 of 5 GoTo Meeting Standard licenses left"
            in [event.text for event in state.timeline]
        )
        [take] = CALLS.of(wid, CREATE_ORGANIZER_ACTIVITY)
        assert (take.account_no, take.email, take.product, take.edition) == (
            "ACC-FAST-2",
            email,
            Product.GOTO_MEETING,
            Edition.STANDARD,
        )
        state = await until(handle, OrganizerAccountWorkflow.status, lambda s: _all_sent(s, 2), "the invitation")
        by_purpose = {m.purpose: m for m in mails(wid)}
        invitation, copy = by_purpose["invitation"], by_purpose["invitation_copy"]
        assert (invitation.template, invitation.recipient.email) == ("organizer_invitation", email)
        assert invitation.activation_link is not None, "the invitation must ask the mail activity for a link"
        assert invitation.activation_link.workflow_id == wid
        assert state.invited_at is not None
        assert invitation.activation_link.expires_at == state.invited_at + timedelta(days=30)
        assert (copy.template, copy.recipient.email, copy.activation_link) == (
            "organizer_invitation_copy",
            ADMIN.email,
            None,  # the admin's copy carries no working link
        )
        assert invitation.workflow_id.startswith(f"{wid}#")  # this run's outbox keys

        # Three days without activation: one reminder, with a fresh link.
        assert state.reminder_due_at is not None
        await skip_to(ts_env, state.reminder_due_at - timedelta(minutes=1))
        assert (await handle.query(OrganizerAccountWorkflow.status)).reminders == 0
        await skip_to(ts_env, state.reminder_due_at + timedelta(minutes=1))
        state = await until(handle, OrganizerAccountWorkflow.status, lambda s: _all_sent(s, 3), "the reminder")
        assert state.reminders == 1
        assert state.status is OrganizerStatus.INVITED
        assert state.reminder_due_at is None  # one reminder per invitation
        assert "Not activated 3 days after the invitation: reminder sent" in [
            event.text for event in state.timeline if event.kind == "reminder"
        ]
        [reminder] = [m for m in mails(wid) if m.purpose == "reminder"]
        assert (reminder.template, reminder.recipient.email) == ("organizer_reminder", email)
        assert reminder.activation_link is not None

        active = await handle.execute_update(OrganizerAccountWorkflow.activate, ActivateOrganizer(via="link"))
        assert active.status is OrganizerStatus.ACTIVE and active.activated_at is not None
        assert "activated by the organizer (link)" in [event.text for event in active.timeline]
        [activated] = CALLS.of(wid, ACTIVATE_ORGANIZER_ACTIVITY)
        assert (activated.account_no, activated.email) == ("ACC-FAST-2", email)

        removed = await handle.execute_update(
            OrganizerAccountWorkflow.remove, RemoveOrganizer(operator="wen", reason="left the company")
        )
        assert (removed.status, removed.remaining) == (OrganizerStatus.REMOVED, 4)
        final = await handle.result()  # removing ends the workflow

    assert final.status is OrganizerStatus.REMOVED
    assert final.finished_at is not None and final.removed_at is not None
    assert (
        "wen removed the organizer account; its license is back (4 GoTo Meeting Standard left) (left the company)"
        in [event.text for event in final.timeline]
    )
    assert [(m.purpose, m.to) for m in final.mails] == [
        ("invitation", email),
        ("invitation_copy", ADMIN.email),
        ("reminder", email),
    ]
    assert len(CALLS.of(wid, REMOVE_ORGANIZER_ACTIVITY)) == 1


async def test_a_create_without_a_license_left_is_refused_naming_the_edition(ts_env: WorkflowEnvironment) -> None:
    request = _request()
    wid = f"organizer-{request.account_no}-fast-refused"
    async with fake_worker(ts_env, [OrganizerAccountWorkflow], ACTIVITIES) as run:
        handle = await run.start(OrganizerAccountWorkflow.run, request, id=wid)

        with pytest.raises(WorkflowUpdateFailedError) as caught:
            await handle.execute_update(OrganizerAccountWorkflow.create, _create(Edition.ENTERPRISE))

        message = (
            "No Enterprise licenses left for GoTo Meeting: the account has no seats of it. "
            "Remove an organizer account, or add seats, to create another one."
        )
        assert_refused(caught, "NoLicenseLeft", message, field="edition")
        final = await handle.result()  # a refused create ends the workflow

    assert final.status is OrganizerStatus.REFUSED
    assert final.refusal == message
    assert f"refused: {message}" in [event.text for event in final.timeline]
    assert final.mails == [] and mails(wid) == []  # nobody is invited
    assert (final.invited_at, final.reminder_due_at) == (None, None)
