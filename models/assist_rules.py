"""Seed 004's rules for Webex Assist bookings, as pure functions: the two weeks' lead time, what the meeting lookup
needs, moving a booking, the cancellation fee, and the sentences a customer reads when a step cannot be done.
The workflow, the pages, the API and the CLI read them here."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from models.assist import FINAL_STATUSES, AssistPolicy, AssistStatus, Charge, PriceLine
from models.assist_packages import ORDERED_ADD_ONS, PACKAGES, AddOn, Package
from models.assist_requests import MeetingLookup
from models.assist_time import SessionTime
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


def move_refusal(old: SessionTime, new: SessionTime, now: datetime, policy: AssistPolicy) -> tuple[str, Reason] | None:
    """(field, reason) when a booking cannot move from ``old`` to ``new``: the same time, or inside the notice."""
    if new.starts_at == old.starts_at:
        return "date", because("That is the booking's current date and time: choose another one to move it.")
    refusal = notice_refusal(new, now, policy)
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


# ------------------------------------------------------------------ moves, add-ons, prices, production time, fees


def move_notice(policy: AssistPolicy) -> timedelta:
    """How far ahead a move may go: the policy's notice in hours; a booking from before moves (its policy has no
    notice) keep the ordering lead days."""
    if policy.move_notice_hours is None:
        return timedelta(days=policy.lead_days)
    return timedelta(hours=policy.move_notice_hours)


def notice_refusal(session: SessionTime, now: datetime, policy: AssistPolicy) -> Reason | None:
    """A move may go to any time at least the notice ahead (the 2 weeks are for ordering): None when it is."""
    if policy.move_notice_hours is None:
        return lead_time_refusal(session, now, policy.lead_days)
    earliest = now + move_notice(policy)
    if session.starts_at >= earliest:
        return None
    return because_n(
        "A booking can move to any time at least %(num)d hour ahead: the earliest start is %(earliest)s "
        "(%(time_zone)s).",
        "A booking can move to any time at least %(num)d hours ahead: the earliest start is %(earliest)s "
        "(%(time_zone)s).",
        policy.move_notice_hours,
        earliest=When(at=earliest, zone=session.time_zone),
        time_zone=session.time_zone,
    )


def add_on_refusal(package: Package, add_ons: Sequence[AddOn]) -> Reason | None:
    """Why these add-ons cannot be ordered with ``package``: extra time follows the duration, and Event Center
    Premium includes invitations and registration."""
    for add_on in add_ons:
        if add_on is AddOn.EXTRA_TIME:
            return because(
                "Extra time is not chosen: every started hour over the first is added from the session's duration."
            )
        if add_on not in PACKAGES[package].add_ons:
            return because(
                "Invitation and registration management is included in %(package)s: it is not an add-on there.",
                package=ASSIST_PACKAGE[package],
            )
    if len(set(add_ons)) != len(add_ons):
        return because("Each add-on can be ordered once.")
    return None


def add_ons_change_refusal(session: SessionTime, now: datetime, lead_days: int) -> Reason | None:
    """Add-ons can be changed until the ordering lead time before the session (14 days)."""
    until = session.starts_at - timedelta(days=lead_days)
    if now <= until:
        return None
    return because_n(
        "Add-ons can be changed until %(num)d day before the session (until %(until)s).",
        "Add-ons can be changed until %(num)d days before the session (until %(until)s).",
        lead_days,
        until=When(at=until, zone=session.time_zone),
    )


def extra_hours(package: Package, session: SessionTime) -> int:
    """Every started hour of the session over the hours the package includes (1)."""
    included = int(PACKAGES[package].included_event_hours * 60)
    over = max(session.duration_minutes - included, 0)
    return -(-over // 60)


def price_lines(package: Package, session: SessionTime, add_ons: Sequence[AddOn]) -> list[PriceLine]:
    """The standard fee, extra time by the started hour over the first, and each add-on ordered, at the package's
    list prices."""
    info = PACKAGES[package]
    found = [PriceLine(add_on=None, quantity=1, unit_price=info.standard_fee, amount=info.standard_fee)]
    hours = extra_hours(package, session)
    if hours:
        rate = info.add_on_prices[AddOn.EXTRA_TIME]
        found.append(PriceLine(add_on=AddOn.EXTRA_TIME, quantity=hours, unit_price=rate, amount=rate * hours))
    for add_on in ORDERED_ADD_ONS:
        if add_on in add_ons:
            price = info.add_on_prices[add_on]
            found.append(PriceLine(add_on=add_on, quantity=1, unit_price=price, amount=price))
    return found


def total(lines: Sequence[PriceLine]) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00"))


def hold_lead_minutes(policy: AssistPolicy, package: Package) -> int:
    """The producer's time before the start: the 30-minute lead-in, or, for Event Center Premium, the rest of its
    6.5 production hours for a 1-hour event (one block, ending with the event: it cannot serve another)."""
    info = PACKAGES[package]
    if info.production_hours is None:
        return policy.producer_lead_minutes
    production = int((info.production_hours - info.included_event_hours) * 60)
    return max(policy.producer_lead_minutes, production)


def cancellation_charge(
    policy: AssistPolicy, standard_fee: Decimal, currency: str, fee: Decimal, at: datetime
) -> Charge | None:
    """The charge line a cancellation inside the fee window records (None when it is free)."""
    if not fee:
        return None
    reason = (
        f"Cancelled less than {policy.free_cancellation_days} days before the start: "
        f"{policy.cancellation_fee_percent}% of the standard fee of {standard_fee:,.2f} {currency}."
    )
    return Charge(kind="cancellation_fee", amount=fee, currency=currency, reason=reason, recorded_at=at)
