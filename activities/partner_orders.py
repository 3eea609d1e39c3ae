"""Persistence of partner orders: an idempotent upsert of the order at every state change."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from temporalio import activity

from activities import metrics
from models.partner_order import (
    FINAL_STATUSES,
    SAVE_PARTNER_ORDER_ACTIVITY,
    PartnerOrderSnapshot,
    PartnerOrderState,
)
from store import SessionFactory
from store.statements import ByDialect
from store.tables import PartnerOrder, SetupToken
from store.transactions import run_transaction

ORDERS = PartnerOrder.__table__
TOKENS = SetupToken.__table__
ROW_COLUMNS = [column.name for column in ORDERS.columns if column.name != "order_id"]

ROW_STATUS = select(ORDERS.c.status).where(ORDERS.c.order_id == bindparam("p_order_id"))
SAVE_ROW = ByDialect(
    lambda insert_: (statement := insert_(ORDERS)).on_conflict_do_update(
        index_elements=["order_id"], set_={name: statement.excluded[name] for name in ROW_COLUMNS}
    )
)
_LIVE_TOKENS = (TOKENS.c.order_id == bindparam("p_order_id")) & TOKENS.c.revoked_at.is_(None)
REVOKE_ALL = update(TOKENS).where(_LIVE_TOKENS).values(revoked_at=bindparam("p_now"))
REVOKE_OLDER = (
    update(TOKENS)
    .where(_LIVE_TOKENS, TOKENS.c.contact_generation < bindparam("p_generation"))
    .values(revoked_at=bindparam("p_now"))
)


class PartnerOrderActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @activity.defn(name=SAVE_PARTNER_ORDER_ACTIVITY)
    async def save_partner_order(self, snapshot: PartnerOrderSnapshot) -> None:
        """Write the order row and, in the same transaction, revoke links that no longer apply. A status the row
        reaches here is counted once the transaction has committed (activities/metrics.py)."""
        state = snapshot.state
        previous = await run_transaction(self._sessions, partial(_save, snapshot, datetime.now(UTC)))
        if previous is None:
            metrics.PARTNER_ORDERS.labels(offer=state.offer.value, status="started").inc()
        if metrics.status_reached(previous, state.status.value):
            metrics.PARTNER_ORDERS.labels(offer=state.offer.value, status=state.status.value).inc()


def _save(snapshot: PartnerOrderSnapshot, now: datetime, session: Session) -> str | None:
    """One transaction of prebuilt statements, run whole (store/transactions.py): this runs at every status change
    of every order. Answers the status the row had before."""
    state = snapshot.state
    previous: str | None = session.execute(ROW_STATUS, {"p_order_id": state.order_id}).scalar()
    session.execute(SAVE_ROW.on(session), _row(snapshot.workflow_id, state, now))
    if state.status in FINAL_STATUSES:
        session.execute(REVOKE_ALL, {"p_order_id": state.order_id, "p_now": now})
    else:
        session.execute(
            REVOKE_OLDER, {"p_order_id": state.order_id, "p_generation": state.contact_generation, "p_now": now}
        )
    return previous


def _row(workflow_id: str, state: PartnerOrderState, now: datetime) -> dict[str, Any]:
    return {
        "order_id": state.order_id,
        "workflow_id": workflow_id,
        "offer": state.offer.value,
        "status": state.status.value,
        "requested_start_date": state.requested_start_date,
        "time_zone": state.time_zone,
        "partner_name": state.partner_name,
        "customer_name": state.customer_name,
        "provisioning_contact_email": str(state.provisioning_contact_email),
        "account_representative_email": str(state.account_representative_email),
        "purchased_services": [service.value for service in state.purchased_services],
        "contact_generation": state.contact_generation,
        "setup_by": state.wizard.setup_by,
        "escalated": state.escalated,
        "starts_at": state.starts_at,
        "escalates_at": state.escalates_at,
        "closes_at": state.closes_at,
        "received_at": state.received_at,
        "updated_at": now,
    }
