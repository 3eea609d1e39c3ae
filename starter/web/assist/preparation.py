"""A booking's planning call and rehearsals (seed 004: "scheduled by the customer's needs and the assist team's
availability"), as a page:

    /assist/bookings/<no>/preparation            each one, its time or the times its producer is free before the
                                                 event; choosing one holds the producer (the workflow's
                                                 schedule_preparation Update) and mails both

Like every page about a booking, it needs this browser's proof of the number and e-mail (proof.py).
"""

from __future__ import annotations

from datetime import date, datetime, time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from models.assist import AssistBookingState, AssistStatus, PreparationKind
from models.assist_preparation import PREPARATION_NAMES, PreparationOffer, SchedulePreparation
from models.assist_time import SessionTime
from starter.errors import NotFound, OnrampError
from starter.services import assist, assist_preparation
from starter.web.assist import words
from starter.web.assist.bookings import ProvenBooking
from starter.web.assist.changes import back_to
from starter.web.assist.portal import ASSIST, ProofNeeded, now
from starter.web.deps import Sessions, Temporal
from starter.web.forms import form_of
from starter.web.guard import guarded
from starter.web.reading import gettext, lazy_gettext
from starter.web.rendering import redirect
from starter.web.said import said
from store import SessionFactory

router = APIRouter(include_in_schema=False)

CHOOSE_TIME = lazy_gettext("Choose one of the times offered.")


def preparation_name(kind: PreparationKind) -> str:
    return words.marked(PREPARATION_NAMES[kind])


def slot_value(session: SessionTime) -> str:
    """A time offered, as the form sends it back: its local date and time."""
    return f"{session.date.isoformat()}T{session.time:%H:%M}"


def parse_slot(value: str) -> tuple[date, time] | None:
    try:
        moment = datetime.strptime(value.strip()[:16], "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return moment.date(), moment.time()


def shown(offer: PreparationOffer) -> dict[str, object]:
    return {
        "kind": offer.kind.value,
        "name": preparation_name(offer.kind),
        "duration": words.duration(offer.minutes),
        "session": words.session_label(offer.session) if offer.session else None,
        "released": words.session_label(offer.released) if offer.released else None,
        "offers": [(slot_value(session), words.session_label(session)) for session in offer.offers],
    }


async def preparation_page(
    sessions: SessionFactory,
    state: AssistBookingState,
    errors: dict[str, str] | None = None,
    status: int = 200,
    scheduled: str = "",
) -> HTMLResponse:
    offers = await assist_preparation.offers(sessions, state, now())
    return ASSIST.render(
        "assist/preparation.html",
        status,
        title=gettext("Planning call and rehearsal"),
        section="find",
        state=state,
        preparations=[shown(offer) for offer in offers],
        action=f"/assist/bookings/{state.reservation_no}/preparation",
        back=back_to(state),
        errors=errors or {},
        scheduled=scheduled,
        open=state.status is AssistStatus.CONFIRMED,
    )


@router.get("/assist/bookings/{reservation_no}/preparation", response_class=HTMLResponse)
@guarded(ASSIST)
async def preparation(state: ProvenBooking, request: Request, sessions: Sessions, scheduled: str = "") -> Response:
    """The booking's planning call and rehearsals with their times, and the producer's free times for each."""
    if not state.preparations:
        return redirect(f"/assist/bookings/{state.reservation_no}")
    return await preparation_page(sessions, state, scheduled=scheduled[:32])


@router.post("/assist/bookings/{reservation_no}/preparation", response_class=HTMLResponse)
@guarded(ASSIST)
async def schedule(state: ProvenBooking, request: Request, sessions: Sessions, temporal: Temporal) -> Response:
    """The time chosen for one of them: the schedule_preparation Update; a refusal shows the page again with the
    workflow's sentence next to that preparation."""
    form = await form_of(request)
    kinds = {preparation.kind.value for preparation in state.preparations}
    kind = form.get("kind", "")
    if kind not in kinds:
        return redirect(f"/assist/bookings/{state.reservation_no}/preparation")
    picked = parse_slot(form.get("slot", ""))
    if picked is None:
        return await preparation_page(sessions, state, {kind: str(CHOOSE_TIME)}, 422)
    body = SchedulePreparation(
        contact_email=state.availability.customer.email, kind=PreparationKind(kind), date=picked[0], time=picked[1]
    )
    client = await temporal()
    try:
        await assist.step(client, state.reservation_no, "schedule_preparation", body, AssistBookingState)
    except NotFound:
        raise ProofNeeded(state.reservation_no) from None
    except OnrampError as err:
        return await preparation_page(sessions, state, {kind: said(err)}, err.http_status)
    return redirect(f"/assist/bookings/{state.reservation_no}/preparation", {"scheduled": kind})
