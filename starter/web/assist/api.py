"""Webex Assist bookings over HTTP (seed 004): the packages, the four ordering steps, find-my-booking, reschedule
and cancel. A confirmed booking is reached only with its reservation number and contact e-mail together."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter
from pydantic import BaseModel, EmailStr

from models.assist import (
    AssistBookingState,
    Availability,
    BookingAnswer,
    CancelBooking,
    CancellationQuote,
    EventInfo,
    MeetingLookup,
    Reschedule,
    ReservationNo,
    SlotCheck,
    SubmitBooking,
)
from models.assist_packages import COMPARISON, PACKAGES, PackageInfo, ServiceRow
from starter.services import assist
from starter.web.deps import AppSettings, Sessions, Temporal
from starter.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/assist", tags=["webex assist"], responses=ERROR_RESPONSES)


class Packages(BaseModel):
    packages: list[PackageInfo]
    comparison: list[ServiceRow]


class OrderStarted(BaseModel):
    reservation_no: str
    check: SlotCheck
    state: AssistBookingState


class FindBooking(BaseModel):
    reservation_no: ReservationNo
    contact_email: EmailStr


@router.get("/packages", response_model=Packages, summary="The assist packages and the comparison table")
async def packages() -> Packages:
    return Packages(packages=list(PACKAGES.values()), comparison=list(COMPARISON))


@router.post("/bookings", status_code=201, response_model=OrderStarted, summary="Order, step 1: availability")
async def order(body: Availability, temporal: Temporal, settings: AppSettings, sessions: Sessions) -> OrderStarted:
    await assist.check_order(settings, body, sessions)  # before Temporal: bad input is a 422 even while it is away
    client = await temporal()
    reservation_no, check = await assist.order(client, settings, body, sessions)
    return OrderStarted(reservation_no=reservation_no, check=check, state=await assist.status(client, reservation_no))


@router.get("/bookings/{reservation_no}", response_model=AssistBookingState, summary="A booking's state")
async def read(reservation_no: str, temporal: Temporal) -> AssistBookingState:
    return await assist.status(await temporal(), reservation_no)


@router.post(
    "/bookings/{reservation_no}/availability", response_model=SlotCheck, summary="Order, step 1 again: availability"
)
async def availability(reservation_no: str, body: Availability, temporal: Temporal, sessions: Sessions) -> SlotCheck:
    await assist.require_site(sessions, body.site)
    return await assist.step(await temporal(), reservation_no, "availability", body, SlotCheck)


@router.post(
    "/bookings/{reservation_no}/lookup", response_model=AssistBookingState, summary="Order, step 2: meeting lookup"
)
async def lookup(reservation_no: str, body: MeetingLookup, temporal: Temporal) -> AssistBookingState:
    return await assist.step(await temporal(), reservation_no, "lookup", body, AssistBookingState)


@router.post(
    "/bookings/{reservation_no}/event-info", response_model=AssistBookingState, summary="Order, step 3: event info"
)
async def event_info(reservation_no: str, body: EventInfo, temporal: Temporal) -> AssistBookingState:
    return await assist.step(await temporal(), reservation_no, "event_info", body, AssistBookingState)


@router.post("/bookings/{reservation_no}/submit", response_model=BookingAnswer, summary="Order, step 4: submit")
async def submit(reservation_no: str, body: SubmitBooking, temporal: Temporal) -> BookingAnswer:
    return await assist.step(await temporal(), reservation_no, "submit", body, BookingAnswer)


@router.post("/find", response_model=AssistBookingState, summary="Find a booking by reservation no. and e-mail")
async def find(body: FindBooking, temporal: Temporal) -> AssistBookingState:
    return await assist.find(await temporal(), body.reservation_no, str(body.contact_email))


@router.post(
    "/bookings/{reservation_no}/reschedule", response_model=BookingAnswer, summary="Update: date and time only"
)
async def reschedule(reservation_no: str, body: Reschedule, temporal: Temporal) -> BookingAnswer:
    return await assist.step(await temporal(), reservation_no, "reschedule", body, BookingAnswer)


@router.post(
    "/bookings/{reservation_no}/cancellation-quote",
    response_model=CancellationQuote,
    summary="What cancelling now would cost",
)
async def cancellation_quote(reservation_no: str, body: FindBooking, temporal: Temporal) -> CancellationQuote:
    state = await assist.find(await temporal(), reservation_no, str(body.contact_email))
    return assist.cancellation_quote(state, datetime.now(UTC))


@router.post("/bookings/{reservation_no}/cancel", response_model=AssistBookingState, summary="Cancel the booking")
async def cancel(reservation_no: str, body: CancelBooking, temporal: Temporal) -> AssistBookingState:
    return await assist.step(await temporal(), reservation_no, "cancel", body, AssistBookingState)
