"""The sandbox gateway's card vault: a card is kept as a token with its brand and last four digits, and the test card
number decides how the gateway will answer its charges (activities/gateway.py). The number itself is never stored,
and the token never leaves the database: everyone else, workflows and API clients, knows the card by its reference.

Shared by the API and the pages (adding a card) and the gateway activity (reading a card's behaviour).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select

from models.accounts import PaymentMethod, no_account
from models.refusals import RuleBroken, because
from models.seat_order import CardOnOrder
from models.seat_order_requests import CARD_REFERENCE_PREFIX
from store import SessionFactory
from store.tables import Account, PaymentCard

TEST_CARDS = {
    "4242424242424242": "approve",
    "4000000000000002": "decline",
    "4000000000000119": "flaky",
    "4000000000000259": "outage",
}


class CardRefused(RuleBroken):
    """The card cannot be used; the reason says why (shown next to the card number)."""


def _luhn_ok(number: str) -> bool:
    total = 0
    for index, digit in enumerate(reversed(number)):
        value = int(digit)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def new_reference() -> str:
    """A card's name outside the database: random, so it says nothing of the card, its number or its token."""
    return CARD_REFERENCE_PREFIX + secrets.token_hex(8)


async def tokenize(sessions: SessionFactory, account_no: str, number: str, expiry: str, now: datetime) -> CardOnOrder:
    """Keep a card and give back its reference: the card number never leaves this function, the gateway's token
    never leaves the database (nor enters a workflow)."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if not 13 <= len(digits) <= 19 or not _luhn_ok(digits):
        raise CardRefused(because("This is not a valid card number."))
    month, _, year = expiry.partition("/")
    if not (month.isdigit() and year.isdigit() and 1 <= int(month) <= 12):
        raise CardRefused(because("Enter the expiry as MM/YYYY."))
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    if (full_year, int(month)) < (now.year, now.month):
        raise CardRefused(because("This card has expired."))
    behaviour = TEST_CARDS.get(digits)
    if behaviour is None:
        raise CardRefused(because("The sandbox gateway only accepts its test cards (4242 4242 4242 4242, …)."))
    token, reference = "tok_" + secrets.token_urlsafe(18), new_reference()
    async with sessions.begin() as session:
        if await session.get(Account, account_no) is None:
            raise CardRefused(no_account(account_no))
        session.add(
            PaymentCard(
                token=token,
                reference=reference,
                account_no=account_no,
                brand="Visa",
                last4=digits[-4:],
                expiry=f"{int(month):02d}/{full_year}",
                behaviour=behaviour,
                created_at=now,
            )
        )
        account = await session.get(Account, account_no)
        if account is not None and account.card_token is None:
            account.card_token = token  # the first card becomes the card on file
    return CardOnOrder(reference=reference, brand="Visa", last4=digits[-4:])


async def pay_automatically(sessions: SessionFactory, account_no: str, reference: str | None) -> CardOnOrder:
    """Seed 002's automatic payment method: the account pays by this card (one of its own, by reference; None:
    the card on file) from now on, which lets it add seats itself."""
    async with sessions.begin() as session:
        account = await session.get(Account, account_no, with_for_update=True)
        if account is None:
            raise CardRefused(no_account(account_no))
        if reference is None:
            card = await session.get(PaymentCard, account.card_token) if account.card_token else None
        else:
            card = (
                await session.execute(
                    select(PaymentCard).where(PaymentCard.reference == reference, PaymentCard.account_no == account_no)
                )
            ).scalar_one_or_none()
        if card is None and reference is not None:
            raise CardRefused(because("The account keeps no card %(card)s.", card=reference))
        if card is None:
            raise CardRefused(because("Add a credit or debit card first."))
        account.card_token = card.token
        account.payment_method = PaymentMethod.CARD.value
    return CardOnOrder(reference=card.reference, brand=card.brand, last4=card.last4)


async def pay_by_invoice(sessions: SessionFactory, account_no: str) -> None:
    """Back to invoices: the card stays on file for a later switch, but seats can no longer be added here."""
    async with sessions.begin() as session:
        account = await session.get(Account, account_no, with_for_update=True)
        if account is None:
            raise CardRefused(no_account(account_no))
        account.payment_method = PaymentMethod.INVOICE.value


async def cards_of(sessions: SessionFactory, account_no: str) -> tuple[str, CardOnOrder | None, list[CardOnOrder]]:
    """(the payment method, the card on file, every card the account keeps, newest first)."""
    async with sessions() as session:
        account = await session.get(Account, account_no)
        if account is None:
            raise CardRefused(no_account(account_no))
        rows = list(
            (
                await session.execute(
                    select(PaymentCard)
                    .where(PaymentCard.account_no == account_no)
                    .order_by(PaymentCard.created_at.desc(), PaymentCard.reference)
                )
            ).scalars()
        )
    cards = {row.token: CardOnOrder(reference=row.reference, brand=row.brand, last4=row.last4) for row in rows}
    on_file = cards.get(account.card_token) if account.card_token else None
    return account.payment_method, on_file, list(cards.values())
