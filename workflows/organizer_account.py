"""OrganizerAccountWorkflow: one organizer account of an enterprise account (seed 000, steps 4 and 5).

The process:
1. The portal starts the workflow (`organizer-<account no>-<random key>`, store/organizer_ids.py) and sends the create step (an Update): an
   activity takes one license of the chosen edition (a conditional UPDATE: refused clearly when none is left) and
   creates the account at once; the invitation e-mail goes to the organizer, with an activation link, and a copy
   to the account's admin (at the admin e-mail of that moment).
2. Re-invite (an Update) sends the invitation again with a fresh link, and a copy to the admin.
3. The workflow waits for the organizer to activate through the link (an Update the activation page sends);
   three days after an unanswered invitation the organizer gets a reminder.
4. Remove (an Update) deletes the account, returns its license to the pool and ends the workflow.

No password and no token enters the history: activation links are minted inside the mail activity.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate
from temporalio.exceptions import ActivityError, ApplicationError

from workflows import activity_calls, patches
from workflows.outbox import Outbox
from workflows.visibility import Visibility, console_queues

with workflow.unsafe.imports_passed_through():
    from models import search_attributes as sa
    from models.common import Recipient
    from models.mail import ActivationLinkRequest, MailQueued
    from models.organizer import (
        ACCOUNT_ADMIN_ACTIVITY,
        ACTIVATE_ORGANIZER_ACTIVITY,
        CREATE_ORGANIZER_ACTIVITY,
        FINAL_STATUSES,
        HOLDS_LICENSE,
        KIND,
        REMOVE_ORGANIZER_ACTIVITY,
        AccountAdmin,
        ActivateOrganizer,
        CreateOrganizer,
        InvitationSent,
        LicenseReturned,
        LicenseTaken,
        OrganizerAccountInput,
        OrganizerContinued,
        OrganizerEvent,
        OrganizerEventKind,
        OrganizerRef,
        OrganizerState,
        OrganizerStatus,
        ReinviteOrganizer,
        RemoveOrganizer,
        TakeLicense,
        edition_label,
    )
    from models.organizer_rules import organizer_exists
    from models.refusals import Reason, Refusal, Word, because, passed_on, refuse, word
    from models.words import ORGANIZER

INVITATION = "invitation"
INVITATION_COPY = "invitation_copy"
REMINDER = "reminder"


def _conflict(reason: Reason, field: str | None = None) -> ApplicationError:
    return refuse(Refusal.ORGANIZER_STATE_CONFLICT, reason, field)


RE_INVITE = word("organizer account step", "re-invite")
ACTIVATE = word("organizer account step", "activate")
NOT_CREATED = because("the account was not created")

CONTINUE_AS_NEW = "continue-as-new"
"""Patch: past the policy's number of events, the run continues as new (asked only then, so a run that never gets
there writes no marker)."""


@workflow.defn
class OrganizerAccountWorkflow:
    @workflow.init
    def __init__(self, request: OrganizerAccountInput) -> None:
        self._baseline = patches.begin()  # first: every patch the baseline covers, without a marker each
        self._input = request
        self._policy = request.policy
        self._creation_id = workflow.uuid4().hex[:12]  # this run's rows and mails, apart from earlier runs' (same id)
        self._state = OrganizerState(
            workflow_id=workflow.info().workflow_id,
            account_no=request.account_no,
            email=str(request.email).lower(),
            started_at=workflow.now(),
        )
        if request.continued is not None:  # the account's own run, continued: its state and its rows' id
            self._creation_id = request.continued.creation_id
            self._state = request.continued.state
        self._admin: AccountAdmin | None = None
        self._lock = asyncio.Lock()  # one state-changing step at a time (create, re-invite, activate, remove)
        self._creating = False
        self._changes = 0
        self._outbox = Outbox(
            self._state.mails,
            note=lambda text: self._note("mail", text),
            max_retry_seconds=self._policy.mail_retry_max_seconds,
        )
        self._visibility = Visibility(KIND)

    # ------------------------------------------------------------------ the process

    @workflow.run
    async def run(self, request: OrganizerAccountInput) -> OrganizerState:
        if request.continued is None:
            await self._await_create_step()
        while self._state.status not in FINAL_STATUSES:
            if self._history_is_long() and patches.patched(CONTINUE_AS_NEW):
                await self._continue_as_new()
            await self._wait_for_activation_or_removal()
        await self._finish()
        return self._state

    def _history_is_long(self) -> bool:
        info = workflow.info()
        return info.is_continue_as_new_suggested() or (
            info.get_current_history_length() >= self._policy.continue_after_events
        )

    async def _continue_as_new(self) -> None:
        """Hand the account to a new run of the same workflow id: its mails delivered and no step under way first,
        so the new run starts from a state nothing else is still changing."""
        await workflow.wait_condition(
            lambda: workflow.all_handlers_finished() and not self._lock.locked() and self._outbox.idle()
        )
        self._note("state", f"{self._state.status.value}: continued in a new run (its history was long)")
        carried = OrganizerContinued(state=self._state, creation_id=self._creation_id)
        workflow.continue_as_new(self._input.model_copy(update={"continued": carried}))

    async def _await_create_step(self) -> None:
        """Step 1 arrives as an Update right after the start; a start whose step never comes ends by itself."""
        window = timedelta(minutes=self._policy.create_within_minutes)
        self._note("state", "pending: waiting for the admin's create step")
        self._set_deadline(self._state.started_at + window, "create step")
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(lambda: self._state.status is not OrganizerStatus.PENDING, timeout=window)
        if self._state.status is OrganizerStatus.PENDING and not self._creating:
            self._state.status = OrganizerStatus.ABANDONED
            self._note("state", "abandoned: the create step did not come; no license was taken")
            self._publish()
        await workflow.wait_condition(lambda: self._state.status is not OrganizerStatus.PENDING)

    async def _wait_for_activation_or_removal(self) -> None:
        """Step 3: until the organizer activates or the admin removes the account; a reminder when one is due."""
        due = self._state.reminder_due_at
        self._set_deadline(due, "reminder")
        seen = self._changes
        if due is None:
            await workflow.wait_condition(lambda: self._changes != seen)
            return
        remaining = due - workflow.now()
        if remaining > timedelta(0):
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(lambda: self._changes != seen, timeout=remaining)
        if self._reminder_due(workflow.now()):
            self._remind()

    def _reminder_due(self, now: datetime) -> bool:
        due = self._state.reminder_due_at
        return self._state.status is OrganizerStatus.INVITED and due is not None and now >= due

    def _remind(self) -> None:
        state = self._state
        state.reminders += 1
        state.reminder_due_at = None  # one reminder per invitation; a re-invite starts the clock again
        self._note(
            "reminder",
            f"Not activated {self._policy.reminder_after_days} days after the invitation: reminder sent",
        )
        self._queue_mail(REMINDER, self._organizer(), "organizer_reminder", activation=True)
        self._publish()

    async def _finish(self) -> None:
        await self._outbox.all_delivered()
        await workflow.wait_condition(workflow.all_handlers_finished)
        self._state.finished_at = workflow.now()
        self._set_deadline(None, None)

    # ------------------------------------------------------------------ steps

    @workflow.query
    def status(self) -> OrganizerState:
        return self._state

    @workflow.update
    async def create(self, request: CreateOrganizer) -> InvitationSent:
        async with self._lock:
            self._require_pending()
            self._creating = True
            state = self._state
            state.last_name, state.first_name = request.last_name, request.first_name
            state.product, state.edition = request.product, request.edition
            label = edition_label(request.product, request.edition)
            try:
                take = TakeLicense(
                    workflow_id=state.workflow_id,
                    creation_id=self._creation_id,
                    account_no=state.account_no,
                    email=state.email,
                    last_name=request.last_name,
                    first_name=request.first_name,
                    product=request.product,
                    edition=request.edition,
                    at=workflow.now(),
                    language=request.language,
                )
                taken = await activity_calls.run(CREATE_ORGANIZER_ACTIVITY, take, LicenseTaken)
            except ActivityError as err:
                cause = err.cause
                if not isinstance(cause, ApplicationError):
                    raise
                state.status = OrganizerStatus.REFUSED
                state.refusal = cause.message
                self._note("state", f"refused: {cause.message}")
                self._changed()
                raise passed_on(cause, Refusal.ORGANIZER_STATE_CONFLICT) from None
            self._admin = taken.admin
            state.language = request.language or taken.admin.language
            state.status = OrganizerStatus.INVITED
            state.invited_at = workflow.now()
            state.remaining = taken.remaining
            self._note(
                "admin",
                f"{request.operator} created the organizer account ({label}); "
                f"{taken.remaining} of {taken.seats} {label} licenses left",
            )
            return self._invite(taken.admin)

    @create.validator
    def _validate_create(self, request: CreateOrganizer) -> None:
        self._require_pending()

    @workflow.update
    async def reinvite(self, request: ReinviteOrganizer) -> InvitationSent:
        async with self._lock:
            self._require_invited(RE_INVITE)
            admin = await activity_calls.run(ACCOUNT_ADMIN_ACTIVITY, self._state.account_no, AccountAdmin)
            self._admin = admin
            self._note("admin", f"{request.operator} re-invited the organizer")
            return self._invite(admin)

    @reinvite.validator
    def _validate_reinvite(self, request: ReinviteOrganizer) -> None:
        self._require_invited(RE_INVITE)

    @workflow.update
    async def activate(self, request: ActivateOrganizer) -> OrganizerState:
        async with self._lock:
            self._require_invited(ACTIVATE)
            now = workflow.now()
            ref = self._ref(now).model_copy(update={"language": request.language})
            await activity_calls.run(ACTIVATE_ORGANIZER_ACTIVITY, ref, bool)
            state = self._state
            state.status = OrganizerStatus.ACTIVE
            state.activated_at = now
            state.reminder_due_at = None
            if request.language:
                state.language = request.language
            self._note("activation", f"activated by the organizer ({request.via})")
            self._changed()
            return state

    @activate.validator
    def _validate_activate(self, request: ActivateOrganizer) -> None:
        self._require_invited(ACTIVATE)

    @workflow.update
    async def remove(self, request: RemoveOrganizer) -> OrganizerState:
        async with self._lock:
            self._require_holding()
            now = workflow.now()
            returned = await activity_calls.run(REMOVE_ORGANIZER_ACTIVITY, self._ref(now), LicenseReturned)
            state = self._state
            state.status = OrganizerStatus.REMOVED
            state.removed_at = now
            state.reminder_due_at = None
            state.remaining = returned.remaining
            self._note(
                "admin",
                f"{request.operator} removed the organizer account; its license is back "
                f"({returned.remaining} {state.edition_label} left)"
                + (f" ({request.reason})" if request.reason else ""),
            )
            self._changed()
            return state

    @remove.validator
    def _validate_remove(self, request: RemoveOrganizer) -> None:
        self._require_holding()

    # ------------------------------------------------------------------ rules

    def _require_pending(self) -> None:
        state = self._state
        if state.status is OrganizerStatus.PENDING and not self._creating:
            return
        if state.status in HOLDS_LICENSE:
            exists = organizer_exists(str(state.email), state.product or "", state.edition or "", state.status)
            raise refuse(Refusal.ORGANIZER_EXISTS, exists, "email")
        if self._creating and state.status is OrganizerStatus.PENDING:
            raise _conflict(
                because("The organizer account for %(email)s is being created.", email=str(state.email)), "email"
            )
        raise _conflict(
            because(
                "This organizer account cannot be created here any more (%(status)s).", status=ORGANIZER[state.status]
            )
        )

    def _require_invited(self, action: Word) -> None:
        state = self._state
        if state.status is OrganizerStatus.INVITED:
            return
        reasons = {
            OrganizerStatus.PENDING: because("the account has not been created yet"),
            OrganizerStatus.ACTIVE: because("%(email)s has already activated the account", email=str(state.email)),
            OrganizerStatus.REMOVED: because("the account was removed"),
            OrganizerStatus.REFUSED: NOT_CREATED,
            OrganizerStatus.ABANDONED: NOT_CREATED,
        }
        # Translators: action is a step ("re-invite"), why a clause ("the account was removed").
        raise _conflict(because("Cannot %(action)s: %(why)s.", action=action, why=reasons[state.status]))

    def _require_holding(self) -> None:
        if self._state.status not in HOLDS_LICENSE:
            raise _conflict(because("Cannot remove: the account is %(status)s.", status=ORGANIZER[self._state.status]))

    # ------------------------------------------------------------------ e-mail

    def _invite(self, admin: AccountAdmin) -> InvitationSent:
        state = self._state
        now = workflow.now()
        state.invitations += 1
        state.last_invited_at = now
        state.reminder_due_at = now + timedelta(days=self._policy.reminder_after_days)
        invitation = self._queue_mail(INVITATION, self._organizer(), "organizer_invitation", activation=True)
        copy = self._queue_mail(
            INVITATION_COPY, Recipient(email=admin.email, language=admin.language), "organizer_invitation_copy"
        )
        self._changed()
        return InvitationSent(invitation=invitation, admin_copy=copy, state=state)

    def _organizer(self) -> Recipient:
        return Recipient(email=self._state.email, language=self._state.language)

    def _queue_mail(self, purpose: str, recipient: Recipient, template: str, activation: bool = False) -> MailQueued:
        """Hand a mail to the outbox: an SMTP outage delays the mail, never the steps or the timers."""
        state = self._state
        expires_at = workflow.now() + timedelta(days=self._policy.link_valid_days)
        link = ActivationLinkRequest(workflow_id=state.workflow_id, expires_at=expires_at) if activation else None
        return self._outbox.queue(
            purpose,
            recipient,
            template,
            self._mail_context(self._outbox.next_sequence(purpose), expires_at),
            # the run's creation id keeps a re-created organizer's mails apart from the removed one's in the outbox
            key=f"{state.workflow_id}#{self._creation_id}",
            activation_link=link,
        )

    def _mail_context(self, sequence: int, expires_at: datetime) -> dict[str, Any]:
        state, admin = self._state, self._admin
        return {
            "account_no": state.account_no,
            "organizer_email": state.email,
            "first_name": state.first_name,
            "last_name": state.last_name,
            "edition": state.edition_label,
            "customer_name": admin.customer_name if admin else "",
            "admin_name": admin.name if admin else "",
            "admin_email": admin.email if admin else "",
            "invitation_number": state.invitations,
            "sequence": sequence,
            "link_valid_days": self._policy.link_valid_days,
            "link_expires_on": expires_at.date().isoformat(),
            "reminder_after_days": self._policy.reminder_after_days,
        }

    # ------------------------------------------------------------------ state, search attributes

    def _ref(self, now: datetime) -> OrganizerRef:
        state = self._state
        return OrganizerRef(
            workflow_id=state.workflow_id,
            creation_id=self._creation_id,
            account_no=state.account_no,
            email=state.email,
            at=now,
        )

    def _note(self, kind: OrganizerEventKind, text: str) -> None:
        self._state.timeline.append(OrganizerEvent(at=workflow.now(), kind=kind, text=text))

    def _changed(self) -> None:
        """The status or a deadline changed: the waiting loop looks again; the search attributes follow."""
        self._changes += 1
        self._publish()

    def _set_deadline(self, deadline: datetime | None, kind: str | None) -> None:
        self._state.next_deadline = deadline
        self._state.next_deadline_kind = kind if deadline is not None else None
        self._publish()

    def _publish(self) -> None:
        """Kind, status, the account no as business id, the next deadline: no personal data (not encrypted)."""
        state = self._state
        more: list[SearchAttributeUpdate[Any]] = []
        if console_queues():  # the console's queue of organizers still invited after their reminder
            reminded = state.status is OrganizerStatus.INVITED and state.reminders > 0 and state.reminder_due_at is None
            more = [sa.REMINDED.value_set(reminded)]
        self._visibility.publish(
            status=state.status.value, business_id=state.account_no, next_deadline=state.next_deadline, more=more
        )


__all__ = ["OrganizerAccountWorkflow"]
