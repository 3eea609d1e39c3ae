"""What the seat portal pages (seed 002) read and say: the account's subscriptions and seat orders, the New Seat Qty
form, and a sentence for every way an order can end or refuse a step.

Reads only: every change goes through the order's workflow (`starter.services.seat_orders`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select

from models.accounts import CORPORATE_ACCOUNT_SERVICES, SEAT_ADDITION_PRODUCTS, Edition, Product, no_account
from models.refusals import Reason, Refusal
from models.seat_order import BEFORE_PLACED, NewSeats, SeatOrderState, SeatOrderStatus
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

    @property
    def not_supported(self) -> str:
        return (
            f"{self.product.value} does not support seat additions here. Please contact {CORPORATE_ACCOUNT_SERVICES}."
        )


@dataclass(frozen=True)
class BillingAccount:
    account_no: str
    customer_name: str
    billing_contact_email: str
    currency: str
    refusal: Reason | None  # seed 002: not self-service, or no automatic payment method
    card: str | None  # "Visa ending 4242": the card on file
    open_quote: str | None  # the order whose quote is open
    billing_address: dict[str, Any] | None
    company: dict[str, Any]


async def billing_account(sessions: SessionFactory, account_no: str) -> BillingAccount:
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
        refusal=refusal_for(snapshot),
        card=f"{card.brand} ending {card.last4}" if card else None,
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
        return [OrderRow(r.order_no, status_label(r.status), r.total, r.updated_at) for r in rows]


def status_label(status: str) -> str:
    return status.replace("_", " ")


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


def when(moment: datetime | None) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if moment else ""


def refused_step(state: SeatOrderState) -> str:
    """Why a step on a page cannot be done any more (a 409), said to a person."""
    status = state.status
    if status is SeatOrderStatus.SUPERSEDED:
        return "This quote is no longer valid. " + (state.reason or "A newer order replaced it.")
    if status is SeatOrderStatus.EXPIRED:
        expired = when(state.quote.expires_at) if state.quote else ""
        return f"This quote expired{' on ' + expired if expired else ''} without being accepted. Add seats again for a new quote."
    if status is SeatOrderStatus.DECLINED:
        return "This quote was declined, so it can no longer be accepted or paid. Add seats again for a new quote."
    if status is SeatOrderStatus.REFUSED:
        return state.reason or "Seats cannot be added to this account."
    return "This service order has already been placed; nothing was changed."


@dataclass(frozen=True)
class Outcome:
    title: str
    lead: str
    kind: str  # done | waiting | ended
    refresh: bool = False


def outcome(state: SeatOrderState, billing_contact: str) -> Outcome:
    """The result page's title and sentence for an order that is placed or has ended."""
    no, status = state.order_no, state.status
    added = " and ".join(
        f"{line.new_seats} {line.product.value} {line.edition.value} seat{'' if line.new_seats == 1 else 's'}"
        for line in state.cart
    )
    if status is SeatOrderStatus.COMPLETED:
        paid = ""
        if state.charge:
            card = f" to the {state.card.brand} card ending {state.card.last4}" if state.card else ""
            paid = f" {state.charge.amount} {state.charge.currency} was charged{card}."
        return Outcome(
            "Your seats have been added",
            f"Service order {no} is complete: {added} added.{paid} A confirmation e-mail with the receipt "
            f"is on its way to the billing contact, {billing_contact}.",
            "done",
        )
    if status is SeatOrderStatus.PLACED:
        return Outcome(
            "Your service order has been placed",
            f"Service order {no} is being processed. It can take up to 24 hours (until {when(state.process_by)}). "
            f"A confirmation e-mail with the receipt will go to the billing contact, {billing_contact}.",
            "waiting",
            refresh=True,
        )
    if status is SeatOrderStatus.AWAITING_REVIEW:
        return Outcome(
            "Your service order is being reviewed",
            f"Service order {no} is above the amount that is processed automatically, so {CORPORATE_ACCOUNT_SERVICES} "
            f"reviews it first. It is processed within 24 hours (until {when(state.process_by)}); the receipt will go "
            f"to the billing contact, {billing_contact}.",
            "waiting",
            refresh=True,
        )
    if status is SeatOrderStatus.FAILED:
        reason = (state.reason or "The payment did not go through").rstrip(".")
        return Outcome(
            "Your service order could not be completed",
            f"{reason}. No seats were added and nothing was charged. The billing contact, {billing_contact}, has been "
            "told. Add seats again with another card, or contact Corporate Account Services.",
            "ended",
        )
    if status is SeatOrderStatus.DECLINED:
        return Outcome(
            "You declined the quote",
            f"Quote {no} was declined: nothing was ordered or charged. Add seats whenever you need a new quote.",
            "ended",
        )
    if status is SeatOrderStatus.SUPERSEDED:
        return Outcome(
            "This quote was replaced",
            (state.reason or "A newer order replaced this quote.")
            + " An account has one open quote at a time: continue with the newer order, or add seats again.",
            "ended",
        )
    if status is SeatOrderStatus.EXPIRED:
        return Outcome("This quote has expired", refused_step(state), "ended")
    return Outcome("Seats cannot be added", state.reason or "Seats cannot be added to this account.", "ended")
