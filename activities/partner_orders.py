"""Persistence of partner orders: an idempotent upsert of the order at every state change."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from temporalio import activity

from activities import metrics
from models.partner_order import (
    FINAL_STATUSES,
    SAVE_PARTNER_ORDER_ACTIVITY,
    PartnerOrderSnapshot,
)
from store import SessionFactory, setup_tokens
from store.tables import PartnerOrder
from store.upsert import upsert


class PartnerOrderActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @activity.defn(name=SAVE_PARTNER_ORDER_ACTIVITY)
    async def save_partner_order(self, snapshot: PartnerOrderSnapshot) -> None:
        """Write the order row and, in the same transaction, revoke links that no longer apply. A status the row
        reaches here is counted once the transaction has committed (activities/metrics.py)."""
        state = snapshot.state
        now = datetime.now(UTC)
        async with self._sessions.begin() as session:
            previous = await session.scalar(select(PartnerOrder.status).where(PartnerOrder.order_id == state.order_id))
            await upsert(
                session,
                PartnerOrder,
                {
                    "order_id": state.order_id,
                    "workflow_id": snapshot.workflow_id,
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
                },
                key=["order_id"],
            )
            if state.status in FINAL_STATUSES:
                await setup_tokens.revoke_all(session, state.order_id, now)
            else:
                await setup_tokens.revoke_older_generations(session, state.order_id, state.contact_generation, now)
        if previous is None:
            metrics.PARTNER_ORDERS.labels(offer=state.offer.value, status="started").inc()
        if metrics.status_reached(previous, state.status.value):
            metrics.PARTNER_ORDERS.labels(offer=state.offer.value, status=state.status.value).inc()
