"""Ordering Webex Assist (seed 004), the seed's four steps as pages:

    /assist/order                      1. availability (a new order) → POST starts AssistBookingWorkflow
    /assist/order/<no>                 1. availability again; when no producer is free: why, and the nearest free
                                          starts as buttons that post step 1 again with that date and time
    /assist/order/<no>/lookup          2. meeting lookup: scheduled by me (host ID + e-mail) / by someone else /
                                          not yet (Event Center Premium only)
    /assist/order/<no>/event           3. event information → submit; or cancel the order
    /assist/order/<no>/confirmation    4. confirmation: the reservation number, the fee, the producer, the policy

Steps 1-3 are addressed by the reservation number alone while the order is a draft. From the submit on, the pages
about it need the number and contact e-mail: this browser has them (the proof cookie set at step 1), another one is
sent to find-my-booking.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from models.assist import (
    AssistBookingState,
    AssistStatus,
    Availability,
    BookingAnswer,
    CancelBooking,
    EventInfo,
    MeetingLookup,
    SlotCheck,
    SubmitBooking,
)
from models.assist_packages import PACKAGES
from models.assist_rules import cancellation_fee, lead_time_refusal, no_producer_message
from starter.errors import NotFound, OnrampError
from starter.services import assist
from starter.web.assist import forms
from starter.web.assist.kit import (
    ProofNeeded,
    booking,
    client,
    form_of,
    free_until,
    guarded,
    message,
    moment,
    now,
    producer_check,
    proofs,
    proven_booking,
    redirect,
    render,
    site_options,
    site_zones,
)

STEP_TITLES = ("Availability", "Meeting lookup", "Event information", "Confirmation")
PAGE_OF_STEP = {"availability": 0, "lookup": 1, "event_info": 2, "submit": 2, "done": 3}
SCHEDULED_OPTIONS = {
    "by_me": (
        "Yes, I scheduled it with my Webex host ID",
        "We fetch the session from your Webex site with your host ID and e-mail address.",
    ),
    "by_someone_else": (
        "It is scheduled, but not with my host ID",
        "For example, you are ordering the assist for someone else. You type in the event information.",
    ),
    "not_yet": ("Not yet", "Only Event Center Premium can be ordered before the event is scheduled."),
}


@dataclass(frozen=True)
class Step:
    title: str
    state: str  # done | current | todo
    href: str | None
    number: int


def progress(state: AssistBookingState | None, page: int) -> list[Step]:
    """The four steps: done up to where the order is, the page shown as current; done steps link back (draft)."""
    reached = PAGE_OF_STEP[state.step] if state else 0
    draft = state is not None and state.status is AssistStatus.DRAFT
    number = state.reservation_no if state else ""
    paths = ("", "/lookup", "/event", "/confirmation")
    steps = []
    for index, title in enumerate(STEP_TITLES):
        status = "current" if index == page else "done" if index < reached or index < page else "todo"
        linked = draft and index <= min(reached, 2) and index != page
        steps.append(Step(title, status, f"/assist/order/{number}{paths[index]}" if linked else None, index + 1))
    return steps


def idle(minutes: int) -> str:
    return f"{minutes // 60} hours" if minutes % 60 == 0 and minutes > 60 else f"{minutes} minutes"


def slots(state: AssistBookingState, check: SlotCheck) -> list[dict[str, str]]:
    return [
        {
            "value": f"{slot.date.isoformat()}T{slot.time:%H:%M}",
            "label": state.session.moved_to(slot.date, slot.time).label(),
        }
        for slot in check.alternatives
    ]


def refusal(err: OnrampError, fields: tuple[str, ...]) -> tuple[dict[str, str], str | None]:
    """The workflow's refusal next to the page's field it names, else on top of the page."""
    name = forms.REFUSAL_FIELDS.get(err.field, err.field) if err.field else None
    if name in fields:
        return {name: err.message}, None
    return {}, err.message


def install(app: FastAPI) -> None:
    async def draft(request: Request, reservation_no: str) -> AssistBookingState:
        try:
            return await booking(request, reservation_no)
        except NotFound:
            raise ProofNeeded(reservation_no.strip().upper()[:20]) from None

    def closed(state: AssistBookingState) -> Response:
        """The order is no longer a draft: its confirmation (for whoever proves it), or why it ended."""
        if state.confirmed_at is not None:
            return redirect(f"/assist/order/{state.reservation_no}/confirmation")
        if state.status is AssistStatus.CANCELLED:
            return message(
                "The order was cancelled",
                f"Order {state.reservation_no} was cancelled before it was submitted: nothing was reserved and "
                "nothing is charged.",
                link=("/assist/order", "Start a new order"),
                section="order",
            )
        return message(
            "This order has lapsed",
            f"Order {state.reservation_no} was not submitted within {idle(state.policy.draft_idle_minutes)} of its "
            "last step, so it was dropped: nothing was reserved. Please start a new order.",
            link=("/assist/order", "Start a new order"),
            section="order",
        )

    def current_page(state: AssistBookingState) -> Response:
        paths = ("", "/lookup", "/event", "/confirmation")
        return redirect(f"/assist/order/{state.reservation_no}{paths[PAGE_OF_STEP[state.step]]}")

    # ------------------------------------------------------------------ step 1: availability

    async def availability_page(
        request: Request,
        state: AssistBookingState | None,
        values: dict[str, str],
        errors: dict[str, str] | None = None,
        error: str | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        sites = await site_options(request)
        if not sites:
            return message(
                "Webex Assist cannot be ordered here yet",
                "No Webex site is set up here. Ask your administrator to add your site (`onramp site add`).",
                409,
                section="order",
            )
        busy, alternatives = None, []
        if state is not None and state.step == "availability":
            check = await producer_check(request, state, state.session)
            if not check.available:
                busy, alternatives = no_producer_message(state.session), slots(state, check)
        number = state.reservation_no if state else None
        return render(
            "order_availability.html",
            status,
            title="Order Webex Assist: availability",
            section="order",
            steps=progress(state, 0),
            reservation_no=number,
            action=f"/assist/order/{number}/availability" if number else "/assist/order",
            cancel_action=f"/assist/order/{number}/cancel" if number else None,
            values={"duration": "60", "time_zone": forms.SITE_ZONE, **values},
            errors=errors or {},
            error=error,
            busy=busy,
            alternatives=alternatives,
            site_options={"": "Choose your Webex site", **sites},
            package_options={"": "Choose a package", **forms.PACKAGE_OPTIONS},
            time_options={"": "Choose a start time", **forms.TIME_OPTIONS},
            zone_options=forms.ZONE_OPTIONS,
            duration_options=forms.DURATION_OPTIONS,
        )

    async def checked_availability(
        request: Request, form: dict[str, str]
    ) -> tuple[Availability | None, dict[str, str], str | None]:
        """Step 1's form as `Availability`, or the problems next to their fields."""
        zones = await site_zones(request)
        try:
            availability = Availability.model_validate(forms.availability_body(form, zones))
        except ValidationError as err:
            errors, top = forms.field_errors(
                err, forms.AVAILABILITY_FIELDS, forms.AVAILABILITY_ALIASES, whole="first_name"
            )
            return None, errors, top
        if availability.site not in zones:
            return None, {"site": "Choose one of the Webex sites."}, None
        return availability, {}, None

    @app.get("/assist/order", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def new_order(request: Request, package: str = "") -> Response:
        chosen = package if package in forms.PACKAGE_OPTIONS else ""
        return await availability_page(request, None, {"package": chosen})

    @app.post("/assist/order", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def start_order(request: Request) -> Response:
        form = await form_of(request)
        availability, errors, top = await checked_availability(request, form)
        if availability is None:
            return await availability_page(request, None, form, errors, top, 422)
        # the workflow's rule, checked here too so that a refused first step leaves no order behind
        policy = assist.policy(request.app.state.settings)
        too_soon = lead_time_refusal(availability.session, now(), policy.lead_days)
        if too_soon:
            return await availability_page(request, None, form, {"date": too_soon}, None, 422)
        try:
            number, check = await assist.order(
                await client(request), request.app.state.settings, availability, request.app.state.sessions
            )
        except OnrampError as err:
            errors, top = refusal(err, forms.AVAILABILITY_FIELDS)
            return await availability_page(request, None, form, errors, top, err.http_status)
        response = redirect(f"/assist/order/{number}/lookup" if check.available else f"/assist/order/{number}")
        proofs(request).remember(response, request, number, str(availability.customer.email), now())
        return response

    @app.get("/assist/order/{reservation_no}", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def order_availability(reservation_no: str, request: Request) -> Response:
        state = await draft(request, reservation_no)
        if state.status is not AssistStatus.DRAFT:
            return closed(state)
        return await availability_page(request, state, forms.availability_values(state))

    @app.post("/assist/order/{reservation_no}/availability", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def post_availability(reservation_no: str, request: Request) -> Response:
        state = await draft(request, reservation_no)
        if state.status is not AssistStatus.DRAFT:
            return closed(state)
        form = forms.apply_alternative(await form_of(request))
        availability, errors, top = await checked_availability(request, form)
        if availability is None:
            return await availability_page(request, state, form, errors, top, 422)
        try:
            check = await assist.step(
                await client(request), state.reservation_no, "availability", availability, SlotCheck
            )
        except OnrampError as err:
            errors, top = refusal(err, forms.AVAILABILITY_FIELDS)
            return await availability_page(request, state, form, errors, top, err.http_status)
        number = state.reservation_no
        response = redirect(f"/assist/order/{number}/lookup" if check.available else f"/assist/order/{number}")
        proofs(request).remember(response, request, number, str(availability.customer.email), now())
        return response

    # ------------------------------------------------------------------ step 2: meeting lookup

    def lookup_page(
        state: AssistBookingState,
        values: dict[str, Any],
        errors: dict[str, str] | None = None,
        error: str | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        package = PACKAGES[state.availability.package]
        offered = [key for key in SCHEDULED_OPTIONS if key != "not_yet" or not package.needs_scheduled_session]
        return render(
            "order_lookup.html",
            status,
            title="Order Webex Assist: meeting lookup",
            section="order",
            steps=progress(state, 1),
            state=state,
            package=package,
            action=f"/assist/order/{state.reservation_no}/lookup",
            cancel_action=f"/assist/order/{state.reservation_no}/cancel",
            back=f"/assist/order/{state.reservation_no}",
            options=[(key, *SCHEDULED_OPTIONS[key]) for key in offered],
            values=values,
            errors=errors or {},
            error=error,
        )

    @app.get("/assist/order/{reservation_no}/lookup", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def order_lookup(reservation_no: str, request: Request) -> Response:
        state = await draft(request, reservation_no)
        if state.status is not AssistStatus.DRAFT:
            return closed(state)
        if state.step not in ("lookup", "event_info", "submit"):
            return current_page(state)
        lookup = state.lookup or MeetingLookup()
        values = {
            "scheduled": lookup.scheduled or "",
            "host_id": lookup.host_id or "",
            "host_email": str(lookup.host_email or ""),
        }
        return lookup_page(state, values)

    @app.post("/assist/order/{reservation_no}/lookup", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def post_lookup(reservation_no: str, request: Request) -> Response:
        state = await draft(request, reservation_no)
        if state.status is not AssistStatus.DRAFT:
            return closed(state)
        form = await form_of(request)
        try:
            lookup = MeetingLookup.model_validate(forms.lookup_body(form))
        except ValidationError as err:
            errors, top = forms.field_errors(err, forms.LOOKUP_FIELDS, whole="host_id")
            return lookup_page(state, form, errors, top, 422)
        try:
            await assist.step(await client(request), state.reservation_no, "lookup", lookup, AssistBookingState)
        except OnrampError as err:
            errors, top = refusal(err, forms.LOOKUP_FIELDS)
            return lookup_page(state, form, errors, top, err.http_status)
        return redirect(f"/assist/order/{state.reservation_no}/event")

    # ------------------------------------------------------------------ step 3: event information → submit

    def event_page(
        state: AssistBookingState,
        values: dict[str, Any],
        errors: dict[str, str] | None = None,
        error: str | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        return render(
            "order_event.html",
            status,
            title="Order Webex Assist: event information",
            section="order",
            steps=progress(state, 2),
            state=state,
            package=PACKAGES[state.availability.package],
            action=f"/assist/order/{state.reservation_no}/event",
            cancel_action=f"/assist/order/{state.reservation_no}/cancel",
            back=f"/assist/order/{state.reservation_no}/lookup",
            values=values,
            errors=errors or {},
            error=error,
        )

    @app.get("/assist/order/{reservation_no}/event", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def order_event(reservation_no: str, request: Request) -> Response:
        state = await draft(request, reservation_no)
        if state.status is not AssistStatus.DRAFT:
            return closed(state)
        if state.step not in ("event_info", "submit"):
            return current_page(state)
        info = state.event_info
        values = {
            "topic": info.topic if info else "",
            "host_name": (info.host_name or "") if info else "",
            "expected_attendees": str(info.expected_attendees or "") if info else "",
            "comments": (info.comments or "") if info else "",
            "language": (info.language or "") if info else "",
        }
        return event_page(state, values)

    @app.post("/assist/order/{reservation_no}/event", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def post_event(reservation_no: str, request: Request) -> Response:
        state = await draft(request, reservation_no)
        if state.status is not AssistStatus.DRAFT:
            return closed(state)
        form = await form_of(request)
        try:
            info = EventInfo.model_validate(forms.event_body(form))
        except ValidationError as err:
            errors, top = forms.field_errors(err, forms.EVENT_FIELDS)
            return event_page(state, form, errors, top, 422)
        temporal = await client(request)
        try:
            await assist.step(temporal, state.reservation_no, "event_info", info, AssistBookingState)
            answer = await assist.step(temporal, state.reservation_no, "submit", SubmitBooking(), BookingAnswer)
        except OnrampError as err:
            errors, top = refusal(err, forms.EVENT_FIELDS)
            return event_page(state, form, errors, top, err.http_status)
        if not answer.confirmed:  # a producer was taken meanwhile: back to step 1, which offers the nearest starts
            return redirect(f"/assist/order/{state.reservation_no}")
        response = redirect(f"/assist/order/{state.reservation_no}/confirmation")
        email = str(answer.state.availability.customer.email)
        proofs(request).remember(response, request, state.reservation_no, email, now())
        return response

    @app.post("/assist/order/{reservation_no}/cancel", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def cancel_order(reservation_no: str, request: Request) -> Response:
        """Cancel this order (a draft): the cancel Update with the customer's e-mail, as the step 1 form gave it."""
        state = await draft(request, reservation_no)
        if state.status is not AssistStatus.DRAFT:
            return closed(state)
        proof = CancelBooking(contact_email=state.availability.customer.email)
        await assist.step(await client(request), state.reservation_no, "cancel", proof, AssistBookingState)
        return redirect(f"/assist/order/{state.reservation_no}")

    # ------------------------------------------------------------------ step 4: confirmation

    @app.get("/assist/order/{reservation_no}/confirmation", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def confirmation(reservation_no: str, request: Request) -> Response:
        state = await proven_booking(request, reservation_no)
        if state.status is AssistStatus.DRAFT:
            return current_page(state)
        if state.status not in (AssistStatus.CONFIRMED, AssistStatus.LIVE):
            return redirect(f"/assist/bookings/{state.reservation_no}")
        return render(
            "order_confirmation.html",
            title="Your assist is booked",
            section="order",
            steps=progress(state, 3),
            state=state,
            package=PACKAGES[state.availability.package],
            free_until=moment(free_until(state), state.session.time_zone),
            late_fee=late_fee(state),
        )


def late_fee(state: AssistBookingState) -> str:
    """The policy's fee inside the free period, e.g. '325.00 USD (50% of the standard fee)'."""
    starts_at = state.session.starts_at
    fee = cancellation_fee(state.policy, state.standard_fee, starts_at, starts_at)
    return f"{fee:,.2f} {state.currency} ({state.policy.cancellation_fee_percent}% of the standard fee)"
