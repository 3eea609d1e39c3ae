"""Set Up Now tokens: minted for one e-mail, stored as a hash, valid while the order is waiting to be set up."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import PartnerOrder, SetupToken
from store.upsert import upsert

LINK_DEAD_STATUSES = frozenset({"provisioned", "closed", "halted"})
CUSTOMER = "customer"  # partner_orders.setup_by once "the customer will set up": the partner's links end
TOKEN_BYTES = 32  # 256 bits from the OS's CSPRNG: unguessable


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def mint(
    session: AsyncSession,
    *,
    order_id: str,
    token: str,
    mail_key: str,
    contact_email: str,
    contact_generation: int,
    expires_at: datetime,
    now: datetime,
    audience: str = "partner",
) -> str:
    """Keep ``token`` (its hash) for the mail ``mail_key``. A retry of the same mail brings the same token and
    changes nothing (a link revoked meanwhile stays revoked); a different one replaces the earlier token."""
    kept = await session.scalar(select(SetupToken.token_hash).where(SetupToken.mail_key == mail_key))
    if kept == hash_token(token):
        return token
    await upsert(
        session,
        SetupToken,
        {
            "order_id": order_id,
            "token_hash": hash_token(token),
            "mail_key": mail_key,
            "contact_email": contact_email,
            "contact_generation": contact_generation,
            "audience": audience,
            "created_at": now,
            "expires_at": expires_at,
            "revoked_at": None,
        },
        key=["mail_key"],
    )
    return token


async def revoke_older_generations(session: AsyncSession, order_id: str, generation: int, now: datetime) -> None:
    await session.execute(
        update(SetupToken)
        .where(SetupToken.order_id == order_id, SetupToken.contact_generation < generation)
        .where(SetupToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def revoke_all(session: AsyncSession, order_id: str, now: datetime) -> None:
    await session.execute(
        update(SetupToken)
        .where(SetupToken.order_id == order_id, SetupToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def find_valid(session: AsyncSession, token: str, now: datetime) -> SetupToken | None:
    """The token's row when the link still works: not revoked, not expired, for the order's current contact."""
    row = (
        await session.execute(
            select(SetupToken, PartnerOrder.contact_generation, PartnerOrder.status, PartnerOrder.setup_by)
            .join(PartnerOrder, PartnerOrder.order_id == SetupToken.order_id)
            .where(SetupToken.token_hash == hash_token(token))
        )
    ).one_or_none()
    if row is None:
        return None
    found, current_generation, status, setup_by = row
    if found.revoked_at is not None or found.expires_at <= now or found.contact_generation != current_generation:
        return None
    if status in LINK_DEAD_STATUSES:  # also covers a link minted by a late mail retry after the order ended
        return None
    if found.audience == "partner" and setup_by == CUSTOMER:  # whatever minted it, no partner link opens the order
        return None
    return found


async def left_to_customer(session: AsyncSession, token: str) -> bool:
    """Whether ``token`` is a partner's link to an open order the partner left to the customer ("the customer will
    set up"): its page says that the customer is setting up, not only that the link stopped working."""
    row = (
        await session.execute(
            select(SetupToken.audience, PartnerOrder.setup_by, PartnerOrder.status)
            .join(PartnerOrder, PartnerOrder.order_id == SetupToken.order_id)
            .where(SetupToken.token_hash == hash_token(token))
        )
    ).one_or_none()
    if row is None:
        return False
    audience, setup_by, status = row
    return audience == "partner" and setup_by == CUSTOMER and status not in LINK_DEAD_STATUSES
