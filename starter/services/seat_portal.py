"""What the seat portal pages (seed 002) read and say: the account's subscriptions and seat orders, the New Seat Qty
form, and whether an order is still open (what the pages say of it: starter/web/seat_orders/words.py).

Reads only: every change goes through the order's workflow (`starter.services.seat_orders`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from models.account_services import AccountServices
from models.accounts import SEAT_ADDITION_PRODUCTS, Edition, Product, no_account
from models.refusals import Reason, Refusal
from models.seat_order import BEFORE_PLACED, SeatOrderState
from models.seat_order_requests import NewSeats
from models.seat_order_rules import refusal_for
from starter.errors import NotFound
from store import SessionFactory, accounts
from store.tables import Account, PaymentCard, SeatOrderRow

ORDERS_SHOWN = 20
WHOLE_NUMBER = "Enter a whole number of seats, 1 or more."


@dataclass(frozen=True)
class SubscriptionRow:
    """One product edition of the account, and the name of its New Seat Qty field."""

    product: Product
    edition: Edition
    seats: int
    used: int
    unit_price: Decimal
    renewal_date: date

    @property
    def key(self) -> str:
        return "qty-" + re.sub(r"[^a-z0-9]+", "-", f"{self.product.value} {self.edition.value}".lower()).strip("-")

    @property
    def label(self) -> str:
        return f"{self.product.value} {self.edition.value}"

    @property
    def supported(self) -> bool:
        return self.product in SEAT_ADDITION_PRODUCTS


@dataclass(frozen=True)
class BillingAccount:
    account_no: str
    customer_name: str
    billing_contact_email: str
    currency: str
    refusal: Reason | None  # seed 002: not self-service, or no automatic payment method
    card: tuple[str, str] | None  # the card on file: its brand and last four digits
    open_quote: str | None  # the order whose quote is open
    billing_address: dict[str, Any] | None
    company: dict[str, Any]


async def billing_account(sessions: SessionFactory, account_no: str, services: AccountServices) -> BillingAccount:
    """The account as the pages show it; ``services``: how its refusal says to reach Corporate Account Services."""
    async with sessions() as session:
        account = await session.get(Account, account_no)
        if account is None:
            raise NotFound(no_account(account_no), type=Refusal.NOT_FOUND)
        card = await session.get(PaymentCard, account.card_token) if account.card_token else None
        snapshot = await accounts.snapshot(session, account_no)
    assert snapshot is not None
    return BillingAccount(
        account_no=account.account_no,
        customer_name=account.customer_name,
        billing_contact_email=account.billing_contact_email,
        currency=account.currency,
        refusal=refusal_for(snapshot, services),
        card=(card.brand, card.last4) if card else None,
        open_quote=account.open_quote_order_no,
        billing_address=account.billing_address,
        company=dict(account.company or {}),
    )


async def subscriptions(sessions: SessionFactory, account_no: str) -> list[SubscriptionRow]:
    async with sessions() as session:
        rows = await accounts.subscription_rows(session, account_no)
        return [
            SubscriptionRow(
                product=Product(row.product),
                edition=Edition(row.edition),
                seats=row.seats,
                used=row.used,
                unit_price=Decimal(row.unit_price),
                renewal_date=row.renewal_date,
            )
            for row in rows
        ]


@dataclass(frozen=True)
class OrderRow:
    order_no: str
    status: str
    total: str | None
    updated_at: datetime


async def seat_orders(sessions: SessionFactory, account_no: str) -> list[OrderRow]:
    """The account's newest seat orders, as their workflows last saved them."""
    async with sessions() as session:
        rows = (
            await session.execute(
                select(SeatOrderRow)
                .where(SeatOrderRow.account_no == account_no)
                .order_by(SeatOrderRow.updated_at.desc())
                .limit(ORDERS_SHOWN)
            )
        ).scalars()
        return [OrderRow(r.order_no, r.status, r.total, r.updated_at) for r in rows]


# ------------------------------------------------------------------ the New Seat Qty form


def quantities(rows: list[SubscriptionRow], values: dict[str, str]) -> tuple[list[NewSeats], list[str], dict[str, str]]:
    """The cart from the form: (lines, each line's field name, errors next to their fields). A blank field adds
    nothing; anything else must be a whole number of seats, 1 or more."""
    lines: list[NewSeats] = []
    keys: list[str] = []
    errors: dict[str, str] = {}
    for row in rows:
        raw = values.get(row.key, "").strip()
        if not raw or not row.supported:
            continue
        if not re.fullmatch(r"[+-]?\d{1,7}", raw):
            errors[row.key] = WHOLE_NUMBER
            continue
        try:
            lines.append(NewSeats(product=row.product, edition=row.edition, new_seats=int(raw)))
        except ValidationError:
            errors[row.key] = WHOLE_NUMBER
            continue
        keys.append(row.key)
    return lines, keys, errors


# ------------------------------------------------------------------ where an order is, and what to say about it


def still_open(state: SeatOrderState) -> bool:
    return state.status in BEFORE_PLACED
