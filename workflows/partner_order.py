"""PartnerOrderWorkflow: a partner's Webex order for a customer (seeds 001 and 003).

The process, as the seed tells it:
1. The order arrives from Cisco Commerce Workspace with a requested start date and a provisioning contact.
2. On the requested start date the provisioning contact gets the Set Up Now e-mail.
3. One day after the start date, when provisioning has not started, the account representative steps in.
4. When the order is not provisioned within the close window, the order line closes.

The wizard (set up, provision) drives the status forward through Updates; the watch loop below only reacts to
status changes, so the wizard's steps are added without touching the timers. An operator's steps (send now, resend,
change the contact) are workflows/partner_order_operator.py.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow

from workflows import activity_calls, patches
from workflows.alias_contact import AliasContact
from workflows.outbox import Outbox
from workflows.partner_order_operator import SET_UP_NOW, SET_UP_NOW_CUSTOMER
from workflows.service_setup import ServiceSetup
from workflows.setup_wizard import OrderSetup
from workflows.visibility import Visibility, console_queues

with workflow.unsafe.imports_passed_through():
    from models import search_attributes as sa
    from models.common import Recipient
    from models.mail import ActivationLinkRequest, MailQueued, SetupLinkRequest
    from models.partner_order import (
        BEFORE_SET_UP,
        FINAL_STATUSES,
        RECEIVED_AT_MEMO,
        SAVE_PARTNER_ORDER_ACTIVITY,
        PartnerOrderInput,
        PartnerOrderSnapshot,
        PartnerOrderState,
        PartnerOrderStatus,
        TimelineEntry,
        TimelineKind,
        initial_state,
        receipt_time,
    )

KIND = "partner_order"

ESCALATION = "escalation"
ORDER_CLOSED = "order_closed"

# Patches (workflow.patched): changes to logic that running workflows may already have passed through.
QUIET_WATCH = "quiet-watch-loop"  # the deadline loop wakes for status changes only, and upserts changed attributes only


@workflow.defn
class PartnerOrderWorkflow(OrderSetup, ServiceSetup, AliasContact):
    @workflow.init
    def __init__(self, order: PartnerOrderInput) -> None:
        self._baseline = patches.begin()  # first: every patch the baseline covers, without a marker each
        self._order = order
        intake_said = workflow.memo_value(RECEIVED_AT_MEMO, None, type_hint=datetime)
        self._state = initial_state(order, received_at=receipt_time(intake_said, workflow.now()))
        self._send_now = False
        self._changes = 0
        self._quiet_watch = False
        self._outbox = Outbox(
            self._state.mails,
            note=lambda text: self._note("mail", text),
            max_retry_seconds=order.policy.mail_retry_max_seconds,
        )
        self._visibility = Visibility(KIND, dedupe=False)
        self._contact_lock = asyncio.Lock()
        self._submitting = False

    # ------------------------------------------------------------------ the process

    @workflow.run
    async def run(self, order: PartnerOrderInput) -> PartnerOrderState:
        self._quiet_watch = self._visibility.dedupe = patches.patched(QUIET_WATCH)
        await self._save()
        await self._wait_for_start_date()
        await self._send_set_up_now_mail_when_due()
        await self._watch_deadlines()
        await self._finish()
        return self._state

    async def _wait_for_start_date(self) -> None:
        """Step 2: nothing happens before midnight of the requested start date (unless an operator says now)."""
        self._set_next_deadline(self._state.starts_at, "start date")
        await self._sleep_until(
            self._state.starts_at,
            wake=lambda: self._send_now or self._state.status is not PartnerOrderStatus.AWAITING_START_DATE,
        )

    async def _send_set_up_now_mail_when_due(self) -> None:
        if self._state.status is not PartnerOrderStatus.AWAITING_START_DATE:
            return
        self._queue_set_up_now_mail()
        self._state.set_up_now_sent_at = workflow.now()
        await self._change_status(
            PartnerOrderStatus.AWAITING_SETUP, "Set Up Now e-mail sent to the provisioning contact"
        )

    async def _watch_deadlines(self) -> None:
        """Steps 3 and 4: escalate, then close, unless the wizard moves the order on first."""
        while self._state.status not in FINAL_STATUSES:
            deadline, kind = self._next_deadline()
            self._set_next_deadline(deadline, kind)
            seen = self._changes
            await self._sleep_until(deadline, wake=lambda seen=seen: self._changes != seen)  # type: ignore[misc]
            now = workflow.now()
            self.expire_idle_session(now)
            self.remind_join_if_due(now)
            if self._escalation_due(now):
                await self._escalate()
            if self._closure_due(now):
                await self._close()

    def _next_deadline(self) -> tuple[datetime, str]:
        deadline, kind = self._state.closes_at, "order line closes"
        if self._escalation_pending():
            deadline, kind = self._state.escalates_at, "escalation"
        session_ends = self.wizard_deadline()
        if session_ends is not None and session_ends < deadline:
            deadline, kind = session_ends, "wizard session expires"
        reminder = self.join_reminder_at()
        if reminder is not None and reminder < deadline:
            deadline, kind = reminder, "reminder to the organization's administrator"
        return deadline, kind

    def _escalation_pending(self) -> bool:
        return not self._state.escalated and self._state.status in BEFORE_SET_UP

    def _escalation_due(self, now: datetime) -> bool:
        return self._escalation_pending() and now >= self._state.escalates_at

    def _closure_due(self, now: datetime) -> bool:
        return self._state.status not in FINAL_STATUSES and now >= self._state.closes_at

    async def _escalate(self) -> None:
        """One day after the start date and not set up: the account representative is told and steps in."""
        self._state.escalated = True
        self._state.escalated_at = workflow.now()
        self._note("escalation", "Not set up one day after the start date: escalated to the account representative")
        self._queue_mail(ESCALATION, self._account_representative(), "escalation")
        self._publish()
        await self._save()

    async def _close(self) -> None:
        """Not provisioned within the close window: the order line closes and everybody concerned is told."""
        days = self._order.policy.close_after_days(self._order.offer)
        await self._change_status(
            PartnerOrderStatus.CLOSED,
            f"Order line closed: not provisioned within {days} days of the start date",
        )
        self._queue_mail(ORDER_CLOSED, self._provisioning_contact(), "order_closed")
        self._queue_mail(ORDER_CLOSED, self._account_representative(), "order_closed_representative")

    async def _finish(self) -> None:
        """Wait for every e-mail and every Update handler before the workflow returns."""
        await self._outbox.all_delivered()
        await workflow.wait_condition(workflow.all_handlers_finished)
        self._state.finished_at = workflow.now()
        self._state.next_deadline = None
        self._state.next_deadline_kind = None
        self._publish()

    # ------------------------------------------------------------------ operator steps

    @workflow.query
    def status(self) -> PartnerOrderState:
        return self._state

    # ------------------------------------------------------------------ e-mail

    def _queue_set_up_now_mail(self) -> MailQueued:
        link = SetupLinkRequest(
            order_id=self._order.order_id,
            contact_generation=self._state.contact_generation,
            expires_at=self._state.closes_at,
        )
        return self._queue_mail(SET_UP_NOW, self._provisioning_contact(), "set_up_now", setup_link=link)

    def _queue_customer_set_up_now_mail(self) -> MailQueued:
        """After "the customer will set up": the customer's administrator's link, which follows the customer's path."""
        link = SetupLinkRequest(
            order_id=self._order.order_id,
            contact_generation=self._state.contact_generation,
            expires_at=self._state.closes_at,
            audience="customer",
        )
        admin = self._recipient(str(self._state.wizard.setup_by_email))
        return self._queue_mail(SET_UP_NOW_CUSTOMER, admin, "set_up_now_customer", setup_link=link)

    def _queue_mail(
        self,
        purpose: str,
        recipient: Recipient,
        template: str,
        setup_link: SetupLinkRequest | None = None,
        activation_link: ActivationLinkRequest | None = None,
        extra: dict[str, object] | None = None,
    ) -> MailQueued:
        """Hand a mail to the outbox: an SMTP outage delays the mail, never the timers."""
        context = {**self._mail_context(), **(extra or {})}
        return self._outbox.queue(
            purpose, recipient, template, context, setup_link=setup_link, activation_link=activation_link
        )

    def _mail_context(self) -> dict[str, Any]:
        state = self._state
        return {
            "order_id": state.order_id,
            "offer": state.offer.value,
            "partner_name": state.partner_name,
            "customer_name": state.customer_name,
            "requested_start_date": state.requested_start_date.isoformat(),
            "time_zone": state.time_zone,
            "provisioning_contact_email": state.provisioning_contact_email,
            "services": [service.value for service in state.purchased_services],
            "escalates_at": state.escalates_at.isoformat(),
            "closes_at": state.closes_at.isoformat(),
            "close_after_days": self._order.policy.close_after_days(self._order.offer),
            "account_representative_email": state.account_representative_email,
            "customer_admin_email": state.wizard.setup.customer_admin_email if state.wizard.setup else None,
            "partner_access": state.wizard.partner_access,
            "subdomain": state.wizard.services.subdomain,
        }

    def _provisioning_contact(self) -> Recipient:
        return Recipient(email=self._state.provisioning_contact_email, language=self._order.language)

    def _account_representative(self) -> Recipient:
        return Recipient(email=self._state.account_representative_email)

    def _last_mail(self, purpose: str) -> MailQueued:
        mail = [m for m in self._state.mails if m.purpose == purpose][-1]
        return MailQueued(purpose=mail.purpose, sequence=mail.sequence, to=mail.to)

    # ------------------------------------------------------------------ state, search attributes, persistence

    async def _change_status(self, status: PartnerOrderStatus, text: str) -> None:
        self._state.status = status
        self._note("state", f"{status.value}: {text}")
        self._wake_watch()
        self._publish()
        await self._save()

    def _note(self, kind: TimelineKind, text: str) -> None:
        self._state.timeline.append(TimelineEntry(at=workflow.now(), kind=kind, text=text))
        if not self._quiet_watch:
            self._changes += 1  # runs from before QUIET_WATCH woke the loop for every line of the timeline

    def _wake_watch(self) -> None:
        """Something the deadlines depend on changed (status, a new wizard session): recompute them now."""
        self._changes += 1

    def _set_next_deadline(self, deadline: datetime, kind: str) -> None:
        self._state.next_deadline = deadline
        self._state.next_deadline_kind = kind
        self._publish()

    def _publish(self) -> None:
        """Mirror the state into the search attributes (no personal data: ids, status, flags, dates)."""
        state = self._state
        self._visibility.publish(
            status=state.status.value,
            business_id=state.order_id,
            escalated=state.escalated,
            next_deadline=state.next_deadline,
            more=[sa.CLOSES_AT.value_set(state.closes_at)] if console_queues() else (),
        )

    async def _save(self) -> None:
        snapshot = PartnerOrderSnapshot(workflow_id=workflow.info().workflow_id, state=self._state)
        await activity_calls.run(SAVE_PARTNER_ORDER_ACTIVITY, snapshot, local=patches.at_baseline())

    async def _sleep_until(self, deadline: datetime, wake: Callable[[], bool]) -> None:
        remaining = deadline - workflow.now()
        if remaining <= timedelta(0) or wake():
            return
        with contextlib.suppress(TimeoutError):
            await workflow.wait_condition(wake, timeout=remaining)


__all__ = ["KIND", "PartnerOrderWorkflow"]
