"""Contracts of the e-mail activity."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import AwareDatetime, EmailStr, Field

from models.common import Contract, Recipient


class SetupLinkRequest(Contract):
    """Ask the mail activity to mint a Set Up Now link for this mail.

    The token is made, hashed and stored inside the activity and only ever appears in the e-mail itself, so no
    secret enters the workflow's history.
    """

    order_id: str
    contact_generation: int
    expires_at: AwareDatetime
    audience: Literal["partner", "customer"] = "partner"


class ActivationLinkRequest(Contract):
    """Ask the mail activity to mint an activation link (an organizer's invitation or reminder, seed 000).

    Like the Set Up Now link: the token is made, hashed and stored inside the activity and appears only in the
    e-mail. ``purpose`` says what the link activates; ``workflow_id`` is the workflow the activation goes to.
    """

    purpose: Literal["organizer", "org_join"] = "organizer"
    workflow_id: str
    expires_at: AwareDatetime


class PasswordResetLinkRequest(Contract):
    """Ask the mail delivery to write an enterprise admin's password reset link into this mail (account recovery).

    The link's row, with its expiry, is made when the admin asks for it (store/password_resets.py); the delivery
    makes the token, keeps only its hash on that row, and the token appears only in the e-mail. Never sent by a
    workflow: the API and the worker's relay send this mail.
    """

    account_no: str


class MailRequest(Contract):
    """One e-mail to send exactly once, whatever the activity's retries.

    (workflow_id, purpose, sequence) is the outbox key: a retried activity finds the row and does not send again.
    """

    workflow_id: str
    purpose: str = Field(description="Why the mail is sent: set_up_now, escalation, order_closed, ...")
    sequence: int = Field(
        ge=1, description="1 for the first mail of this purpose in this workflow, 2 for the next, ..."
    )
    recipient: Recipient
    reply_to: EmailStr | None = Field(
        default=None, description="Where an answer goes, when not to onramp (a portal admin writing to a team)."
    )
    template: str = Field(pattern=r"^[a-z0-9_]+$")
    context: dict[str, Any] = Field(default_factory=dict)
    setup_link: SetupLinkRequest | None = None
    activation_link: ActivationLinkRequest | None = None
    reset_link: PasswordResetLinkRequest | None = None

    @property
    def outbox_key(self) -> str:
        return f"{self.workflow_id}/{self.purpose}/{self.sequence}"


class MailReceipt(Contract):
    message_id: str
    subject: str
    sent_at: AwareDatetime
    already_sent: bool = Field(default=False, description="A retry found the mail sent already and did not resend it.")


SEND_MAIL_ACTIVITY = "send_mail"
MAIL_QUEUE_SUFFIX = "-mail"


def mail_task_queue(task_queue: str) -> str:
    """The task queue a workflow's mail goes to: its own queue's name and ``-mail``. Its own queue lets mail run in
    worker processes that replay no workflows, so the moment between the relay taking a mail and the outbox
    recording it is never stretched by another task holding the interpreter."""
    return task_queue + MAIL_QUEUE_SUFFIX


class MailStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class MailRecord(Contract):
    """One e-mail the order has sent or is sending."""

    purpose: str
    sequence: int
    to: EmailStr
    queued_at: AwareDatetime
    status: MailStatus = MailStatus.QUEUED
    sent_at: AwareDatetime | None = None
    error: str | None = None


class MailQueued(Contract):
    """What an operator step that sends e-mail answers: the mail is on its way (SMTP may still be retried)."""

    purpose: str
    sequence: int
    to: EmailStr
