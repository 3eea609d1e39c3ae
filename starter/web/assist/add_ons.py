"""Changing a booking's add-ons (extra rehearsal, recording editing, invitation and registration management),
until the ordering lead time before the session (14 days), as a page:

    /assist/bookings/<no>/add-ons                the add-ons the package offers, checked as ordered, and the
                                                 price with them; Save is the workflow's add_ons Update

Extra time is not chosen: it follows the session's duration. Like every page about a booking, it needs this
browser's proof of the number and e-mail (proof.py).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from models.assist import AssistBookingState
from models.assist_packages import ORDERED_ADD_ONS, PACKAGES, AddOn
from models.assist_requests import ChangeAddOns
from models.assist_rules import add_ons_change_refusal, change_refusal
from starter.errors import NotFound, OnrampError
from starter.services import assist
from starter.web.assist import words
from starter.web.assist.bookings import ProvenBooking
from starter.web.assist.changes import back_to
from starter.web.assist.portal import ASSIST, ProofNeeded, now
from starter.web.deps import Temporal
from starter.web.forms import form_of
from starter.web.guard import guarded
from starter.web.reading import gettext
from starter.web.rendering import money, redirect
from starter.web.said import said

router = APIRouter(include_in_schema=False)


def field(add_on: AddOn) -> str:
    return f"add_on_{add_on.value}"


def choices(state: AssistBookingState) -> list[AddOn]:
    """The add-ons a customer chooses that the booking's package offers, in the order a price lists them."""
    offered = PACKAGES[state.availability.package].add_ons
    return [add_on for add_on in ORDERED_ADD_ONS if add_on in offered]


def why_not(state: AssistBookingState) -> str | None:
    """Why the add-ons cannot change now (the workflow's words), or None."""
    refusal = change_refusal(state.status) or add_ons_change_refusal(state.session, now(), state.policy.lead_days)
    return said(refusal) if refusal is not None else None


def add_ons_page(
    state: AssistBookingState, values: dict[str, str], error: str | None = None, status: int = 200, saved: bool = False
) -> HTMLResponse:
    return ASSIST.render(
        "assist/add_ons.html",
        status,
        title=gettext("Change the add-ons"),
        section="find",
        state=state,
        choices=[(field(add_on), words.add_on_name(add_on)) for add_on in choices(state)],
        prices=[(words.price_item(line), money(line.amount, state.currency)) for line in state.price_lines],
        total=money(state.total_fee, state.currency) if state.total_fee is not None else None,
        action=f"/assist/bookings/{state.reservation_no}/add-ons",
        back=back_to(state),
        values=values,
        errors={},
        error=error,
        saved=saved,
    )


@router.get("/assist/bookings/{reservation_no}/add-ons", response_class=HTMLResponse)
@guarded(ASSIST)
async def add_ons_form(state: ProvenBooking, request: Request, saved: str = "") -> Response:
    """The add-ons as ordered, and the price with them; once they can no longer change, why not."""
    reason = why_not(state)
    if reason is not None:
        return ASSIST.message(
            gettext("The add-ons cannot be changed"), reason, 409, link=back_to(state), section="find"
        )
    values = {field(add_on): "on" for add_on in state.availability.add_ons}
    return add_ons_page(state, values, saved=saved == "yes")


@router.post("/assist/bookings/{reservation_no}/add-ons", response_class=HTMLResponse)
@guarded(ASSIST)
async def save_add_ons(state: ProvenBooking, request: Request, temporal: Temporal) -> Response:
    """The add_ons Update with the boxes checked; a refusal shows the page again with the workflow's sentence."""
    form = await form_of(request)
    chosen = [add_on for add_on in choices(state) if form.get(field(add_on)) == "on"]
    values = {field(add_on): "on" for add_on in chosen}
    body = ChangeAddOns(contact_email=state.availability.customer.email, add_ons=chosen)
    try:
        changed = await assist.step(await temporal(), state.reservation_no, "add_ons", body, AssistBookingState)
    except NotFound:
        raise ProofNeeded(state.reservation_no) from None
    except OnrampError as err:
        return add_ons_page(state, values, said(err), err.http_status)
    return redirect(f"/assist/bookings/{changed.reservation_no}/add-ons", {"saved": "yes"})
