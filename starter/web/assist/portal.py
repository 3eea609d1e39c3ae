"""The Webex Assist portal: the frame every Assist page is rendered in (its layout, the header's sections, the order
progress, the words its templates name things by), the words its pages use when Temporal is away, and its one
answer of its own: a page about a booking this browser has not proven is the find page, with the number filled in."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Request
from fastapi.responses import Response

from starter.web.assist import words
from starter.web.reading import lazy_gettext
from starter.web.rendering import Portal, redirect


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
    unavailable_title=lazy_gettext("Webex Assist is unavailable right now"),
    unavailable=lazy_gettext(
        "We cannot reach the service that runs Webex Assist bookings at the moment. Nothing was changed; "
        "please try again in a few minutes."
    ),
    back=("/assist", lazy_gettext("Back to Webex Assist")),
    on={ProofNeeded: _find_it},
    globals={
        "status_label": words.status_label,
        "package_name": words.package_name,
        "session_label": words.session_label,
        "marked": words.marked,
        "add_on_name": words.add_on_name,
        "price_item": words.price_item,
        "coverage": words.coverage,
        "ltr": words.ltr,
    },
)


def now() -> datetime:
    return datetime.now(UTC)
