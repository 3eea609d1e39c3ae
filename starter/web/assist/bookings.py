"""How a page reaches a booking: only with this browser's proof of its number and contact e-mail (find-my-booking
sets it, and so does ordering, where the customer typed the e-mail). An unknown
or malformed number is answered like a missing proof (the find page, the number filled in), so the pages say nothing
about which numbers exist.

A booking's pages speak the language the customer ordered in, unless the reader chose another or their browser asks
for one onramp speaks (starter/web/reading.py ``of_record``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request
from pydantic import TypeAdapter, ValidationError
from temporalio.client import Client

from models.assist import AssistBookingState
from models.assist_requests import ReservationNo
from models.common import SINGLE_LINE_PATTERN
from starter.errors import NotFound
from starter.services import assist
from starter.web import reading
from starter.web.access import Access, Rule, declares
from starter.web.assist.portal import ASSIST, ProofNeeded, now
from starter.web.assist.proof import BookingProofs, Proofs
from starter.web.audit import identify
from starter.web.deps import Temporal
from starter.web.guard import PageInstead, answer

_RESERVATION_NO: TypeAdapter[str] = TypeAdapter(ReservationNo)


async def by_number(client: Client, reservation_no: str) -> AssistBookingState:
    """Any booking, by number alone: for the ordering pages (a draft), which then decide what they show. A number
    that cannot be one is not asked of Temporal."""
    asked = reservation_no.strip().upper()[:20]
    try:
        number = _RESERVATION_NO.validate_python(reservation_no)
    except ValidationError:
        raise ProofNeeded(asked) from None
    try:
        return await assist.status(client, number)
    except NotFound:
        raise ProofNeeded(asked) from None


async def proven_booking(client: Client, proofs: Proofs, request: Request, reservation_no: str) -> AssistBookingState:
    """A booking whose number and contact e-mail this browser has shown: else the find page asks for them."""
    state = await by_number(client, reservation_no)
    if not proofs.shown(request, state, now()):
        raise ProofNeeded(state.reservation_no)
    return state


@declares(Rule(Access.CUSTOMER, "reservation number + contact e-mail, shown in this browser"))
async def page_booking(
    reservation_no: Annotated[str, Path(pattern=SINGLE_LINE_PATTERN, max_length=40)],
    request: Request,
    proofs: BookingProofs,
    temporal: Temporal,
) -> AssistBookingState:
    """A page's booking: its number and contact e-mail shown in this browser (a draft's by ordering it), or the
    find page. The page speaks the booking's language unless its reader asks for another."""
    try:
        client = await temporal()
        state = await proven_booking(client, proofs, request, reservation_no)
        identify(request.scope, "customer", state.reservation_no)
    except ProofNeeded as err:
        raise PageInstead(answer(ASSIST, err, request)) from None
    reading.of_record(state.language)
    return state


ProvenBooking = Annotated[AssistBookingState, Depends(page_booking)]
