"""Webex Assist bookings from the client side (API, pages, CLI): start an order, run its steps, find a booking by
reservation number and contact e-mail, ask the producer calendar, and say what cancelling would cost."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from pydantic import BaseModel
from temporalio.client import Client

from models.assist import (
    AssistBookingInput,
    AssistBookingState,
    AssistPolicy,
    AssistStatus,
    CancellationQuote,
    assist_workflow_id,
)
from models.assist_activities import HoldRequest
from models.assist_requests import Availability
from models.assist_rules import (
    add_on_refusal,
    cancellation_fee,
    ended_refusal,
    hold_lead_minutes,
    lead_time_refusal,
    move_notice,
    not_found_message,
)
from models.assist_time import SessionTime, SlotCheck
from models.refusals import Refusal, because
from models.words import ASSIST_BOOKING
from starter.errors import NotFound, OnrampError, StepRefused
from starter.services import assist_sites, workflow_calls
from starter.settings import Settings
from store import SessionFactory
from store import assist as store
from workflows.assist_booking import AssistBookingWorkflow

T = TypeVar("T", bound=BaseModel)


def new_reservation_no() -> str:
    """WA-<yymmdd>-<6 hex digits>: short enough to read over the phone, random enough not to be guessed."""
    return f"WA-{datetime.now(UTC):%y%m%d}-{secrets.token_hex(3).upper()}"


def policy(settings: Settings) -> AssistPolicy:
    """The seed's rules with the fee policy from settings, stamped into each booking at its start."""
    return AssistPolicy(
        free_cancellation_days=settings.assist_free_cancellation_days,
        cancellation_fee_percent=settings.assist_cancellation_fee_percent,
        move_notice_hours=settings.assist_move_notice_hours,
    )


async def require_site(sessions: SessionFactory, site: str) -> None:
    """A booking is for a Webex site onramp knows (`onramp site list`): refused with the field named otherwise."""
    async with sessions() as session:
        found = await store.site(session, site)
    if found is None:
        error = OnrampError(
            because(
                "There is no Webex site %(site)s here. Choose one of the sites (`onramp site list` shows them).",
                site=site,
            ),
            type=Refusal.INVALID_STEP,
            field="site",
        )
        error.http_status = 422
        raise error


async def check_order(settings: Settings, availability: Availability, sessions: SessionFactory | None = None) -> None:
    """What refuses a new order before anything starts (no draft is left behind): a session too soon, add-ons the
    package does not offer, and, with ``sessions``, a site onramp does not know or a package its contract does
    not include. Needs no Temporal, so bad input is refused even while it is away."""
    if sessions is not None:
        await require_site(sessions, availability.site)
        await assist_sites.require_package(sessions, availability.site, availability.package)
    add_ons = add_on_refusal(availability.package, availability.add_ons)
    if add_ons is not None:
        error = OnrampError(add_ons, type=Refusal.INVALID_STEP, field="add_ons")
        error.http_status = 422
        raise error
    refusal = lead_time_refusal(availability.session, datetime.now(UTC), policy(settings).lead_days)
    if refusal is not None:
        error = OnrampError(refusal, type=Refusal.INVALID_STEP, field="session")
        error.http_status = 422
        raise error


async def order(
    client: Client,
    settings: Settings,
    availability: Availability,
    sessions: SessionFactory | None = None,
    language: str = "en",
) -> tuple[str, SlotCheck]:
    """Step 1: start the booking's workflow and check availability; returns the reservation number and the check.
    ``check_order`` runs first (again, when the caller ran it already: it is a read). ``language``: the one the
    customer orders in (the page's, or the API caller's ``Accept-Language``), which their e-mails are written in."""
    await check_order(settings, availability, sessions)
    settings_policy = policy(settings)
    reservation_no = new_reservation_no()
    check = await workflow_calls.start_with_update(  # a new number each time: it cannot have run before
        client,
        AssistBookingWorkflow.run,
        AssistBookingInput(
            reservation_no=reservation_no, availability=availability, policy=settings_policy, language=language
        ),
        id=assist_workflow_id(reservation_no),
        task_queue=settings.task_queue,
        update="availability",
        update_arg=availability,
        result_type=SlotCheck,
    )
    return reservation_no, check


async def ordered_state(client: Client, reservation_no: str) -> AssistBookingState:
    """The state of a booking ``order`` has just started: its workflow runs, so the Query goes without first asking
    the server whether it has finished (``status``)."""
    handle = client.get_workflow_handle(assist_workflow_id(reservation_no), result_type=AssistBookingState)
    return await workflow_calls.query(handle, "status", AssistBookingState)


