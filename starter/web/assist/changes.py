"""A booking found by reservation number and contact e-mail (seed 004, "update or cancel"), as pages:

    /assist/bookings/<no>                        the booking ("availability page"): Update date/time, Cancel assist
    /assist/bookings/<no>/reschedule             date and start time editable, the rest read-only; Next checks the
                                                 producers: when none is free, why and the three nearest free starts
    /assist/bookings/<no>/reschedule/site        "Have you updated the schedule on your Webex site?" → no: "update
                                                 it for me?" → the reschedule Update
    /assist/bookings/<no>/rescheduled            the old and the new date and time
    /assist/bookings/<no>/cancel                 the fee by policy, Yes / No → /assist/bookings/<no>/cancelled

Every page needs this browser's proof of the number and e-mail (starter/assist_web/proof.py); without it, the find
page asks for them. The Updates carry the booking's own contact e-mail, which the proof has matched.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from models.assist import (
    FINAL_STATUSES,
    AssistBookingState,
    AssistStatus,
    BookingAnswer,
    CancelBooking,
    Reschedule,
    SessionTime,
)
from models.assist_packages import PACKAGES
from models.assist_rules import move_refusal, no_producer_message
from starter.errors import NotFound, OnrampError
from starter.services import assist
from starter.web.assist import forms
from starter.web.assist.kit import (
    ProofNeeded,
    client,
    form_of,
    free_until,
    guarded,
    message,
    moment,
    money,
    now,
    producer_check,
    proven_booking,
    redirect,
    render,
)
from starter.web.assist.ordering import slots

SiteSchedule = Literal["updated", "update_for_me", "will_update"]


def not_movable(state: AssistBookingState) -> str | None:
    """Why the booking cannot move now (the workflow's words), or None."""
    if state.status is AssistStatus.CONFIRMED:
        return None
    if state.status is AssistStatus.LIVE:
        return "The booking cannot move: the producer has started the session."
    if state.status is AssistStatus.DRAFT:
        return "The order has not been submitted yet: finish it first."
    return f"The booking is {state.status.value}: it can no longer be changed."


def readonly_rows(state: AssistBookingState) -> list[tuple[str, str]]:
    availability, customer = state.availability, state.availability.customer
    return [
        ("Reservation number", state.reservation_no),
        ("Customer", f"{customer.first_name} {customer.last_name}"),
        ("Phone", customer.phone),
        ("E-mail", str(customer.email)),
        ("Company", customer.company),
        ("Webex site", availability.site),
        ("Package", PACKAGES[availability.package].name),
        ("Time zone", availability.session.time_zone),
        ("Duration", forms.DURATION_OPTIONS.get(str(availability.session.duration_minutes), "")),
    ]


def booking_rows(state: AssistBookingState) -> list[tuple[str, str]]:
    session = state.session
    rows = readonly_rows(state)
    rows[7:7] = [("Event date", f"{session.starts_at:%a %d %b %Y}"), ("Start time", f"{session.time:%H:%M}")]
    topic = state.event_info.topic if state.event_info else ""
    rows += [
        ("Topic", topic),
        ("Producer", state.producer.name if state.producer else ""),
        ("Standard fee", money(state.standard_fee, state.currency)),
    ]
    if state.cancellation_fee is not None:
        fee = "none" if not state.cancellation_fee else money(state.cancellation_fee, state.currency)
        rows.append(("Cancellation fee", fee))
    return rows


def fee_sentence(state: AssistBookingState) -> str:
    """What cancelling now costs, by the policy."""
    quote = assist.cancellation_quote(state, now())
    until = moment(quote.free_until, state.session.time_zone)
    if not quote.cancellation_fee:
        return f"No cancellation fee: cancelling is free until {until}."
    return (
        f"A cancellation fee of {money(quote.cancellation_fee, quote.currency)} applies: "
        f"{state.policy.cancellation_fee_percent}% of the standard fee of {money(quote.standard_fee, quote.currency)}, "
        f"since free cancellation ended on {until}."
    )


def install(app: FastAPI) -> None:
    @app.get("/assist/bookings/{reservation_no}", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def booking_page(reservation_no: str, request: Request) -> Response:
        state = await proven_booking(request, reservation_no)
        return render(
            "booking.html",
            title="Your assist booking",
            section="find",
            state=state,
            rows=booking_rows(state),
            movable=not_movable(state) is None,
            cancellable=state.status in (AssistStatus.CONFIRMED, AssistStatus.LIVE),
            moves=[(move.old.label(), move.new.label()) for move in state.moves],
        )

    # ------------------------------------------------------------------ update: date and time

    async def reschedule_page(
        request: Request,
        state: AssistBookingState,
        values: dict[str, str],
        errors: dict[str, str] | None = None,
        error: str | None = None,
        status: int = 200,
        wanted: SessionTime | None = None,
    ) -> HTMLResponse:
        busy, alternatives = None, []
        if wanted is not None:
            check = await producer_check(request, state, wanted)
            if not check.available:
                busy = no_producer_message(wanted, "the assist")
                alternatives = slots(state, check)
        return render(
            "reschedule.html",
            status,
            title="Update date/time",
            section="find",
            state=state,
            rows=readonly_rows(state),
            action=f"/assist/bookings/{state.reservation_no}/reschedule",
            values=values,
            errors=errors or {},
            error=error,
            busy=busy,
            alternatives=alternatives,
            time_options=forms.TIME_OPTIONS,
        )

    async def movable_booking(request: Request, reservation_no: str) -> AssistBookingState | Response:
        state = await proven_booking(request, reservation_no)
        reason = not_movable(state)
        if reason is None:
            return state
        link = (f"/assist/bookings/{state.reservation_no}", "Back to the booking")
        return message("The date and time cannot be changed", reason, 409, link=link, section="find")

    def wanted_time(state: AssistBookingState, day: date | None, at: time | None) -> SessionTime | None:
        if day is None or at is None:
            return None
        new, _ = forms.moved(state.session, day, at)
        return new

    @app.get("/assist/bookings/{reservation_no}/reschedule", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def reschedule_form(reservation_no: str, request: Request) -> Response:
        found = await movable_booking(request, reservation_no)
        if isinstance(found, Response):
            return found
        state, query = found, dict(request.query_params)
        day, at, problems = forms.parse_date_time(query)
        asked = wanted_time(state, day, at) if "date" in query and not problems else None
        values = {"date": query["date"], "time": query.get("time", "")} if asked else current_values(state)
        return await reschedule_page(request, state, values, wanted=asked)

    @app.post("/assist/bookings/{reservation_no}/reschedule", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def reschedule_next(reservation_no: str, request: Request) -> Response:
        found = await movable_booking(request, reservation_no)
        if isinstance(found, Response):
            return found
        state = found
        form = forms.apply_alternative(await form_of(request))
        values = {"date": form.get("date", ""), "time": form.get("time", "")}
        day, at, errors = forms.parse_date_time(form)
        if day is None or at is None:
            return await reschedule_page(request, state, values, errors, status=422)
        new, problem = forms.moved(state.session, day, at)
        if new is None:
            return await reschedule_page(request, state, values, {"time": problem or ""}, status=422)
        refusal = move_refusal(state.session, new, now(), state.policy.lead_days)
        if refusal is not None:
            field, problem = refusal
            return await reschedule_page(request, state, values, {field: problem}, status=422)
        where = f"/assist/bookings/{state.reservation_no}/reschedule"
        query = {"date": day.isoformat(), "time": f"{at:%H:%M}"}
        if not (await producer_check(request, state, new)).available:
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
        return render(
            "reschedule_site.html",
            status,
            title="Update date/time: meeting lookup",
            section="find",
            state=state,
            old=state.session.label(),
            new=new.label(),
            action=f"/assist/bookings/{state.reservation_no}/reschedule/site",
            back=f"/assist/bookings/{state.reservation_no}/reschedule?date={new.date.isoformat()}&time={new.time:%H:%M}",
            can_update_for_you=state.session_key is not None,
            values=values,
            errors=errors or {},
            error=error,
        )

    @app.get("/assist/bookings/{reservation_no}/reschedule/site", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def site_question(reservation_no: str, request: Request) -> Response:
        found = await movable_booking(request, reservation_no)
        if isinstance(found, Response):
            return found
        state, query = found, dict(request.query_params)
        day, at, _ = forms.parse_date_time(query)
        new = wanted_time(state, day, at)
        if new is None:
            return redirect(f"/assist/bookings/{state.reservation_no}/reschedule")
        values = {"date": query["date"], "time": query["time"], "updated": query.get("updated", "")}
        return site_page(state, new, values)

    @app.post("/assist/bookings/{reservation_no}/reschedule/site", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def site_answer(reservation_no: str, request: Request) -> Response:
        found = await movable_booking(request, reservation_no)
        if isinstance(found, Response):
            return found
        state, form = found, await form_of(request)
        day, at, _ = forms.parse_date_time(form)
        new = wanted_time(state, day, at)
        if new is None or day is None or at is None:
            return redirect(f"/assist/bookings/{state.reservation_no}/reschedule")
        values = {name: form.get(name, "") for name in ("date", "time", "updated", "update_for_me")}
        here = f"/assist/bookings/{state.reservation_no}/reschedule/site"
        updated, for_me = form.get("updated"), form.get("update_for_me")
        if updated not in ("yes", "no"):
            return site_page(state, new, values, {"updated": "Choose one of the options."}, status=422)
        if updated == "no" and state.session_key is not None and for_me not in ("yes", "no"):
            if form.get("asked") != "update_for_me":  # the seed: "no" brings up the option to update it for you
                return redirect(here, {"date": values["date"], "time": values["time"], "updated": "no"})
            return site_page(state, new, values, {"update_for_me": "Choose one of the options."}, status=422)
        schedule: SiteSchedule = "updated" if updated != "no" else "update_for_me" if for_me == "yes" else "will_update"
        return await move(request, state, new, day, at, schedule, values)

    async def move(
        request: Request,
        state: AssistBookingState,
        new: SessionTime,
        day: date,
        at: time,
        schedule: SiteSchedule,
        values: dict[str, str],
    ) -> Response:
        body = Reschedule(contact_email=state.availability.customer.email, date=day, time=at, site_schedule=schedule)
        number = state.reservation_no
        try:
            answer = await assist.step(await client(request), number, "reschedule", body, BookingAnswer)
        except NotFound:
            raise ProofNeeded(number) from None
        except OnrampError as err:
            field = forms.REFUSAL_FIELDS.get(err.field or "", "")
            if field in ("date", "time"):
                shown = {"date": values["date"], "time": values["time"]}
                return await reschedule_page(request, state, shown, {field: err.message}, status=err.http_status)
            return site_page(state, new, values, error=err.message, status=err.http_status)
        if not answer.confirmed:  # a producer was taken meanwhile: the date page offers the nearest free starts
            return redirect(f"/assist/bookings/{number}/reschedule", {"date": values["date"], "time": values["time"]})
        query = {"site": "moved"} if schedule == "update_for_me" else None
        return redirect(f"/assist/bookings/{number}/rescheduled", query)

    @app.get("/assist/bookings/{reservation_no}/rescheduled", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def rescheduled(reservation_no: str, request: Request, site: str = "") -> Response:
        state = await proven_booking(request, reservation_no)
        if not state.moves:
            return redirect(f"/assist/bookings/{state.reservation_no}")
        last = state.moves[-1]
        return render(
            "rescheduled.html",
            title="Your assist has been moved",
            section="find",
            state=state,
            old=last.old.label(),
            new=last.new.label(),
            site_moved=site == "moved",
            package=PACKAGES[state.availability.package],
        )

    # ------------------------------------------------------------------ cancel

    @app.get("/assist/bookings/{reservation_no}/cancel", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def cancel_question(reservation_no: str, request: Request) -> Response:
        state = await proven_booking(request, reservation_no)
        back = (f"/assist/bookings/{state.reservation_no}", "Back to the booking")
        if state.status is AssistStatus.DRAFT:
            return redirect(f"/assist/order/{state.reservation_no}")
        if state.status in FINAL_STATUSES:
            text = f"The booking is {state.status.value}: it can no longer be changed."
            return message("The assist cannot be cancelled", text, 409, link=back, section="find")
        return render(
            "cancel.html",
            title="Cancel this assist?",
            section="find",
            state=state,
            package=PACKAGES[state.availability.package],
            fee=fee_sentence(state),
            action=f"/assist/bookings/{state.reservation_no}/cancel",
            back=back[0],
        )

    @app.post("/assist/bookings/{reservation_no}/cancel", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def cancel(reservation_no: str, request: Request) -> Response:
        state = await proven_booking(request, reservation_no)
        await form_of(request)
        body = CancelBooking(contact_email=state.availability.customer.email)
        try:
            await assist.step(await client(request), state.reservation_no, "cancel", body, AssistBookingState)
        except NotFound:
            raise ProofNeeded(state.reservation_no) from None
        except OnrampError as err:
            link = (f"/assist/bookings/{state.reservation_no}", "Back to the booking")
            return message("The assist cannot be cancelled", err.message, err.http_status, link=link, section="find")
        return redirect(f"/assist/bookings/{state.reservation_no}/cancelled")

    @app.get("/assist/bookings/{reservation_no}/cancelled", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def cancelled(reservation_no: str, request: Request) -> Response:
        state = await proven_booking(request, reservation_no)
        if state.status is not AssistStatus.CANCELLED or state.confirmed_at is None:
            return redirect(f"/assist/bookings/{state.reservation_no}")
        fee = state.cancellation_fee
        charged: dict[str, Any] | None = None
        if fee:
            charged = {
                "fee": money(fee, state.currency),
                "percent": state.policy.cancellation_fee_percent,
                "standard": money(state.standard_fee, state.currency),
            }
        return render(
            "cancelled.html",
            title="Your assist is cancelled",
            section="find",
            state=state,
            package=PACKAGES[state.availability.package],
            charged=charged,
            free_until=moment(free_until(state), state.session.time_zone),
        )


def current_values(state: AssistBookingState) -> dict[str, str]:
    return {"date": state.session.date.isoformat(), "time": f"{state.session.time:%H:%M}"}
