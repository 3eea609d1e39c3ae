"""The payment gateway adapter, and the built-in local sandbox behind it.

The sandbox decides by test card number (like real gateways' test modes):
  4242 4242 4242 4242 → approved;   4000 0000 0000 0002 → declined ("insufficient funds");
  4000 0000 0000 0119 → a transient processing error twice per charge, then approved;
  4000 0000 0000 0259 → an outage: transient errors on the first 8 attempts (about 4 minutes of retries), then approved.
Charges are rows keyed by the idempotency key: a second charge with the same key returns the first result.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.statements import ByDialect
from activities.store import SessionFactory
from activities.store.tables import Account, GatewayAttempt, GatewayCharge, PaymentCard
from activities.store.transactions import run_transaction
from models.seat_order import CHARGE_ACTIVITY, CHECK_CARD_ACTIVITY, CardOnOrder, ChargeRequest, ChargeResult, CheckCard

TEST_CARDS = {
    "4242424242424242": "approve",
    "4000000000000002": "decline",
    "4000000000000119": "flaky",
    "4000000000000259": "outage",
}
TRANSIENT_FAILURES = {"flaky": 2, "outage": 8}  # per idempotency key, before the charge goes through
CARDS, CHARGES, ATTEMPTS = PaymentCard.__table__, GatewayCharge.__table__, GatewayAttempt.__table__
# Built once, run with parameters (activities/statements.py says why).
CHARGE_BY_KEY = select(CHARGES).where(CHARGES.c.idempotency_key == bindparam("p_key"))
CARD_BEHAVIOUR = select(CARDS.c.behaviour).where(CARDS.c.token == bindparam("p_token"))
RECORD_CHARGE = ByDialect(lambda insert: insert(CHARGES).on_conflict_do_nothing(index_elements=["idempotency_key"]))
RECORD_ATTEMPT = ByDialect(lambda insert: insert(ATTEMPTS).on_conflict_do_nothing(index_elements=["idempotency_key"]))
COUNT_FAILURE = (
    update(ATTEMPTS)
    .where(ATTEMPTS.c.idempotency_key == bindparam("p_key"), ATTEMPTS.c.failures < bindparam("p_limit"))
    .values(failures=ATTEMPTS.c.failures + 1)
)


class CardRefused(ValueError):
    """The card cannot be used; the message says why (shown next to the card number)."""


def _luhn_ok(number: str) -> bool:
    total = 0
    for index, digit in enumerate(reversed(number)):
        value = int(digit)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


async def tokenize(sessions: SessionFactory, account_no: str, number: str, expiry: str, now: datetime) -> CardOnOrder:
    """Keep a card and give back a token: the card number never leaves this function (nor enters a workflow)."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if not 13 <= len(digits) <= 19 or not _luhn_ok(digits):
        raise CardRefused("This is not a valid card number.")
    month, _, year = expiry.partition("/")
    if not (month.isdigit() and year.isdigit() and 1 <= int(month) <= 12):
        raise CardRefused("Enter the expiry as MM/YYYY.")
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    if (full_year, int(month)) < (now.year, now.month):
        raise CardRefused("This card has expired.")
    behaviour = TEST_CARDS.get(digits)
    if behaviour is None:
        raise CardRefused("The sandbox gateway only accepts its test cards (4242 4242 4242 4242, …).")
    token = "tok_" + secrets.token_urlsafe(18)
    async with sessions.begin() as session:
        if await session.get(Account, account_no) is None:
            raise CardRefused(f"No account {account_no}.")
        session.add(
            PaymentCard(
                token=token,
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
    return CardOnOrder(token=token, brand="Visa", last4=digits[-4:])


class GatewayActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @activity.defn(name=CHECK_CARD_ACTIVITY)
    async def check_card(self, request: CheckCard) -> CardOnOrder:
        async with self._sessions() as session:
            token = request.token
            if token is None:
                account = await session.get(Account, request.account_no)
                token = account.card_token if account else None
            card = await session.get(PaymentCard, token) if token else None
        if card is None or card.account_no != request.account_no:
            raise ApplicationError(
                "There is no card on file for this account: enter a credit or debit card.",
                "card_token",
                type="CardUnknown",
                non_retryable=True,
            )
        return CardOnOrder(token=card.token, brand=card.brand, last4=card.last4)

    @activity.defn(name=CHARGE_ACTIVITY)
    async def charge_card(self, request: ChargeRequest) -> ChargeResult:
        """Idempotent by key. A transient error raises (the workflow retries with backoff); a decline is a result."""
        result = await run_transaction(self._sessions, partial(_charge, request))
        if result is None:
            raise RuntimeError("sandbox gateway: processing error, try again")
        return result


def _charge(request: ChargeRequest, session: Session) -> ChargeResult | None:
    """The charge for the request's key, made now or found from before; None for a (counted) transient error."""
    key = request.idempotency_key
    earlier = _charged(session, key)
    if earlier is not None:
        return earlier
    behaviour = session.execute(CARD_BEHAVIOUR, {"p_token": request.card_token}).scalar_one_or_none()
    if behaviour is None:
        raise ApplicationError("The card is unknown to the gateway.", type="CardUnknown", non_retryable=True)
    if behaviour in TRANSIENT_FAILURES and _transient_failure(session, key, TRANSIENT_FAILURES[behaviour]):
        return None
    approved = behaviour != "decline"
    row = {
        "idempotency_key": key,
        "account_no": request.account_no,
        "card_token": request.card_token,
        "amount": str(request.amount),
        "currency": request.currency,
        "outcome": "approved" if approved else "declined",
        "reason": None if approved else "insufficient funds",
        "reference": "ch_" + secrets.token_hex(8),
        "attempts": 1,
        "created_at": datetime.now(UTC),
    }
    if session.execute(RECORD_CHARGE.on(session), row).rowcount == 0:
        winner = _charged(session, key)  # a concurrent attempt with the same key won: answer what it charged
        assert winner is not None
        return winner
    return _result(row)


def _transient_failure(session: Session, key: str, failures: int) -> bool:
    """A flaky or failing test card fails its first ``failures`` attempts per key (the count is kept, as the error is)."""
    session.execute(RECORD_ATTEMPT.on(session), {"idempotency_key": key, "failures": 0})
    return session.execute(COUNT_FAILURE, {"p_key": key, "p_limit": failures}).rowcount == 1


def _charged(session: Session, key: str) -> ChargeResult | None:
    found = session.execute(CHARGE_BY_KEY, {"p_key": key}).mappings().first()
    return _result(found) if found is not None else None


def _result(row: Mapping[str, Any]) -> ChargeResult:
    return ChargeResult(
        outcome=row["outcome"],
        reason=row["reason"],
        reference=row["reference"],
        amount=Decimal(row["amount"]),
        currency=row["currency"],
    )
