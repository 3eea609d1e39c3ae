"""The Webex Assist portal: the frame every Assist page is rendered in (its layout, the header's sections, the order
progress, the status words), the words its pages use when Temporal is away, and its one answer of its own: a page
about a booking this browser has not proven is the find page, with the number filled in."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response

from models.assist import AssistStatus
from starter.web.rendering import Portal, redirect

STATUS_LABELS = {
    AssistStatus.DRAFT: "Order not submitted",
    AssistStatus.CONFIRMED: "Confirmed",
    AssistStatus.LIVE: "In progress: the producer has started the session",
    AssistStatus.COMPLETED: "Completed",
    AssistStatus.CANCELLED: "Cancelled",
    AssistStatus.ABANDONED: "Not finished (lapsed)",
}


class ProofNeeded(Exception):
    """The page is about a booking this browser has not shown the number and e-mail of (or not lately), or about a
    number that is no booking: either way, the find page asks for both."""

    def __init__(self, reservation_no: str) -> None:
        super().__init__(reservation_no)
        self.reservation_no = reservation_no


def _find_it(err: Exception, _: Request | None) -> Response | None:
    """The find page asks for the number and e-mail; after them, the browser comes back to the booking."""
    if not isinstance(err, ProofNeeded):
        return None
    return redirect("/assist/find", {"reservation_no": err.reservation_no})


ASSIST = Portal(
    layout="assist/_layout.html",
    optional=("steps", "section"),
    unavailable_title="Webex Assist is unavailable right now",
    unavailable=(
        "We cannot reach the service that runs Webex Assist bookings at the moment. Nothing was changed; "
        "please try again in a few minutes."
    ),
    back=("/assist", "Back to Webex Assist"),
    on={ProofNeeded: _find_it},
    globals={"status_labels": STATUS_LABELS},
)


def now() -> datetime:
    return datetime.now(UTC)


def moment(value: datetime, zone: str) -> str:
    """'Mon 30 Nov 2026, 15:00 (Asia/Taipei)': a deadline in the booking's own time zone, as the customer plans it."""
    return f"{value.astimezone(ZoneInfo(zone)):%a %d %b %Y, %H:%M} ({zone})"
