"""The business metrics, counted where the work is done: in the activities, never in workflow code.

A workflow replays its code many times; an activity's effect happens once. So a status is counted by the save
activity that stores it, and only when the stored row changes to it (the previous status is read in the same
transaction): a retried save, or a save of the same status with other changes, counts nothing. A mail is counted by
the mail activity, which knows whether this attempt sent it, found it sent already, or failed.

Labels are bounded sets from the code (offer, status, package, mail purpose): no person, no id, no e-mail. The
process's metrics endpoint (starter/metrics.py) exposes them with the SDK's own metrics.
"""

from __future__ import annotations

import re
from datetime import datetime

import aiosmtplib
from prometheus_client import Counter, Histogram

from activities.mail_delivery import MailTemplateBroken
from activities.mail_templates import MailTemplateMissing
from models.mail import MailReceipt, MailRequest

PARTNER_ORDERS = Counter(
    "onramp_partner_orders",
    "Partner orders that reached a status (awaiting_start_date = started, set_up, provisioned, closed, halted), "
    "by offer.",
    ["offer", "status"],
)
ESCALATIONS = Counter(
    "onramp_escalations",
    "Escalations raised: a partner order not set up one day after its start date, a seat order past its 24 hours.",
    ["process"],
)
SEAT_ORDERS = Counter(
    "onramp_seat_orders",
    "Seat orders that reached a status: placed, awaiting_review, completed, failed, declined, superseded, expired, "
    "refused.",
    ["status"],
)
SEAT_ORDER_COMPLETION_SECONDS = Histogram(
    "onramp_seat_order_completion_seconds",
    "From placing a seat order to its completion, against the 24 hours it must be processed within.",
    buckets=(60, 300, 900, 3600, 4 * 3600, 12 * 3600, 24 * 3600, 48 * 3600, 7 * 24 * 3600),
)
ASSIST_BOOKINGS = Counter(
    "onramp_assist_bookings",
    "Webex Assist bookings that reached a status (confirmed, live, completed, cancelled, abandoned), by package.",
    ["package", "status"],
)
MAILS_SENT = Counter("onramp_mails_sent", "Mails handed to the SMTP server, by purpose.", ["purpose"])
MAIL_RETRIES = Counter(
    "onramp_mail_retries", "Attempts at a mail after its first (the SMTP server was away or refused).", ["purpose"]
)
MAIL_FAILURES = Counter(
    "onramp_mail_failures",
    "Mail attempts that failed: `smtp` (the server away or refusing: tried again), `template` (final), `other`.",
    ["purpose", "reason"],
)

_LABEL = re.compile(r"^[a-z0-9_]{1,40}$")


def purpose_label(purpose: str) -> str:
    """A mail's purpose as a label: the code's own names (set_up_now, escalation, ...), anything else `other`."""
    return purpose if _LABEL.match(purpose) else "other"


def status_reached(previous: str | None, status: str) -> bool:
    """Whether a save takes the stored row to a new status (a retried or repeated save does not)."""
    return previous != status


PROCESSES = {
    "partner-order-": "partner_order",
    "seat-order-": "seat_order",
    "assist-": "assist",
    "organizer-": "organizer",
}
"""The process a workflow id belongs to, by its business-key prefix (DESIGN.md, principle 1)."""

ESCALATION_PURPOSE = "escalation"
"""The mail both escalations send (partner order: the account representative; seat order: Corporate Account
Services): sent once per escalation by the outbox, so counting it counts the escalations."""


def process_of(workflow_id: str) -> str:
    return next((name for prefix, name in PROCESSES.items() if workflow_id.startswith(prefix)), "other")


def mail_attempted(request: MailRequest, attempt: int) -> None:
    if attempt > 1:
        MAIL_RETRIES.labels(purpose=purpose_label(request.purpose)).inc()


def mail_sent(request: MailRequest, receipt: MailReceipt) -> None:
    """A mail this attempt handed to SMTP (not one its outbox row says went earlier), and the escalation it is."""
    if receipt.already_sent:
        return
    MAILS_SENT.labels(purpose=purpose_label(request.purpose)).inc()
    if request.purpose == ESCALATION_PURPOSE:
        ESCALATIONS.labels(process=process_of(request.workflow_id)).inc()


def mail_failed(request: MailRequest, err: BaseException) -> None:
    if isinstance(err, MailTemplateMissing | MailTemplateBroken):
        reason = "template"
    elif isinstance(err, aiosmtplib.SMTPException | OSError):
        reason = "smtp"
    else:
        reason = "other"
    MAIL_FAILURES.labels(purpose=purpose_label(request.purpose), reason=reason).inc()


def seat_order_completed(placed_at: datetime | None, completed_at: datetime | None) -> None:
    """The time from placing to completion, when both are known."""
    if placed_at is not None and completed_at is not None:
        SEAT_ORDER_COMPLETION_SECONDS.observe(max((completed_at - placed_at).total_seconds(), 0.0))
