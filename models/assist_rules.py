"""Seed 004's rules for Webex Assist bookings, as pure functions: the two weeks' lead time, what the meeting lookup
needs, moving a booking, the cancellation fee, and the sentences a customer reads when a step cannot be done.
The workflow, the pages, the API and the CLI read them here."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from models.assist import FINAL_STATUSES, AssistPolicy, AssistStatus, MeetingLookup, SessionTime
from models.assist_packages import PACKAGES, Package
from models.refusals import Reason, When, Word, because, because_n, word
from models.words import ASSIST_BOOKING, ASSIST_PACKAGE


def lead_time_refusal(session: SessionTime, now: datetime, lead_days: int) -> Reason | None:
    """The seed's rule: order at least 2 weeks before the session. None when the session is far enough ahead."""
    earliest = now + timedelta(days=lead_days)
    if session.starts_at >= earliest:
        return None
    return because_n(
        "An assist must be ordered at least %(num)d day before the session: the earliest start is "
        "%(earliest)s (%(time_zone)s).",
        "An assist must be ordered at least %(num)d days before the session: the earliest start is "
        "%(earliest)s (%(time_zone)s).",
        lead_days,
        earliest=When(at=earliest, zone=session.time_zone),
        time_zone=session.time_zone,
    )


def move_refusal(old: SessionTime, new: SessionTime, now: datetime, lead_days: int) -> tuple[str, Reason] | None:
    """(field, reason) when a booking cannot move from ``old`` to ``new``: the same time, or too soon."""
    if new.starts_at == old.starts_at:
        return "date", because("That is the booking's current date and time: choose another one to move it.")
    refusal = lead_time_refusal(new, now, lead_days)
    return ("date", refusal) if refusal else None


THE_ORDER = word("what to cancel", "the order")
THE_ASSIST = word("what to cancel", "the assist")


def no_producer_message(session: SessionTime, what: Word = THE_ORDER) -> Reason:
    """Said wherever no producer is free for a session: ordering (the order) or a move (the assist)."""
    return because(
        "No producer is free for %(session)s. Choose one of the nearest free starts, another date and time, "
        "or cancel %(what)s.",
        session=When(at=session.starts_at, until=session.ends_at, zone=session.time_zone, text=session.label()),
        what=what,
    )


def lookup_refusal(package: Package, lookup: MeetingLookup) -> tuple[str, Reason] | None:
    """(field, reason) when the answer breaks the seed's rule: scheduled first, unless Event Center Premium."""
    if not PACKAGES[package].needs_scheduled_session:
        return None
    if lookup.scheduled is None:
        return "scheduled", because(
            "Say whether the session is already scheduled on your Webex site: %(package)s "
            "needs a scheduled session (only Event Center Premium can be ordered before it is scheduled).",
            package=ASSIST_PACKAGE[package],
        )
    if lookup.scheduled == "not_yet":
        return "scheduled", because(
            "Schedule the session on your Webex site first: %(package)s needs a scheduled session "
            "(only Event Center Premium can be ordered before it is scheduled).",
            package=ASSIST_PACKAGE[package],
        )
    return None


def cancellation_fee(policy: AssistPolicy, standard_fee: Decimal, starts_at: datetime, now: datetime) -> Decimal:
    """Free up to `free_cancellation_days` before the start; inside that, the policy's share of the standard fee."""
    if starts_at - now >= timedelta(days=policy.free_cancellation_days):
        return Decimal("0.00")
    fee = standard_fee * Decimal(policy.cancellation_fee_percent) / Decimal(100)
    return fee.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def not_found_message(reservation_no: str) -> Reason:
    """The one refusal for an unknown number and for a wrong number/e-mail pair: it tells nothing about which."""
    return because(
        "No assist booking matches reservation number %(reservation_no)s and that e-mail address. Check both "
        "against your confirmation e-mail.",
        reservation_no=reservation_no,
    )


def ended_refusal(status: AssistStatus) -> Reason | None:
    """A booking that has ended can no longer be changed (the same words whether its workflow still runs or not)."""
    if status in FINAL_STATUSES:
        return because("The booking is %(status)s: it can no longer be changed.", status=ASSIST_BOOKING[status])
    return None


def change_refusal(status: AssistStatus) -> Reason | None:
    """Why a booking in ``status`` cannot move: only a confirmed booking, not yet under way, can."""
    if status is AssistStatus.CONFIRMED:
        return None
    reasons = {
        AssistStatus.DRAFT: because("The booking cannot move: it has not been submitted yet."),
        AssistStatus.LIVE: because("The booking cannot move: the producer has started the session."),
    }
    return ended_refusal(status) or reasons[status]
