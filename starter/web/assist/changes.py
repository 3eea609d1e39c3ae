"""A booking found by reservation number and contact e-mail (seed 004, "update or cancel"), and its update, as pages:

    /assist/bookings/<no>                        the booking ("availability page"): Update date/time, Cancel assist
    /assist/bookings/<no>/reschedule             date and start time editable, the rest read-only; Next checks the
                                                 producers: when none is free, why and the three nearest free starts
    /assist/bookings/<no>/reschedule/site        "Have you updated the schedule on your Webex site?" → no: "update
                                                 it for me?" → the reschedule Update
    /assist/bookings/<no>/rescheduled            the old and the new date and time

Cancelling is in cancelling.py. Every page needs this browser's proof of the number and e-mail (proof.py); without
it, the find page asks for them. The Updates carry the booking's own contact e-mail, which the proof has matched.
"""

from __future__ import annotations

from datetime import date, time
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from temporalio.client import Client

from activities.mail_words import person
from models.assist import AssistBookingState, BookingAnswer
from models.assist_packages import PACKAGES
from models.assist_preparation import PREPARATION_NAMES
from models.assist_requests import Reschedule
from models.assist_rules import THE_ASSIST, add_ons_change_refusal, change_refusal, move_refusal
from models.assist_time import SessionTime
from starter.errors import NotFound, OnrampError
from starter.services import assist
from starter.web.assist import options, step_inputs, words
from starter.web.assist.bookings import ProvenBooking
from starter.web.assist.portal import ASSIST, ProofNeeded, now
from starter.web.deps import Sessions, Temporal
from starter.web.forms import form_of, refusal_errors
from starter.web.guard import guarded
from starter.web.reading import gettext, lazy_gettext, pgettext
from starter.web.rendering import money, redirect
from starter.web.said import said
from store import SessionFactory

router = APIRouter(include_in_schema=False)

SiteSchedule = Literal["updated", "update_for_me", "will_update"]
CHOOSE = lazy_gettext("Choose one of the options.")


def not_movable(state: AssistBookingState) -> str | None:
    """Why the booking cannot move now (the workflow's words), or None: the page offers no move it would refuse."""
    refusal = change_refusal(state.status)
    return said(refusal) if refusal is not None else None


def readonly_rows(state: AssistBookingState) -> list[tuple[str, str]]:
    availability, customer = state.availability, state.availability.customer
    return [
        (gettext("Reservation number"), state.reservation_no),
        (gettext("Customer"), person(customer.first_name, customer.last_name)),
        (gettext("Phone"), customer.phone),
        (gettext("E-mail"), str(customer.email)),
        (gettext("Company"), customer.company),
        (gettext("Webex site"), availability.site),
        (gettext("Package"), words.package_name(availability.package)),
        (gettext("Time zone"), words.zone_name(availability.session.time_zone)),
        (gettext("Duration"), words.duration(availability.session.duration_minutes)),
    ]


def booking_rows(state: AssistBookingState) -> list[tuple[str, str]]:
    session = state.session
    rows = readonly_rows(state)
    rows[7:7] = [(gettext("Event date"), words.day(session.date)), (gettext("Start time"), f"{session.time:%H:%M}")]
    topic = state.event_info.topic if state.event_info else ""
    rows += [
        (gettext("Topic"), topic),
        (gettext("Producer"), state.producer.name if state.producer else ""),
        (gettext("Standard fee"), money(state.standard_fee, state.currency)),
    ]
    if state.availability.add_ons:
        rows.append((gettext("Add-ons"), ", ".join(words.add_on_name(add_on) for add_on in state.availability.add_ons)))
    if len(state.price_lines) > 1 and state.total_fee is not None:
        rows.append((gettext("Total with extra time and add-ons"), money(state.total_fee, state.currency)))
    if state.cancellation_fee is not None:
        fee = (
            pgettext("a cancellation fee", "none")
            if not state.cancellation_fee
            else money(state.cancellation_fee, state.currency)
        )
        rows.append((gettext("Cancellation fee"), fee))
    for charge in state.charges:
        rows.append((gettext("Charged"), money(charge.amount, charge.currency)))
    return rows


def back_to(state: AssistBookingState) -> tuple[str, str]:
    return f"/assist/bookings/{state.reservation_no}", gettext("Back to the booking")


@router.get("/assist/bookings/{reservation_no}", response_class=HTMLResponse)
@guarded(ASSIST)
async def booking_page(state: ProvenBooking, request: Request) -> Response:
    """The booking as the customer ordered it, and what can still be done with it (update date/time, cancel)."""
    return ASSIST.render(
        "assist/booking.html",
        title=gettext("Your assist booking"),
        section="find",
        state=state,
        rows=booking_rows(state),
        movable=not_movable(state) is None,
        add_ons_changeable=not_movable(state) is None
        and add_ons_change_refusal(state.session, now(), state.policy.lead_days) is None,
        cancellable=assist.cancellable(state),
        moves=[(words.session_label(move.old), words.session_label(move.new)) for move in state.moves],
        preparations=preparation_rows(state),
    )


