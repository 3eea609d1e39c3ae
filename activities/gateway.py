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

from models.refusals import Refusal, refuse
from models.seat_order import CHARGE_ACTIVITY, CHECK_CARD_ACTIVITY, CardOnOrder, ChargeRequest, ChargeResult, CheckCard
from store import SessionFactory
from store.statements import ByDialect
from store.tables import Account, GatewayAttempt, GatewayCharge, PaymentCard
from store.transactions import run_transaction

TRANSIENT_FAILURES = {"flaky": 2, "outage": 8}  # per idempotency key, before the charge goes through
CARDS, CHARGES, ATTEMPTS = PaymentCard.__table__, GatewayCharge.__table__, GatewayAttempt.__table__
# Built once, run with parameters (store/statements.py says why).
CHARGE_BY_KEY = select(CHARGES).where(CHARGES.c.idempotency_key == bindparam("p_key"))
CARD_BEHAVIOUR = select(CARDS.c.behaviour).where(CARDS.c.token == bindparam("p_token"))
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
        async with self._sessions() as session:
            token = request.token
            if token is None:
                account = await session.get(Account, request.account_no)
                token = account.card_token if account else None
            card = await session.get(PaymentCard, token) if token else None
        if card is None or card.account_no != request.account_no:
            raise refuse(
                Refusal.CARD_UNKNOWN,
                "There is no card on file for this account: enter a credit or debit card.",
                "card_token",
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
        raise refuse(Refusal.CARD_UNKNOWN, "The card is unknown to the gateway.")
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
