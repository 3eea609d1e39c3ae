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

This module: what every ordering page shares (the progress, where an order no longer a draft goes) and step 1;
steps 2-4 are in ordering_steps.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from models.assist import AssistBookingState, AssistStatus
from models.assist_packages import ORDERED_ADD_ONS
from models.assist_requests import Availability
from models.assist_rules import THE_ORDER
from models.assist_time import SlotCheck
from starter.errors import OnrampError
from starter.services import assist
from starter.web import reading
from starter.web.access import PUBLIC, on_page
from starter.web.assist import options, step_inputs
from starter.web.assist.bookings import ProvenBooking
from starter.web.assist.portal import ASSIST, now
from starter.web.assist.proof import BookingProofs, Proofs
from starter.web.deps import AppSettings, Sessions, Temporal
from starter.web.forms import field_errors, form_of, refusal_errors
from starter.web.guard import PageInstead, guarded
from starter.web.rate_limits import Limit, limited
from starter.web.reading import Text, gettext, lazy_gettext, ngettext
from starter.web.rendering import redirect
from store import SessionFactory

router = APIRouter(include_in_schema=False)

STEP_TITLES: tuple[Text, ...] = (
    lazy_gettext("Availability"),
    lazy_gettext("Meeting lookup"),
    lazy_gettext("Event information"),
    lazy_gettext("Confirmation"),
)
PAGE_TITLES: tuple[Text, ...] = (
    lazy_gettext("Order Webex Assist: availability"),
    lazy_gettext("Order Webex Assist: meeting lookup"),
    lazy_gettext("Order Webex Assist: event information"),
    lazy_gettext("Order Webex Assist: confirmation"),
)
"""Each step's page title (the browser's tab)."""
STEP_PATHS = ("", "/lookup", "/event", "/confirmation")
PAGE_OF_STEP = {"availability": 0, "lookup": 1, "event_info": 2, "submit": 2, "done": 3}


@dataclass(frozen=True)
class Step:
    title: Text
    state: str  # done | current | todo
    href: str | None
    number: int


def progress(state: AssistBookingState | None, page: int) -> list[Step]:
    """The four steps: done up to where the order is, the page shown as current; done steps link back (draft)."""
    reached = PAGE_OF_STEP[state.step] if state else 0
    draft = state is not None and state.status is AssistStatus.DRAFT
    number = state.reservation_no if state else ""
    steps = []
    for index, title in enumerate(STEP_TITLES):
        status = "current" if index == page else "done" if index < reached or index < page else "todo"
        linked = draft and index <= min(reached, 2) and index != page
        steps.append(Step(title, status, f"/assist/order/{number}{STEP_PATHS[index]}" if linked else None, index + 1))
    return steps