def preparation_rows(state: AssistBookingState) -> list[tuple[str, str | None]]:
    """The booking's planning call and rehearsals: each one's name, and its time when it has one."""
    return [
        (words.marked(PREPARATION_NAMES[p.kind]), words.session_label(p.session) if p.session else None)
        for p in state.preparations
    ]


# ------------------------------------------------------------------ update: date and time


async def reschedule_page(
    sessions: SessionFactory,
    state: AssistBookingState,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    status: int = 200,
    wanted: SessionTime | None = None,
) -> HTMLResponse:
    """The date page; asked about ``wanted``, it says when no producer is free then, with the nearest free starts."""
    busy: str | None = None
    alternatives: list[dict[str, str]] = []
    if wanted is not None:
        busy, alternatives = await options.nearest_free(sessions, state, wanted, THE_ASSIST)
    return ASSIST.render(
        "assist/reschedule.html",
        status,
        title=gettext("Update date/time"),
        section="find",
        state=state,
        rows=readonly_rows(state),
        action=f"/assist/bookings/{state.reservation_no}/reschedule",
        values=values,
        errors=errors or {},
        busy=busy,
        alternatives=alternatives,
        time_options=options.TIME_OPTIONS,
    )


def movable_booking(state: AssistBookingState) -> AssistBookingState | Response:
    """The proven booking when it can move; else the page that says why not."""
    reason = not_movable(state)
    if reason is None:
        return state
    return ASSIST.message(
        gettext("The date and time cannot be changed"), reason, 409, link=back_to(state), section="find"
    )


def wanted_time(state: AssistBookingState, day: date | None, at: time | None) -> SessionTime | None:
    """The booking's session at the date and time asked for, when both were given and that time exists there."""
    if day is None or at is None:
        return None
    new, _ = step_inputs.moved(state.session, day, at)
    return new


def current_values(state: AssistBookingState) -> dict[str, str]:
    return {"date": state.session.date.isoformat(), "time": f"{state.session.time:%H:%M}"}


@router.get("/assist/bookings/{reservation_no}/reschedule", response_class=HTMLResponse)
@guarded(ASSIST)
async def reschedule_form(
    state: ProvenBooking,
    request: Request,
    sessions: Sessions,
) -> Response:
    """The date page; with a date and time in the query (no producer free then), it says so and offers others."""
    found = movable_booking(state)
    if isinstance(found, Response):
        return found
    state, query = found, dict(request.query_params)
    day, at, problems = step_inputs.parse_date_time(query)
    asked = wanted_time(state, day, at) if "date" in query and not problems else None
    values = {"date": query["date"], "time": query.get("time", "")} if asked else current_values(state)
    return await reschedule_page(sessions, state, values, wanted=asked)


@router.post("/assist/bookings/{reservation_no}/reschedule", response_class=HTMLResponse)
@guarded(ASSIST)
async def reschedule_next(
    state: ProvenBooking,
    request: Request,
    sessions: Sessions,
) -> Response:
    """Next: a move the workflow would refuse is refused here, before the site question; a time without a free
    producer goes back to the date page, which offers the nearest free starts."""
    found = movable_booking(state)
    if isinstance(found, Response):
        return found
    state = found
    form = step_inputs.apply_alternative(await form_of(request))
    values = {"date": form.get("date", ""), "time": form.get("time", "")}
    day, at, errors = step_inputs.parse_date_time(form)
    if day is None or at is None:
        return await reschedule_page(sessions, state, values, errors, status=422)
    new, problem = step_inputs.moved(state.session, day, at)
    if new is None:
        return await reschedule_page(sessions, state, values, {"time": problem or ""}, status=422)
    refusal = move_refusal(state.session, new, now(), state.policy)
    if refusal is not None:
        field, problem = refusal
        return await reschedule_page(sessions, state, values, {field: said(problem)}, status=422)
    where = f"/assist/bookings/{state.reservation_no}/reschedule"
    query = {"date": day.isoformat(), "time": f"{at:%H:%M}"}
    if not (await assist.producer_check(sessions, state, new, now())).available:
        return redirect(where, query)
    return redirect(f"{where}/site", query)


# ------------------------------------------------------------------ the site's schedule, then the Update


