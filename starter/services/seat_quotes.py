"""The Quotes area (seed 002's Angebote): the account's quotes, each with its state, number, total and expiry, as
the seat orders' workflows last saved them. Reads only: accepting and declining are the order's own steps."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import Field, ValidationError, computed_field
from sqlalchemy import select

from models.common import Contract
from models.seat_order import OPEN_QUOTE, Quote, SeatOrderStatus
from store import SessionFactory
from store.tables import SeatOrderRow

QUOTES_SHOWN = 50


class QuoteState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    SUPERSEDED = "superseded"


STATE_OF = {
    SeatOrderStatus.QUOTED: QuoteState.OPEN,
    SeatOrderStatus.PAYMENT: QuoteState.ACCEPTED,
    SeatOrderStatus.SERVICE_ORDER: QuoteState.ACCEPTED,
    SeatOrderStatus.PLACED: QuoteState.ACCEPTED,
    SeatOrderStatus.AWAITING_REVIEW: QuoteState.ACCEPTED,
    SeatOrderStatus.COMPLETED: QuoteState.ACCEPTED,
    SeatOrderStatus.FAILED: QuoteState.ACCEPTED,
    SeatOrderStatus.DECLINED: QuoteState.DECLINED,
    SeatOrderStatus.EXPIRED: QuoteState.EXPIRED,
    SeatOrderStatus.SUPERSEDED: QuoteState.SUPERSEDED,
}
"""A quote is open until it is accepted (proceed to payment), declined, expired or superseded by a newer order's."""


class QuoteRow(Contract):
    """A quote as the Quotes area lists it."""

    order_no: str
    number: str = Field(description="Q-<order no>-<n>; the order number for quotes made before quotes had numbers.")
    state: QuoteState
    order_status: SeatOrderStatus
    total: Decimal
    currency: str
    quoted_at: datetime
    expires_at: datetime

    @computed_field(description="Proceed to payment: the quote is open.")  # type: ignore[prop-decorator]
    @property
    def acceptable(self) -> bool:
        return self.order_status is SeatOrderStatus.QUOTED

    @computed_field(description="Decline: open, or accepted but not yet placed.")  # type: ignore[prop-decorator]
    @property
    def decidable(self) -> bool:
        return self.order_status in OPEN_QUOTE


async def quotes(sessions: SessionFactory, account_no: str) -> list[QuoteRow]:
    """The account's quotes, the newest quote first: every seat order that made one (a cart never reviewed has
    none)."""
    async with sessions() as session:
        rows = (
            await session.execute(
                select(SeatOrderRow)
                .where(SeatOrderRow.account_no == account_no, SeatOrderRow.quote.is_not(None))
                .order_by(SeatOrderRow.updated_at.desc())
                .limit(QUOTES_SHOWN)
            )
        ).scalars()
        found = [row for row in map(_quote_row, rows) if row is not None]
    return sorted(found, key=lambda q: q.quoted_at, reverse=True)


def _quote_row(row: SeatOrderRow) -> QuoteRow | None:
    try:
        status, quote = SeatOrderStatus(row.status), Quote.model_validate(row.quote)
    except (ValueError, ValidationError):  # a row this version cannot read: not a quote it can show
        return None
    state = STATE_OF.get(status)
    if state is None:
        return None
    return QuoteRow(
        order_no=row.order_no,
        number=quote.number or row.order_no,
        state=state,
        order_status=status,
        total=quote.total,
        currency=quote.currency,
        quoted_at=quote.quoted_at,
        expires_at=quote.expires_at,
    )


async def open_quote(sessions: SessionFactory, account_no: str, order_no: str | None) -> QuoteRow | None:
    """The account's open quote (``order_no``: the account's open-quote order), which a new order's quote would
    supersede."""
    if order_no is None:
        return None
    async with sessions() as session:
        row = await session.get(SeatOrderRow, order_no)
    if row is None or row.account_no != account_no or row.quote is None:
        return None
    found = _quote_row(row)
    return found if found is not None and found.decidable else None