async def status(client: Client, reservation_no: str) -> AssistBookingState:
    handle = client.get_workflow_handle(assist_workflow_id(reservation_no), result_type=AssistBookingState)
    return await workflow_calls.current_state(
        client,
        handle,
        AssistBookingState,
        lambda: NotFound(
            because("No assist booking %(reservation_no)s.", reservation_no=reservation_no),
            type=Refusal.NOT_FOUND,
            field="reservation_no",
        ),
    )


async def find(client: Client, reservation_no: str, contact_email: str) -> AssistBookingState:
    """Find-my-booking: a wrong pair reads exactly like an unknown number, so nothing leaks."""
    refusal = NotFound(
        not_found_message(reservation_no.strip().upper()), type=Refusal.NOT_FOUND, field="reservation_no"
    )
    try:
        state = await status(client, reservation_no.strip().upper())
    except NotFound:
        raise refusal from None
    if str(state.availability.customer.email).lower() != contact_email.strip().lower():
        raise refusal
    return state


async def prove(client: Client, sessions: SessionFactory, reservation_no: str, contact_email: str) -> str:
    """The reservation number, once the pair proves the booking is the caller's: by the booking's row when it names
    this contact (one indexed read), else as ``find`` proves it, from the booking's workflow (a draft before its
    first save, a contact changed since the row was written, a wrong pair). A step's Update checks the contact
    again in its validator; this spares each step a Query of the whole booking."""
    number = reservation_no.strip().upper()
    async with sessions() as session:
        row = await store.booking_contact(session, number)
    if row is not None and row.lower() == contact_email.strip().lower():
        return number
    return (await find(client, number, contact_email)).reservation_no


async def step(client: Client, reservation_no: str, update: str, request: BaseModel, result_type: type[T]) -> T:
    async def ended() -> StepRefused:
        final = await status(client, reservation_no)
        why = ended_refusal(final.status) or because("The booking is %(status)s.", status=ASSIST_BOOKING[final.status])
        return StepRefused(why, type=Refusal.BOOKING_STATE_CONFLICT)

    handle = client.get_workflow_handle(assist_workflow_id(reservation_no))
    return await workflow_calls.step(
        client,
        handle,
        update,
        request,
        result_type,
        ended=ended,
        unknown=lambda: NotFound(not_found_message(reservation_no), type=Refusal.NOT_FOUND, field="reservation_no"),
    )


def cancellable(state: AssistBookingState) -> bool:
    """A confirmed booking can be cancelled until it is over, also while its session runs."""
    return state.status in (AssistStatus.CONFIRMED, AssistStatus.LIVE)


def free_until(state: AssistBookingState) -> datetime:
    """Cancelling costs nothing up to this moment (the policy's free days before the start)."""
    return state.session.starts_at - timedelta(days=state.policy.free_cancellation_days)


def cancellation_quote(state: AssistBookingState, now: datetime) -> CancellationQuote:
    """The fee the workflow will charge if the cancel comes at ``now``: shown before the customer confirms."""
    if not cancellable(state):
        raise StepRefused(
            because("The booking is %(status)s: there is nothing to cancel.", status=ASSIST_BOOKING[state.status]),
            type=Refusal.WRONG_STATE,
        )
    return CancellationQuote(
        reservation_no=state.reservation_no,
        standard_fee=state.standard_fee,
        cancellation_fee=cancellation_fee(state.policy, state.standard_fee, state.session.starts_at, now),
        currency=state.currency,
        free_until=free_until(state),
    )


async def producer_check(
    sessions: SessionFactory, state: AssistBookingState, session: SessionTime, now: datetime
) -> SlotCheck:
    """Would a producer be free for the booking at ``session`` (its own hold aside)? When not, the three nearest
    free starts. A read of the producer calendar with the request the workflow's `check_producers` activity gets,
    so a page can say so before it asks anything more; the workflow's hold decides, race-safe. An order's
    alternatives keep the ordering lead time; a move's, the move notice."""
    policy = state.policy
    ahead = timedelta(days=policy.lead_days) if state.status is AssistStatus.DRAFT else move_notice(policy)
    hold = HoldRequest(
        reservation_no=state.reservation_no,
        session=session,
        lead_minutes=hold_lead_minutes(policy, state.availability.package),
        not_before=now + ahead,
    )
    async with sessions() as db:
        return await store.producer_check(db, hold)