def idle(minutes: int) -> str:
    """'2 hours', '90 minutes': how long an order may sit between steps, in a sentence."""
    if minutes % 60 == 0 and minutes > 60:
        return ngettext("%(num)d hour", "%(num)d hours", minutes // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


def closed(state: AssistBookingState) -> Response:
    """The order is no longer a draft: its confirmation (for whoever proves it), or why it ended."""
    if state.confirmed_at is not None:
        return redirect(f"/assist/order/{state.reservation_no}/confirmation")
    again = ("/assist/order", gettext("Start a new order"))
    if state.status is AssistStatus.CANCELLED:
        return ASSIST.message(
            gettext("The order was cancelled"),
            gettext(
                "Order %(number)s was cancelled before it was submitted: nothing was reserved and nothing is charged.",
                number=state.reservation_no,
            ),
            link=again,
            section="order",
        )
    return ASSIST.message(
        gettext("This order has lapsed"),
        gettext(
            "Order %(number)s was not submitted within %(idle)s of its last step, so it was dropped: nothing was "
            "reserved. Please start a new order.",
            number=state.reservation_no,
            idle=idle(state.policy.draft_idle_minutes),
        ),
        link=again,
        section="order",
    )


def draft(state: AssistBookingState, *steps: str) -> AssistBookingState:
    """The order while it is a draft (at one of ``steps``, when they are named); otherwise the guard answers with
    the page the order belongs on now: its confirmation or why it ended, or the step it is at."""
    if state.status is not AssistStatus.DRAFT:
        raise PageInstead(closed(state))
    if steps and state.step not in steps:
        raise PageInstead(current_page(state))
    return state


def current_page(state: AssistBookingState) -> Response:
    """To the page of the step the order is at (a later step's page asked for too early)."""
    return redirect(f"/assist/order/{state.reservation_no}{STEP_PATHS[PAGE_OF_STEP[state.step]]}")


# ------------------------------------------------------------------ step 1: availability


async def availability_page(
    sessions: SessionFactory,
    state: AssistBookingState | None,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """Step 1, new (no ``state``) or again; at the availability step still, no producer was free: why, and the
    nearest free starts. Without a Webex site set up, nothing can be ordered, and the page says so."""
    sites = await options.site_options(sessions)
    if not sites:
        return ASSIST.message(
            gettext("Webex Assist cannot be ordered here yet"),
            gettext("No Webex site is set up here. Ask your administrator to add your site (`onramp site add`)."),
            409,
            section="order",
        )
    busy: str | None = None
    alternatives: list[dict[str, str]] = []
    if state is not None and state.step == "availability":
        busy, alternatives = await options.nearest_free(sessions, state, state.session, THE_ORDER)
    number = state.reservation_no if state else None
    site = (values.get("site") or (state.availability.site if state else "")).strip().lower()  # its packages only
    return ASSIST.render(
        "assist/order_availability.html",
        status,
        title=PAGE_TITLES[0],
        section="order",
        steps=progress(state, 0),
        reservation_no=number,
        action=f"/assist/order/{number}/availability" if number else "/assist/order",
        cancel_action=f"/assist/order/{number}/cancel" if number else None,
        values={"duration": "60", "time_zone": options.SITE_ZONE, **values},
        errors=errors or {},
        error=error,
        busy=busy,
        alternatives=alternatives,
        site_options={"": gettext("Choose your Webex site"), **sites},
        package_options={"": gettext("Choose a package"), **await options.site_package_options(sessions, site)},
        package_site=site if site in sites else None,
        time_options={"": gettext("Choose a start time"), **options.TIME_OPTIONS},
        zone_options=options.zone_options(),
        duration_options=options.duration_options(),
        add_on_choices=ORDERED_ADD_ONS,
    )


async def checked_availability(
    sessions: SessionFactory, form: dict[str, str]
) -> tuple[Availability | None, dict[str, str], str | None]:
    """Step 1's form as `Availability`, or the problems next to their fields. The site is one of the form's
    choices: the sites the page offered (their time zones fill in the session's)."""
    zones = await options.site_zones(sessions)
    try:
        availability = Availability.model_validate(step_inputs.availability_body(form, zones))
    except ValidationError as err:
        errors, top = field_errors(err, step_inputs.AVAILABILITY)
        return None, errors, top
    if availability.site not in zones:
        return None, {"site": gettext("Choose one of the Webex sites.")}, None
    return availability, {}, None


def after_availability(
    request: Request, proofs: Proofs, reservation_no: str, check: SlotCheck, availability: Availability
) -> Response:
    """After step 1: on to the meeting lookup, or, no producer being free, step 1 again with the nearest free
    starts. This browser now proves the order: the customer has just typed its e-mail."""
    path = f"/assist/order/{reservation_no}"
    response = redirect(f"{path}/lookup" if check.available else path)
    proofs.remember(response, request, reservation_no, str(availability.customer.email), now())
    return response


@router.get("/assist/order", response_class=HTMLResponse, dependencies=[PUBLIC])
@guarded(ASSIST)
async def new_order(request: Request, sessions: Sessions, package: str = "", site: str = "") -> Response:
    """A new order, with the package and the site of the landing page's link chosen (the site's contract's packages
    only); no Temporal needed to show it."""
    site = site.strip().lower()[:253] if site.strip().lower() in await options.site_options(sessions) else ""
    chosen = package if package in await options.site_package_options(sessions, site) else ""
    return await availability_page(sessions, None, {"package": chosen, "site": site})


@router.post(
    "/assist/order",
    response_class=HTMLResponse,
    dependencies=[PUBLIC, Depends(on_page(ASSIST, limited(Limit.ORDERING)))],
)
@guarded(ASSIST)
async def start_order(
    request: Request, sessions: Sessions, temporal: Temporal, settings: AppSettings, proofs: BookingProofs
) -> Response:
    """Step 1 of a new order. The service refuses a session too soon before anything starts, so a refused first
    step leaves no order behind; its refusal is shown next to the date."""
    form = await form_of(request)
    availability, errors, top = await checked_availability(sessions, form)
    if availability is None:
        return await availability_page(sessions, None, form, errors, top, 422)
    try:
        await assist.check_order(settings, availability, sessions)  # before Temporal: bad input first
        number, check = await assist.order(await temporal(), settings, availability, sessions, reading.language().value)
    except OnrampError as err:
        errors, top = refusal_errors(err, step_inputs.AVAILABILITY)
        return await availability_page(sessions, None, form, errors, top, err.http_status)
    return after_availability(request, proofs, number, check, availability)


@router.get("/assist/order/{reservation_no}", response_class=HTMLResponse)
@guarded(ASSIST)
async def order_availability(state: ProvenBooking, request: Request, sessions: Sessions) -> Response:
    """Step 1 of an order under way (Back, or no producer free), filled in as the order has it."""
    state = draft(state)
    return await availability_page(sessions, state, step_inputs.availability_values(state))


@router.post("/assist/order/{reservation_no}/availability", response_class=HTMLResponse)
@guarded(ASSIST)
async def post_availability(
    state: ProvenBooking,
    request: Request,
    sessions: Sessions,
    temporal: Temporal,
    proofs: BookingProofs,
) -> Response:
    """Step 1 again (changed, or a nearest free start picked): the workflow checks it as it checked the first."""
    client = await temporal()
    state = draft(state)
    form = step_inputs.apply_alternative(await form_of(request))
    availability, errors, top = await checked_availability(sessions, form)
    if availability is None:
        return await availability_page(sessions, state, form, errors, top, 422)
    try:
        check = await assist.step(client, state.reservation_no, "availability", availability, SlotCheck)
    except OnrampError as err:
        errors, top = refusal_errors(err, step_inputs.AVAILABILITY)
        return await availability_page(sessions, state, form, errors, top, err.http_status)
    return after_availability(request, proofs, state.reservation_no, check, availability)
