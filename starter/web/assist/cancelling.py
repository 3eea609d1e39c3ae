"""Cancelling a booking found by reservation number and contact e-mail (seed 004), as pages:

    /assist/bookings/<no>/cancel                 the fee by policy, Yes / No → /assist/bookings/<no>/cancelled
    /assist/bookings/<no>/cancelled              what was cancelled, and the fee charged

Like every page about a booking, they need this browser's proof of the number and e-mail (proof.py). The fee shown
is the service's quote by the policy stamped into the booking; the workflow charges by its own clock.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from models.assist import AssistBookingState, AssistStatus
from models.assist_packages import PACKAGES
from models.assist_requests import CancelBooking
from models.assist_rules import ended_refusal
from models.refusals import because
from models.words import ASSIST_BOOKING
from starter.errors import NotFound, OnrampError
from starter.services import assist
from starter.web.assist import words
from starter.web.assist.bookings import ProvenBooking
from starter.web.assist.changes import back_to
from starter.web.assist.portal import ASSIST, ProofNeeded, now
from starter.web.deps import Temporal
from starter.web.forms import form_of
from starter.web.guard import guarded
from starter.web.reading import gettext, lazy_gettext
from starter.web.rendering import money, redirect
from starter.web.said import said

router = APIRouter(include_in_schema=False)

CANNOT = lazy_gettext("The assist cannot be cancelled")


def fee_sentence(state: AssistBookingState) -> str:
    """What cancelling now costs, by the policy."""
    quote = assist.cancellation_quote(state, now())
    until = words.moment(quote.free_until, state.session.time_zone)
    if not quote.cancellation_fee:
        return gettext("No cancellation fee: cancelling is free until %(until)s.", until=until)
    return gettext(
        "A cancellation fee of %(fee)s applies: %(percent)s of the standard fee of %(standard)s, since free "
        "cancellation ended on %(until)s.",
        fee=money(quote.cancellation_fee, quote.currency),
        percent=words.percent(state.policy.cancellation_fee_percent),
        standard=money(quote.standard_fee, quote.currency),
        until=until,
    )


@router.get("/assist/bookings/{reservation_no}/cancel", response_class=HTMLResponse)
@guarded(ASSIST)
async def cancel_question(state: ProvenBooking, request: Request) -> Response:
    """Yes or no, with the fee it would cost now; a draft is cancelled on its ordering page."""
    if state.status is AssistStatus.DRAFT:
        return redirect(f"/assist/order/{state.reservation_no}")
    if not assist.cancellable(state):
        text = ended_refusal(state.status) or because("The booking is %(status)s.", status=ASSIST_BOOKING[state.status])
        return ASSIST.message(CANNOT, said(text), 409, link=back_to(state), section="find")
    return ASSIST.render(
        "assist/cancel.html",
        title=gettext("Cancel this assist?"),
        section="find",
        state=state,
        package=PACKAGES[state.availability.package],
        fee=fee_sentence(state),
        action=f"/assist/bookings/{state.reservation_no}/cancel",
        back=back_to(state)[0],
    )


@router.post("/assist/bookings/{reservation_no}/cancel", response_class=HTMLResponse)
@guarded(ASSIST)
async def cancel(state: ProvenBooking, request: Request, temporal: Temporal) -> Response:
    """The cancel Update, with the booking's own contact e-mail (which the proof has matched)."""
    client = await temporal()
    await form_of(request)  # read (and bounded) like every form, though "yes" is all it says
    body = CancelBooking(contact_email=state.availability.customer.email)
    try:
        await assist.step(client, state.reservation_no, "cancel", body, AssistBookingState)
    except NotFound:
        raise ProofNeeded(state.reservation_no) from None
    except OnrampError as err:
        return ASSIST.message(CANNOT, said(err), err.http_status, link=back_to(state), section="find")
    return redirect(f"/assist/bookings/{state.reservation_no}/cancelled")


@router.get("/assist/bookings/{reservation_no}/cancelled", response_class=HTMLResponse)
@guarded(ASSIST)
async def cancelled(state: ProvenBooking, request: Request) -> Response:
    """A confirmed booking's cancellation and the fee charged, as the workflow recorded them (a draft cancelled
    while ordering has its own page)."""
    if state.status is not AssistStatus.CANCELLED or state.confirmed_at is None:
        return redirect(f"/assist/bookings/{state.reservation_no}")
    fee = state.cancellation_fee
    charged: dict[str, Any] | None = None
    if fee:
        charged = {
            "fee": money(fee, state.currency),
            "percent": words.percent(state.policy.cancellation_fee_percent),
            "standard": money(state.standard_fee, state.currency),
        }
    return ASSIST.render(
        "assist/cancelled.html",
        title=gettext("Your assist is cancelled"),
        section="find",
        state=state,
        package=PACKAGES[state.availability.package],
        charged=charged,
        free_until=words.moment(assist.free_until(state), state.session.time_zone),
    )
