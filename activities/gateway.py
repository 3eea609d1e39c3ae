"""The payment gateway adapter, and the built-in local sandbox behind it.

The sandbox decides by test card number (like real gateways' test modes):
  4242 4242 4242 4242 → approved;   4000 0000 0000 0002 → declined ("insufficient funds");
  4000 0000 0000 0119 → a transient processing error twice per charge, then approved;
  4000 0000 0000 0259 → an outage: transient errors on the first 8 attempts (about 4 minutes of retries), then approved.
Charges are rows keyed by the idempotency key: a second charge with the same key returns the first result.
Workflows name a card by its reference; its token is read here, from the database, and never answered.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from temporalio import activity

from models.refusals import Refusal, because, refuse
from models.seat_order import CardOnOrder, ChargeResult
from models.seat_order_activities import CHARGE_ACTIVITY, CHECK_CARD_ACTIVITY, ChargeRequest, CheckCard
from store import SessionFactory
from store.statements import ByDialect
from store.tables import Account, GatewayAttempt, GatewayCharge, PaymentCard
from store.transactions import run_transaction

TRANSIENT_FAILURES = {"flaky": 2, "outage": 8}  # per idempotency key, before the charge goes through
NO_CARD_ON_FILE = because("There is no card on file for this account: enter a credit or debit card.")
CARDS, CHARGES, ATTEMPTS = PaymentCard.__table__, GatewayCharge.__table__, GatewayAttempt.__table__
# Built once, run with parameters (store/statements.py says why).
CHARGE_BY_KEY = select(CHARGES).where(CHARGES.c.idempotency_key == bindparam("p_key"))
CARD_BY_REFERENCE = select(CARDS.c.token, CARDS.c.behaviour).where(
    CARDS.c.reference == bindparam("p_reference"), CARDS.c.account_no == bindparam("p_account")
)
CARD_BY_TOKEN = select(CARDS.c.token, CARDS.c.behaviour).where(CARDS.c.token == bindparam("p_token"))
CARD_NAMED = select(PaymentCard).where(PaymentCard.reference == bindparam("p_reference"))
RECORD_CHARGE = ByDialect(lambda insert: insert(CHARGES).on_conflict_do_nothing(index_elements=["idempotency_key"]))
RECORD_ATTEMPT = ByDialect(lambda insert: insert(ATTEMPTS).on_conflict_do_nothing(index_elements=["idempotency_key"]))
COUNT_FAILURE = (
    update(ATTEMPTS)
    .where(ATTEMPTS.c.idempotency_key == bindparam("p_key"), ATTEMPTS.c.failures < bindparam("p_limit"))
    .values(failures=ATTEMPTS.c.failures + 1)
)


class GatewayActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @activity.defn(name=CHECK_CARD_ACTIVITY)
    async def check_card(self, request: CheckCard) -> CardOnOrder:
        """The account's card the payment names (by reference; by token in orders paid before references), or its
        card on file; answered by reference, brand and last digits."""
        async with self._sessions() as session:
            card = await _card_of(session, request)
        if card is None or card.account_no != request.account_no:
            missing = because("No card of this account has that reference.") if request.card else NO_CARD_ON_FILE
            raise refuse(Refusal.CARD_UNKNOWN, missing, "card")
        return CardOnOrder(reference=card.reference, brand=card.brand, last4=card.last4)

    @activity.defn(name=CHARGE_ACTIVITY)
    async def charge_card(self, request: ChargeRequest) -> ChargeResult:
        """Idempotent by key. A transient error raises (the workflow retries with backoff); a decline is a result."""
        result = await run_transaction(self._sessions, partial(_charge, request))
        if result is None:
            raise RuntimeError("sandbox gateway: processing error, try again")
        return result


async def _card_of(session: AsyncSession, request: CheckCard) -> PaymentCard | None:
    """The card the payment names, else the account's card on file."""
    if request.card is not None:
        return await session.scalar(CARD_NAMED, {"p_reference": request.card})
    token = request.token
    if token is None:
        account = await session.get(Account, request.account_no)
        token = account.card_token if account else None
    return await session.get(PaymentCard, token) if token else None


def _charge(request: ChargeRequest, session: Session) -> ChargeResult | None:
    """The charge for the request's key, made now or found from before; None for a (counted) transient error."""
    key = request.idempotency_key
    earlier = _charged(session, key)
    if earlier is not None:
        return earlier
    card = _card_to_charge(session, request)
    if card is None:
        raise refuse(Refusal.CARD_UNKNOWN, because("The card is unknown to the gateway."))
    token, behaviour = card
    if behaviour in TRANSIENT_FAILURES and _transient_failure(session, key, TRANSIENT_FAILURES[behaviour]):
        return None
    approved = behaviour != "decline"
    row = {
        "idempotency_key": key,
        "account_no": request.account_no,
        "card_token": token,
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


def _card_to_charge(session: Session, request: ChargeRequest) -> tuple[str, str] | None:
    """The card's token and test behaviour: by its reference among the account's cards, or by the token an order
    paid before references sends."""
    if request.card is not None:
        found = session.execute(CARD_BY_REFERENCE, {"p_reference": request.card, "p_account": request.account_no})
    else:
        found = session.execute(CARD_BY_TOKEN, {"p_token": request.card_token})
    row = found.first()
    return (row.token, row.behaviour) if row is not None else None


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
