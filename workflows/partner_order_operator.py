"""What an operator (and the wizard's hand-over) does to a partner order before it is set up (seeds 001/003): send
the Set Up Now e-mail now, send it again, change the provisioning contact. Each step is an Update with a validator
that refuses it once the order is past setting up, or when the order has had its share of Set Up Now e-mails."""

from __future__ import annotations

import asyncio

from temporalio import workflow
from temporalio.exceptions import ApplicationError

from workflows import patches
from workflows.wizard_steps import WizardSteps

with workflow.unsafe.imports_passed_through():
    from models.mail import MailQueued
    from models.partner_order import (
        BEFORE_SET_UP,
        ChangeProvisioningContact,
        ContactChanged,
        PartnerOrderStatus,
        ResendSetUpMail,
        SendSetUpMailNow,
    )
    from models.refusals import Reason, Refusal, When, Word, because, because_n, refuse, word
    from models.seed_rules import MAX_SET_UP_NOW_MAILS
    from models.words import CHANGE_CONTACT, RESEND, SEND_NOW

SET_UP_NOW = "set_up_now"
SET_UP_NOW_CUSTOMER = "set_up_now_customer"

# Patches (workflow.patched): changes to logic that running workflows may already have passed through.
RESEND_WITHOUT_SAVE = "resend-without-save"  # a resend changes nothing the order row holds: answer sooner
RESEND_TO_CUSTOMER = "resend-to-the-customer"  # after "the customer will set up", the customer's link goes again