def site_page(
    state: AssistBookingState,
    new: SessionTime,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return ASSIST.render(
        "assist/reschedule_site.html",
        status,
        title=gettext("Update date/time: meeting lookup"),
        section="find",
        state=state,
        old=words.session_label(state.session),
        new=words.session_label(new),
        action=f"/assist/bookings/{state.reservation_no}/reschedule/site",
        back=f"/assist/bookings/{state.reservation_no}/reschedule?date={new.date.isoformat()}&time={new.time:%H:%M}",
        can_update_for_you=state.session_key is not None,
        values=values,
        errors=errors or {},
        error=error,
    )


@router.get("/assist/bookings/{reservation_no}/reschedule/site", response_class=HTMLResponse)
@guarded(ASSIST)
async def site_question(state: ProvenBooking, request: Request) -> Response:
    """The site question for the new date and time in the query; without a valid one, the date page again."""
    found = movable_booking(state)
    if isinstance(found, Response):
        return found
    state, query = found, dict(request.query_params)
    day, at, _ = step_inputs.parse_date_time(query)
    new = wanted_time(state, day, at)
    if new is None:
        return redirect(f"/assist/bookings/{state.reservation_no}/reschedule")
    values = {"date": query["date"], "time": query["time"], "updated": query.get("updated", "")}
    return site_page(state, new, values)


@router.post("/assist/bookings/{reservation_no}/reschedule/site", response_class=HTMLResponse)
@guarded(ASSIST)
async def site_answer(
    state: ProvenBooking,
    request: Request,
    sessions: Sessions,
    temporal: Temporal,
) -> Response:
    """The seed's question about the site's schedule: "no" brings up the option to update it for the customer
    (when the lookup found the session there); then the reschedule Update."""
    client = await temporal()
    found = movable_booking(state)
    if isinstance(found, Response):
        return found
    state, form = found, await form_of(request)
    day, at, _ = step_inputs.parse_date_time(form)
    new = wanted_time(state, day, at)
    if new is None or day is None or at is None:
        return redirect(f"/assist/bookings/{state.reservation_no}/reschedule")
    values = {name: form.get(name, "") for name in step_inputs.SITE_SCHEDULE.fields}
    here = f"/assist/bookings/{state.reservation_no}/reschedule/site"
    updated, for_me = form.get("updated"), form.get("update_for_me")
    if updated not in ("yes", "no"):
        return site_page(state, new, values, {"updated": str(CHOOSE)}, status=422)
    if updated == "no" and state.session_key is not None and for_me not in ("yes", "no"):
        if form.get("asked") != "update_for_me":
            return redirect(here, {"date": values["date"], "time": values["time"], "updated": "no"})
        return site_page(state, new, values, {"update_for_me": str(CHOOSE)}, status=422)
    schedule: SiteSchedule = "updated" if updated != "no" else "update_for_me" if for_me == "yes" else "will_update"
    body = Reschedule(contact_email=state.availability.customer.email, date=day, time=at, site_schedule=schedule)
    return await move(client, sessions, state, new, body, values)


async def move(
    client: Client,
    sessions: SessionFactory,
    state: AssistBookingState,
    new: SessionTime,
    body: Reschedule,
    values: dict[str, str],
) -> Response:
    """The reschedule Update. A refusal about the date or time shows the date page again with it; any other the
    site question; no producer free after all, the date page with the nearest free starts."""
    number = state.reservation_no
    try:
        answer = await assist.step(client, number, "reschedule", body, BookingAnswer)
    except NotFound:
        raise ProofNeeded(number) from None
    except OnrampError as err:
        errors, top = refusal_errors(err, step_inputs.RESCHEDULE)
        if errors:
            shown = {"date": values["date"], "time": values["time"]}
            return await reschedule_page(sessions, state, shown, errors, status=err.http_status)
        return site_page(state, new, values, error=top, status=err.http_status)
    if not answer.confirmed:
        return redirect(f"/assist/bookings/{number}/reschedule", {"date": values["date"], "time": values["time"]})
    query = {"site": "moved"} if body.site_schedule == "update_for_me" else None
    return redirect(f"/assist/bookings/{number}/rescheduled", query)


@router.get("/assist/bookings/{reservation_no}/rescheduled", response_class=HTMLResponse)
@guarded(ASSIST)
async def rescheduled(
    state: ProvenBooking,
    request: Request,
    site: str = "",
) -> Response:
    """The last move's old and new date and time; a booking never moved has nothing to show here."""
    if not state.moves:
        return redirect(f"/assist/bookings/{state.reservation_no}")
    last = state.moves[-1]
    return ASSIST.render(
        "assist/rescheduled.html",
        title=gettext("Your assist has been moved"),
        section="find",
        state=state,
        old=words.session_label(last.old),
        new=words.session_label(last.new),
        site_moved=site == "moved",
        package=PACKAGES[state.availability.package],
        released=[words.marked(PREPARATION_NAMES[p.kind]) for p in state.preparations if p.released and not p.session],
        preparations=bool(state.preparations),
    )
