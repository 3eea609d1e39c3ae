"""Webex Assist bookings over HTTP (seed 004): the packages, the four ordering steps, find-my-booking, reschedule
and cancel. A confirmed booking is reached only with its reservation number and contact e-mail together."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from pydantic import BaseModel, EmailStr, Field

from models.assist import AssistBookingState, BookingAnswer, CancellationQuote
from models.assist_packages import COMPARISON, PACKAGES, PackageInfo, ServiceRow
from models.assist_preparation import PreparationOffer, SchedulePreparation
from models.assist_requests import (
    Availability,
    CancelBooking,
    ChangeAddOns,
    EventInfo,
    MeetingLookup,
    Reschedule,
    ReservationNo,
    SiteName,
    SubmitBooking,
)
from models.assist_time import SlotCheck
from models.common import SINGLE_LINE_PATTERN, Contract
from models.refusals import Refusal, because
from starter.errors import OnrampError
from starter.services import assist, assist_preparation, assist_sites
from starter.web import reading
from starter.web.access import PUBLIC, Access, Rule, declares
from starter.web.audit import identify
from starter.web.deps import AppSettings, Sessions, Temporal
from starter.web.errors import ERROR_RESPONSES
from starter.web.rate_limits import Limit, limited

CONTACT_HEADER = "X-Contact-Email"
router = APIRouter(prefix="/api/assist", tags=["webex assist"], responses=ERROR_RESPONSES)


class Packages(BaseModel):
    site: str | None = Field(default=None, description="The site asked for: its contract's packages only.")
    packages: list[PackageInfo]
    comparison: list[ServiceRow]


class OrderStarted(BaseModel):
    reservation_no: str
    check: SlotCheck
    state: AssistBookingState


class FindBooking(Contract):
    reservation_no: ReservationNo
    contact_email: EmailStr


class ProofMissing(OnrampError):
    http_status = 401

    def __init__(self) -> None:
        super().__init__(
            because(
                "Send the booking's contact e-mail in the %(header)s header: with its reservation number it "
                "proves the booking is yours.",
                header=CONTACT_HEADER,
            ),
            type=Refusal.NOT_AUTHENTICATED,
        )


@declares(Rule(Access.CUSTOMER, f"reservation number + contact e-mail ({CONTACT_HEADER} header)"))
async def booking_of_customer(
    request: Request,
    reservation_no: Annotated[str, Path(pattern=SINGLE_LINE_PATTERN, max_length=40)],
    temporal: Temporal,
    contact_email: Annotated[
        str | None, Header(alias=CONTACT_HEADER, pattern=SINGLE_LINE_PATTERN, max_length=320)
    ] = None,
) -> AssistBookingState:
    """The booking, when the caller knows its contact e-mail too; a wrong pair reads like an unknown number."""
    if not contact_email:
        raise ProofMissing()
    state = await assist.find(await temporal(), reservation_no, contact_email)
    identify(request.scope, "customer", state.reservation_no)
    return state


CustomerBooking = Annotated[AssistBookingState, Depends(booking_of_customer)]


@declares(Rule(Access.CUSTOMER, f"reservation number + contact e-mail ({CONTACT_HEADER} header)"))
async def reservation_of_customer(
    request: Request,
    reservation_no: Annotated[str, Path(pattern=SINGLE_LINE_PATTERN, max_length=40)],
    temporal: Temporal,
    sessions: Sessions,
    contact_email: Annotated[
        str | None, Header(alias=CONTACT_HEADER, pattern=SINGLE_LINE_PATTERN, max_length=320)
    ] = None,
) -> str:
    """The same proof as ``booking_of_customer``, for a step that needs only the booking's number: its Update
    answers the booking, so reading it first is a Query the step does not need."""
    if not contact_email:
        raise ProofMissing()
    number = await assist.prove(await temporal(), sessions, reservation_no, contact_email)
    identify(request.scope, "customer", number)
    return number


CustomerReservation = Annotated[str, Depends(reservation_of_customer)]


@router.get(
    "/packages",
    response_model=Packages,
    summary="The assist packages and the comparison table",
    dependencies=[PUBLIC],
)
async def packages(
    sessions: Sessions,
    site: Annotated[
        SiteName | None, Query(description="A Webex site: only the packages its contract includes (422 if unknown).")
    ] = None,
) -> Packages:
    if site is not None:
        await assist.require_site(sessions, site)
    offered = await assist_sites.offered(sessions, site)
    listed = [info for info in PACKAGES.values() if info.package in offered]  # as the unfiltered list orders them
    return Packages(site=site, packages=listed, comparison=list(COMPARISON))


@router.post(
    "/bookings",
    status_code=201,
    response_model=OrderStarted,
    summary="Order, step 1: availability",
    dependencies=[PUBLIC, Depends(limited(Limit.ORDERING))],
)
async def order(body: Availability, temporal: Temporal, settings: AppSettings, sessions: Sessions) -> OrderStarted:
    await assist.check_order(settings, body, sessions)  # before Temporal: bad input is a 422 even while it is away
    client = await temporal()
    reservation_no, check = await assist.order(client, settings, body, sessions, reading.language().value)
    state = await assist.ordered_state(client, reservation_no)
    return OrderStarted(reservation_no=reservation_no, check=check, state=state)


@router.get("/bookings/{reservation_no}", response_model=AssistBookingState, summary="A booking's state")
async def read(booking: CustomerBooking) -> AssistBookingState:
    return booking


@router.post(
    "/bookings/{reservation_no}/availability", response_model=SlotCheck, summary="Order, step 1 again: availability"
)
async def availability(
    number: CustomerReservation, body: Availability, temporal: Temporal, sessions: Sessions
) -> SlotCheck:
    await assist.require_site(sessions, body.site)
    return await assist.step(await temporal(), number, "availability", body, SlotCheck)


@router.post(
    "/bookings/{reservation_no}/lookup", response_model=AssistBookingState, summary="Order, step 2: meeting lookup"
)
async def lookup(number: CustomerReservation, body: MeetingLookup, temporal: Temporal) -> AssistBookingState:
    return await assist.step(await temporal(), number, "lookup", body, AssistBookingState)


@router.post(
    "/bookings/{reservation_no}/event-info", response_model=AssistBookingState, summary="Order, step 3: event info"
)
async def event_info(number: CustomerReservation, body: EventInfo, temporal: Temporal) -> AssistBookingState:
    return await assist.step(await temporal(), number, "event_info", body, AssistBookingState)


@router.post("/bookings/{reservation_no}/submit", response_model=BookingAnswer, summary="Order, step 4: submit")
async def submit(number: CustomerReservation, body: SubmitBooking, temporal: Temporal) -> BookingAnswer:
    return await assist.step(await temporal(), number, "submit", body, BookingAnswer)


@router.post(
    "/find",
    response_model=AssistBookingState,
    summary="Find a booking by reservation no. and e-mail",
    dependencies=[PUBLIC, Depends(limited(Limit.FINDING))],
)
async def find(body: FindBooking, temporal: Temporal) -> AssistBookingState:
    return await assist.find(await temporal(), body.reservation_no, str(body.contact_email))


@router.post(
    "/bookings/{reservation_no}/reschedule", response_model=BookingAnswer, summary="Update: date and time only"
)
async def reschedule(number: CustomerReservation, body: Reschedule, temporal: Temporal) -> BookingAnswer:
    return await assist.step(await temporal(), number, "reschedule", body, BookingAnswer)


@router.post(
    "/bookings/{reservation_no}/add-ons",
    response_model=AssistBookingState,
    summary="Update: the add-ons, until 14 days before",
)
async def add_ons(number: CustomerReservation, body: ChangeAddOns, temporal: Temporal) -> AssistBookingState:
    return await assist.step(await temporal(), number, "add_ons", body, AssistBookingState)


@router.post(
    "/bookings/{reservation_no}/cancellation-quote",
    response_model=CancellationQuote,
    summary="What cancelling now would cost",
)
async def cancellation_quote(booking: CustomerBooking) -> CancellationQuote:
    return assist.cancellation_quote(booking, datetime.now(UTC))


@router.get(
    "/bookings/{reservation_no}/preparations",
    response_model=list[PreparationOffer],
    summary="The planning call and rehearsals: their times, and the producer's free times for each",
)
async def preparations(booking: CustomerBooking, sessions: Sessions) -> list[PreparationOffer]:
    return await assist_preparation.offers(sessions, booking, datetime.now(UTC))


@router.post(
    "/bookings/{reservation_no}/preparations",
    response_model=AssistBookingState,
    summary="Update: hold the producer for the planning call or a rehearsal at a time before the event",
)
async def schedule_preparation(
    number: CustomerReservation, body: SchedulePreparation, temporal: Temporal
) -> AssistBookingState:
    return await assist.step(await temporal(), number, "schedule_preparation", body, AssistBookingState)


@router.post("/bookings/{reservation_no}/cancel", response_model=AssistBookingState, summary="Cancel the booking")
async def cancel(number: CustomerReservation, body: CancelBooking, temporal: Temporal) -> AssistBookingState:
    return await assist.step(await temporal(), number, "cancel", body, AssistBookingState)