class OperatorSteps(WizardSteps):
    """Mixed into PartnerOrderWorkflow, which provides the Set Up Now e-mail and the order's state."""

    _send_now: bool
    _contact_lock: asyncio.Lock

    # Provided by PartnerOrderWorkflow.
    def _queue_set_up_now_mail(self) -> MailQueued:
        raise NotImplementedError

    def _queue_customer_set_up_now_mail(self) -> MailQueued:
        raise NotImplementedError

    def _last_mail(self, purpose: str) -> MailQueued:
        raise NotImplementedError

    def _publish(self) -> None:
        raise NotImplementedError

    @workflow.update
    async def send_now(self, request: SendSetUpMailNow) -> MailQueued:
        self._send_now = True
        self._note("operator", f"{request.operator} asked to send the Set Up Now e-mail now" + _why(request.reason))
        await workflow.wait_condition(lambda: self._state.set_up_now_sent_at is not None)
        return self._last_mail(SET_UP_NOW)

    @send_now.validator
    def _validate_send_now(self, request: SendSetUpMailNow) -> None:
        self._require_before_set_up(SEND_NOW)
        if self._state.status is not PartnerOrderStatus.AWAITING_START_DATE or self._send_now:
            raise _conflict(because("The Set Up Now e-mail has already been sent; use resend to send it again."))

    @workflow.update
    async def resend(self, request: ResendSetUpMail) -> MailQueued:
        self._note("operator", f"{request.operator} asked to resend the Set Up Now e-mail" + _why(request.reason))
        if self._wizard.setup_by == "customer" and patches.patched(RESEND_TO_CUSTOMER):
            # the customer sets up: a partner link would open the order to the partner again
            self._queue_customer_set_up_now_mail()
            return self._last_mail(SET_UP_NOW_CUSTOMER)
        self._queue_set_up_now_mail()
        if not patches.patched(RESEND_WITHOUT_SAVE):
            await self._save()  # older runs saved the unchanged order here; replay must do the same
        return self._last_mail(SET_UP_NOW)

    @resend.validator
    def _validate_resend(self, request: ResendSetUpMail) -> None:
        self._require_before_set_up(RESEND)
        self._require_mail_left()
        if self._state.status is PartnerOrderStatus.AWAITING_START_DATE and not self._send_now:
            raise _conflict(
                because(
                    "The Set Up Now e-mail has not been sent yet: it goes out on %(day)s (%(time_zone)s). "
                    "Use send-now to send it earlier.",
                    day=When(at=self._state.requested_start_date),
                    time_zone=self._state.time_zone,
                )
            )

    @workflow.update
    async def change_contact(self, request: ChangeProvisioningContact) -> ContactChanged:
        async with self._contact_lock:
            self._require_before_set_up(CHANGE_CONTACT)
            previous = self._state.provisioning_contact_email
            self._state.provisioning_contact_email = request.new_email
            if request.language:
                self._order.language = request.language
                self._state.language = request.language
            self._state.contact_generation += 1
            self._note(
                "operator",
                f"{request.operator} changed the provisioning contact from {previous} to {request.new_email}"
                + _why(request.reason),
            )
            mail = None
            if self._state.wizard.session is not None and self._state.wizard.session.audience == "partner":
                self._end_session()  # whoever had the wizard open was the old contact
                self._discard_answers()
            if self._state.status is PartnerOrderStatus.AWAITING_SETUP:
                mail = self._queue_set_up_now_mail()
            await self._save()  # revokes the links of earlier contacts
            self._publish()
            return ContactChanged(
                previous_email=previous,
                new_email=request.new_email,
                contact_generation=self._state.contact_generation,
                mail=mail,
            )

    @change_contact.validator
    def _validate_change_contact(self, request: ChangeProvisioningContact) -> None:
        self._require_before_set_up(CHANGE_CONTACT)
        if self._wizard.setup_by == "customer":  # a validator: a refused Update leaves no event, so no patch
            raise _conflict(because("Cannot %(action)s: %(why)s.", action=CHANGE_CONTACT, why=CUSTOMER_SETS_UP))
        if request.new_email == self._state.provisioning_contact_email:
            raise refuse(
                Refusal.INVALID_STEP,
                because("%(email)s is already the provisioning contact of this order.", email=str(request.new_email)),
            )
        if self._state.status is PartnerOrderStatus.AWAITING_SETUP:
            self._require_mail_left()

    def _require_mail_left(self) -> None:
        """Validators only: a refused Update leaves no event, so the cap needs no patch for running orders."""
        sent = sum(1 for mail in self._state.mails if mail.purpose in (SET_UP_NOW, SET_UP_NOW_CUSTOMER))
        if sent >= MAX_SET_UP_NOW_MAILS:
            raise _conflict(
                because_n(
                    "This order has had %(num)d Set Up Now e-mail: no more are sent. Check the "
                    "provisioning contact's address with the partner.",
                    "This order has had %(num)d Set Up Now e-mails: no more are sent. Check the "
                    "provisioning contact's address with the partner.",
                    MAX_SET_UP_NOW_MAILS,
                )
            )

    async def _hand_over(self, email: str) -> None:
        """The wizard's "another person in my company will set up": a contact change the partner makes."""
        async with self._contact_lock:
            self._state.provisioning_contact_email = email
            self._state.contact_generation += 1
            self._queue_set_up_now_mail()
            await self._save()
            self._publish()

    def _require_before_set_up(self, action: Word) -> None:
        status = self._state.status
        if status in BEFORE_SET_UP:
            return
        # Translators: action is a step ("resend the Set Up Now e-mail"), why a clause ("the order line is closed").
        raise _conflict(because("Cannot %(action)s: %(why)s.", action=action, why=TOO_LATE[status]))


def _conflict(reason: Reason) -> ApplicationError:
    """The order is not in a state where the operator's step makes sense (HTTP 409)."""
    return refuse(Refusal.ORDER_STATE_CONFLICT, reason)


CUSTOMER_SETS_UP = word(
    "why a partner order step is too late", "the customer is setting up the order (the partner has no access to it)"
)
TOO_LATE = {
    PartnerOrderStatus.SET_UP: word("why a partner order step is too late", "the order is already set up"),
    PartnerOrderStatus.PROVISIONED: word("why a partner order step is too late", "the order is already provisioned"),
    PartnerOrderStatus.CLOSED: word("why a partner order step is too late", "the order line is closed"),
    PartnerOrderStatus.HALTED: word(
        "why a partner order step is too late", "the order was halted (the partner did not recognise the organization)"
    ),
}


def _why(reason: str | None) -> str:
    return f" ({reason})" if reason else ""
