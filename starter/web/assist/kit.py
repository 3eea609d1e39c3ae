"""What every Webex Assist page shares: templates in the setup wizard's look, rendering with the security headers,
redirects, the friendly error pages, reading forms, and reaching Temporal, the database and the booking proof."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from temporalio.client import Client
from temporalio.service import RPCError

from models.assist import AssistBookingState, AssistStatus, SessionTime, SlotCheck
from models.assist_activities import HoldRequest
from models.refusals import Refusal
from starter.client import TemporalUnreachable
from starter.errors import NotFound, OnrampError
from starter.services import assist
from starter.web.assist.proof import COOKIE, Proofs
from starter.web.deps import temporal_client
from starter.web.enterprise.pages import first, read_form
from starter.web.rendering import Portal
from store import SessionFactory
from store import assist as store

log = logging.getLogger("onramp.assist")

RESERVATION_NO = re.compile(r"^WA-\d{6}-[0-9A-F]{6}$")
STATUS_LABELS = {
    AssistStatus.DRAFT: "Order not submitted",
    AssistStatus.CONFIRMED: "Confirmed",
    AssistStatus.LIVE: "In progress: the producer has started the session",
    AssistStatus.COMPLETED: "Completed",
    AssistStatus.CANCELLED: "Cancelled",
    AssistStatus.ABANDONED: "Not finished (lapsed)",
}


def money(amount: Decimal, currency: str = "USD") -> str:
    return f"{amount:,.2f} {currency}"


def moment(value: datetime, zone: str) -> str:
    """'Mon 30 Nov 2026, 15:00 (Asia/Taipei)'."""
    return f"{value.astimezone(ZoneInfo(zone)):%a %d %b %Y, %H:%M} ({zone})"


PAGES = Portal(
    layout="assist/_layout.html",
    optional=("steps", "section"),
    unavailable_title="Webex Assist is unavailable right now",
    unavailable=(
        "We cannot reach the service that runs Webex Assist bookings at the moment. Nothing was changed; "
        "please try again in a few minutes."
    ),
    back=("/assist", "Back to Webex Assist"),
    globals={"status_labels": STATUS_LABELS},
)


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return PAGES.render(f"assist/{name}", status, **context)


def message(
    title: str, text: str, status: int = 200, *, link: tuple[str, str] | None = None, **context: Any
) -> HTMLResponse:
    return PAGES.message(title, text, status, link=link, **context)


def redirect(url: str, query: dict[str, str] | None = None) -> RedirectResponse:
    target = f"{url}?{urlencode(query)}" if query else url
    return RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})


async def form_of(request: Request) -> dict[str, str]:
    return first(await read_form(request))


def sessions(request: Request) -> SessionFactory:
    factory: SessionFactory = request.app.state.sessions
    return factory


async def client(request: Request) -> Client:
    return await temporal_client(request)


def proofs(request: Request) -> Proofs:
    found: Proofs = request.app.state.assist_proofs
    return found


def now() -> datetime:
    return datetime.now(UTC)


async def site_zones(request: Request) -> dict[str, str]:
    """Every Webex site here and its time zone."""
    async with sessions(request)() as session:
        return {site.name: site.time_zone for site in await store.sites(session)}


async def site_options(request: Request) -> dict[str, str]:
    async with sessions(request)() as session:
        return {site.name: f"{site.name} ({site.display_name})" for site in await store.sites(session)}


async def producer_check(request: Request, state: AssistBookingState, session: SessionTime) -> SlotCheck:
    """Would a producer be free for the booking at ``session`` (its own hold aside)? When not, the three nearest
    free starts. A read of the producer calendar, as the workflow's `check_producers` activity reads it: the page
    asks before the question about the site's schedule; the reschedule Update checks again and holds, race-safe."""
    policy = state.policy
    hold = HoldRequest(
        reservation_no=state.reservation_no,
        session=session,
        lead_minutes=policy.producer_lead_minutes,
        not_before=now() + timedelta(days=policy.lead_days),
    )
    async with sessions(request)() as session:
        return await store.producer_check(session, hold)


class ProofNeeded(Exception):
    """The page is about a confirmed booking, and this browser has not shown its number and e-mail (or not lately)."""

    def __init__(self, reservation_no: str) -> None:
        super().__init__(reservation_no)
        self.reservation_no = reservation_no


def valid_number(reservation_no: str) -> str:
    number = reservation_no.strip().upper()
    if not RESERVATION_NO.match(number):
        raise NotFound(f"There is no Webex Assist order {reservation_no[:20]!r}.", type=Refusal.NOT_FOUND)
    return number


async def booking(request: Request, reservation_no: str) -> AssistBookingState:
    """Any booking, by number alone: for the ordering pages (a draft), which then decide what they show."""
    return await assist.status(await client(request), valid_number(reservation_no))


def proven(request: Request, state: AssistBookingState) -> bool:
    return proofs(request).holds(request.cookies.get(COOKIE), state, now())


async def proven_booking(request: Request, reservation_no: str) -> AssistBookingState:
    """A booking whose number and contact e-mail this browser has shown: else the find page asks for them.
    An unknown number is asked for the same way, so the answer says nothing about which numbers exist."""
    try:
        state = await booking(request, reservation_no)
    except NotFound:
        raise ProofNeeded(reservation_no.strip().upper()[:20]) from None
    if not proven(request, state):
        raise ProofNeeded(state.reservation_no)
    return state


def free_until(state: AssistBookingState) -> datetime:
    return state.session.starts_at - timedelta(days=state.policy.free_cancellation_days)


Handler = Callable[..., Awaitable[Response]]


def guarded(handler: Handler) -> Handler:
    """A person sees a page, never a stack trace: Temporal down is a friendly 503, a refusal a sentence."""

    @functools.wraps(handler)
    async def run(*args: Any, **kwargs: Any) -> Response:
        try:
            return await handler(*args, **kwargs)
        except ProofNeeded as needed:
            return redirect("/assist/find", {"reservation_no": needed.reservation_no})
        except (TemporalUnreachable, RPCError):
            log.warning("the Webex Assist pages could not reach Temporal", exc_info=True)
            return message(
                "Webex Assist is unavailable right now",
                "We cannot reach the service that runs Webex Assist bookings at the moment. Nothing was changed; "
                "please try again in a few minutes.",
                503,
                link=("/assist", "Back to Webex Assist"),
            )
        except OnrampError as err:
            return message(
                "This cannot be done", err.message, err.http_status, link=("/assist", "Back to Webex Assist")
            )
        except Exception:
            log.exception("unexpected error on a Webex Assist page")
            return message(
                "Something went wrong", "Something went wrong on our side; it has been logged. Please try again.", 500
            )

    return run
