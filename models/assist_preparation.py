"""Seed 004's work before the event: the 15-minute planning call and the rehearsal, which "are scheduled by the
customer's needs and the assist team's availability". Which ones a booking has, how long each takes, when one may
be held (after the notice, ending before the producer's time for the event begins), and the words for them.

The workflow, the pages, the API and the CLI read them here; the producer calendar's arithmetic that finds free
times is store/assist_calendar.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from datetime import datetime, timedelta

from pydantic import Field

from models.assist import AssistPolicy, Preparation, PreparationKind
from models.assist_packages import N_, AddOn, Package
from models.assist_requests import ContactProof
from models.assist_rules import hold_lead_minutes, move_notice
from models.assist_time import SessionTime
from models.common import Contract, QuarterHour
from models.refusals import Reason, When, Word, because, word

PREPARATION_MINUTES: dict[PreparationKind, int] = {
    PreparationKind.PLANNING_CALL: 15,  # "a 15-minute call"
    PreparationKind.REHEARSAL: 60,  # "rehearsal (up to 1 hour)"
    PreparationKind.EXTRA_REHEARSAL: 90,  # the add-on: "billed by the hour, at least 1.5 hours"
}

INCLUDED: dict[Package, tuple[PreparationKind, ...]] = {
    Package.EVENT_CENTER_PREMIUM: (PreparationKind.PLANNING_CALL, PreparationKind.REHEARSAL),
    Package.EVENT_CENTER_STANDARD: (PreparationKind.PLANNING_CALL,),
    Package.TRAINING_CENTER_PREMIUM: (PreparationKind.PLANNING_CALL,),
    Package.MEETING_CENTER_PREMIUM: (),  # the planning call is "not applicable"
}
"""The seed's table, "before the event": the included planning call and rehearsal of each package
(tests/test_assist_preparation.py holds this against models/assist_packages.COMPARISON)."""

PREPARATION_NAMES: dict[PreparationKind, str] = {
    PreparationKind.PLANNING_CALL: N_("Planning call (15 minutes)"),
    PreparationKind.REHEARSAL: N_("Rehearsal (up to 1 hour)"),
    PreparationKind.EXTRA_REHEARSAL: N_("Extra rehearsal (1.5 hours)"),
}

PREPARATION_WORDS: dict[PreparationKind, Word] = {
    PreparationKind.PLANNING_CALL: word("preparation before an assist", "planning call"),
    PreparationKind.REHEARSAL: word("preparation before an assist", "rehearsal"),
    PreparationKind.EXTRA_REHEARSAL: word("preparation before an assist", "extra rehearsal"),
}
"""The same, as a refusal names them ("This booking has no %(what)s")."""

WORKING_HOURS = (dt.time(9, 0), dt.time(17, 0))
"""Offered times lie in these hours of the booking's time zone, Monday to Friday: the production team's day."""

OFFERS, OFFERS_PER_DAY = 9, 3
"""At most this many times are offered for a planning call or rehearsal, and this many on one day: a choice that
spans several days."""


class SchedulePreparation(ContactProof):
    """Update: hold the booking's producer for its planning call or a rehearsal at this time (the booking's zone)."""

    kind: PreparationKind
    date: dt.date
    time: QuarterHour


class PreparationWindow(Contract):
    """When a preparation of this booking may be held: from ``earliest`` (the notice) until ``latest_end`` (the
    producer's time for the event begins)."""

    earliest: datetime
    latest_end: datetime
    time_zone: str


class PreparationOffer(Contract):
    """The times offered for one of the booking's preparations, and the one it has."""

    kind: PreparationKind
    minutes: int
    session: SessionTime | None = None
    released: SessionTime | None = None
    offers: list[SessionTime] = Field(default_factory=list)


def preparations_for(package: Package, add_ons: Sequence[AddOn]) -> list[PreparationKind]:
    """The planning call and rehearsals a booking of ``package`` with ``add_ons`` has, in the order they are held."""
    kinds = list(INCLUDED[package])
    if AddOn.EXTRA_REHEARSAL in add_ons:
        kinds.append(PreparationKind.EXTRA_REHEARSAL)
    return kinds


def reconciled(current: Sequence[Preparation], package: Package, add_ons: Sequence[AddOn]) -> list[Preparation]:
    """The booking's preparations after a change of its add-ons: those it keeps as they are, new ones unscheduled."""
    kept = {preparation.kind: preparation for preparation in current}
    return [
        kept.get(kind) or Preparation(kind=kind, minutes=PREPARATION_MINUTES[kind])
        for kind in preparations_for(package, add_ons)
    ]


def preparation_window(
    session: SessionTime, package: Package, policy: AssistPolicy, now: datetime
) -> PreparationWindow:
    """A preparation starts at least the move notice ahead (24 hours by default) and ends before the producer's
    time for the event (30 minutes before it; Event Center Premium: its production hours) begins."""
    return PreparationWindow(
        earliest=now + move_notice(policy),
        latest_end=session.starts_at - timedelta(minutes=hold_lead_minutes(policy, package)),
        time_zone=session.time_zone,
    )


def preparation_session(event: SessionTime, kind: PreparationKind, day: dt.date, at: dt.time) -> SessionTime:
    """The preparation as a session of its own in the event's zone (raises the time's own rule breaks)."""
    return SessionTime(date=day, time=at, time_zone=event.time_zone, duration_minutes=PREPARATION_MINUTES[kind])


def fits(preparation: SessionTime, window: PreparationWindow) -> bool:
    return preparation.starts_at >= window.earliest and preparation.ends_at <= window.latest_end


def window_refusal(preparation: SessionTime, window: PreparationWindow) -> Reason | None:
    """Why a preparation cannot be held then: too soon, or not over before the producer's time for the event."""
    if preparation.starts_at < window.earliest:
        return because(
            "Choose a time after %(earliest)s: the producer needs that much notice.",
            earliest=When(at=window.earliest, zone=window.time_zone, named=True),
        )
    if preparation.ends_at > window.latest_end:
        return because(
            "Choose a time that ends by %(latest)s: the producer's time for the event begins then.",
            latest=When(at=window.latest_end, zone=window.time_zone, named=True),
        )
    return None


def unknown_preparation(kind: PreparationKind) -> Reason:
    return because(
        "This booking has no %(what)s: its package and add-ons do not include one.", what=PREPARATION_WORDS[kind]
    )


def producer_busy(preparation: SessionTime) -> Reason:
    return because(
        "The producer is not free at %(time)s. Choose one of the times offered.",
        time=When(at=preparation.starts_at, zone=preparation.time_zone, named=True, text=preparation.label()),
    )


class PreparationHold(Contract):
    """Activity input: hold ``producer_id`` for the booking's preparation at ``session`` (instead of its old time)."""

    reservation_no: str
    kind: PreparationKind
    producer_id: str
    session: SessionTime


class PreparationRelease(Contract):
    reservation_no: str
    kind: PreparationKind


def claim_key(reservation_no: str, kind: PreparationKind) -> str:
    """The producer calendar's key of a preparation: `WA-…/planning_call`. Its claims are the booking's own
    (cancelling releases them) but apart from the event's, so moving the event leaves them where they are."""
    return f"{reservation_no}/{kind.value}"
