"""Subscriptions → Quotes (seed 002's Angebote): every quote of the account with its state, number, total and
expiry. An open quote is accepted (Proceed to payment) or declined here, through the same steps as its own page;
seed 002 asks for this before a new order, whose quote would supersede the open one."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from starter.services import seat_quotes
from starter.web.access import PageAdmin
from starter.web.deps import Sessions
from starter.web.guard import guarded
from starter.web.portals import ADMIN
from starter.web.reading import gettext, pgettext
from starter.web.seat_orders.flow import MENU

router = APIRouter(include_in_schema=False)

QUOTES = "/admin/quotes"


def quote_state(state: seat_quotes.QuoteState) -> str:
    """A quote's state in the reader's language."""
    names = {
        seat_quotes.QuoteState.OPEN: pgettext("quote state", "open"),
        seat_quotes.QuoteState.ACCEPTED: pgettext("quote state", "accepted"),
        seat_quotes.QuoteState.DECLINED: pgettext("quote state", "declined"),
        seat_quotes.QuoteState.EXPIRED: pgettext("quote state", "expired"),
        seat_quotes.QuoteState.SUPERSEDED: pgettext("quote state", "superseded"),
    }
    return names[state]


@router.get(QUOTES, response_class=HTMLResponse)
@guarded(ADMIN)
async def quotes_page(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    return ADMIN.render(
        "seat_orders/quotes.html",
        title=gettext("Quotes"),
        admin=admin,
        menu=MENU,
        wide=True,
        quotes=await seat_quotes.quotes(sessions, admin.account_no),
        quote_state=quote_state,
    )
