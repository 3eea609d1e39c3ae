"""Ordering Webex Assist, steps 2-4 as pages (step 1 and what the ordering pages share: ordering.py):

    /assist/order/<no>/lookup          2. meeting lookup
    /assist/order/<no>/event           3. event information → submit; or cancel the order
    /assist/order/<no>/cancel          cancel the order (a draft)
    /assist/order/<no>/confirmation    4. confirmation, for a browser that proves the booking

A refusal of the workflow's shows the step's page again, with its sentence next to the field it names.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from models.assist import AssistBookingState, AssistStatus, BookingAnswer
from models.assist_packages import PACKAGES
from models.assist_requests import CancelBooking, EventInfo, MeetingLookup, SubmitBooking
from models.assist_rules import cancellation_fee
from starter.services import assist
from starter.web.assist import options, step_inputs, words
from starter.web.assist.bookings import ProvenBooking
from starter.web.assist.ordering import PAGE_TITLES, current_page, draft, progress
from starter.web.assist.portal import ASSIST, now
from starter.web.assist.proof import BookingProofs
from starter.web.deps import Temporal
from starter.web.forms import form_of, submit
from starter.web.guard import guarded
from starter.web.reading import gettext, ngettext
from starter.web.rendering import money, redirect

router = APIRouter(include_in_schema=False)


# ------------------------------------------------------------------ step 2: meeting lookup


def lookup_page(
    state: AssistBookingState,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """'Not yet' is offered only for a package that may be ordered before its session is scheduled."""
    package = PACKAGES[state.availability.package]
    offered = [key for key in options.SCHEDULED_OPTIONS if key != "not_yet" or not package.needs_scheduled_session]
    return _step_page(
        "order_lookup.html",
        1,
        state,
        "lookup",
        back=f"/assist/order/{state.reservation_no}",
        values=values,
        errors=errors,
        error=error,
        status=status,
        package=package,
        options=[(key, *options.SCHEDULED_OPTIONS[key]) for key in offered],
    )


@router.get("/assist/order/{reservation_no}/lookup", response_class=HTMLResponse)
@guarded(ASSIST)
async def order_lookup(state: ProvenBooking, request: Request) -> Response:
    """Step 2 once step 1 found a producer free (else the order's own step), filled in as the order has it."""
    state = draft(state, "lookup", "event_info", "submit")
    return lookup_page(state, step_inputs.lookup_values(state))


@router.post("/assist/order/{reservation_no}/lookup", response_class=HTMLResponse)
@guarded(ASSIST)
async def post_lookup(state: ProvenBooking, request: Request, temporal: Temporal) -> Response:
    client = await temporal()
    state = draft(state)
    form = await form_of(request)
    outcome = await submit(
        step_inputs.LOOKUP,
        lambda: MeetingLookup.model_validate(step_inputs.lookup_body(form)),
        lambda lookup: assist.step(client, state.reservation_no, "lookup", lookup, AssistBookingState),
        lambda errors, top, status: lookup_page(state, form, errors, top, status),
    )
    if isinstance(outcome, Response):
        return outcome
    return redirect(f"/assist/order/{state.reservation_no}/event")


# ------------------------------------------------------------------ step 3: event information → submit


def event_page(
    state: AssistBookingState,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return _step_page(
        "order_event.html",
        2,
        state,
        "event",
        back=f"/assist/order/{state.reservation_no}/lookup",
        values=values,
        errors=errors,
        error=error,
        status=status,
        package=PACKAGES[state.availability.package],
    )


def _step_page(
    template: str,
    page: int,
    state: AssistBookingState,
    path: str,
    *,
    back: str,
    values: dict[str, Any],
    errors: dict[str, str] | None,
    error: str | None,
    status: int,
    **context: Any,
) -> HTMLResponse:
    """An ordering step's page: the progress over the seed's four steps, its form posting to ``path``, Back and
    Cancel the order."""
    number = state.reservation_no
    return ASSIST.render(
        f"assist/{template}",
        status,
        title=PAGE_TITLES[page],
        section="order",
        steps=progress(state, page),
        state=state,
        action=f"/assist/order/{number}/{path}",
        cancel_action=f"/assist/order/{number}/cancel",
        back=back,
        values=values,
        errors=errors or {},
        error=error,
        **context,
    )


@router.get("/assist/order/{reservation_no}/event", response_class=HTMLResponse)
@guarded(ASSIST)
async def order_event(state: ProvenBooking, request: Request) -> Response:
    """Step 3 once the lookup is done (else the order's own step), filled in as the order (or the site) has it."""
    state = draft(state, "event_info", "submit")
    return event_page(state, step_inputs.event_values(state))


@router.post("/assist/order/{reservation_no}/event", response_class=HTMLResponse)
@guarded(ASSIST)
async def post_event(state: ProvenBooking, request: Request, temporal: Temporal, proofs: BookingProofs) -> Response:
    """The event information, then the submit, which reserves a producer and confirms."""
    client = await temporal()
    state = draft(state)
    form = await form_of(request)

    async def event_and_submit(info: EventInfo) -> BookingAnswer:
        await assist.step(client, state.reservation_no, "event_info", info, AssistBookingState)
        return await assist.step(client, state.reservation_no, "submit", SubmitBooking(), BookingAnswer)

    answer = await submit(
        step_inputs.EVENT,
        lambda: EventInfo.model_validate(step_inputs.event_body(form)),
        event_and_submit,
        lambda errors, top, status: event_page(state, form, errors, top, status),
    )
    if isinstance(answer, Response):
        return answer
    if not answer.confirmed:  # a producer was taken meanwhile: back to step 1, which offers the nearest starts
        return redirect(f"/assist/order/{state.reservation_no}")
    response = redirect(f"/assist/order/{state.reservation_no}/confirmation")
    email = str(answer.state.availability.customer.email)
    proofs.remember(response, request, state.reservation_no, email, now())
    return response


@router.post("/assist/order/{reservation_no}/cancel", response_class=HTMLResponse)
@guarded(ASSIST)
async def cancel_order(state: ProvenBooking, request: Request, temporal: Temporal) -> Response:
    """Cancel this order (a draft): the cancel Update with the customer's e-mail, as the step 1 form gave it."""
    client = await temporal()
    state = draft(state)
    proof = CancelBooking(contact_email=state.availability.customer.email)
    await assist.step(client, state.reservation_no, "cancel", proof, AssistBookingState)
    return redirect(f"/assist/order/{state.reservation_no}")


# ------------------------------------------------------------------ step 4: confirmation


def late_fee(state: AssistBookingState) -> str:
    """The policy's fee inside the free period, e.g. '325.00 USD (50% of the standard fee)'."""
    starts_at = state.session.starts_at
    fee = cancellation_fee(state.policy, state.standard_fee, starts_at, starts_at)
    return gettext(
        "%(fee)s (%(percent)s of the standard fee)",
        fee=money(fee, state.currency),
        percent=words.percent(state.policy.cancellation_fee_percent),
    )


def policy(state: AssistBookingState) -> str:
    """The cancellation policy, with the day free cancellation ends on the booking's own clock."""
    return ngettext(
        "You can cancel at any time. Cancelling is free until %(until)s, %(num)d day before the session; after "
        "that the cancellation fee is %(fee)s.",
        "You can cancel at any time. Cancelling is free until %(until)s, %(num)d days before the session; after "
        "that the cancellation fee is %(fee)s.",
        state.policy.free_cancellation_days,
        until=words.moment(assist.free_until(state), state.session.time_zone),
        fee=late_fee(state),
    )


@router.get("/assist/order/{reservation_no}/confirmation", response_class=HTMLResponse)
@guarded(ASSIST)
async def confirmation(state: ProvenBooking, request: Request) -> Response:
    """Step 4, for the browser that proves the booking: a draft goes back to its step, an ended booking to its page."""
    if state.status is AssistStatus.DRAFT:
        return current_page(state)
    if state.status not in (AssistStatus.CONFIRMED, AssistStatus.LIVE):
        return redirect(f"/assist/bookings/{state.reservation_no}")
    return ASSIST.render(
        "assist/order_confirmation.html",
        title=gettext("Your assist is booked"),
        section="order",
        steps=progress(state, 3),
        state=state,
        package=PACKAGES[state.availability.package],
        policy=policy(state),
    )
