"""The producer calendar for a booking's planning call and rehearsals (seed 004): the times its producer is free
before the event, and the preparation's claims, kept under their own key (models/assist_preparation.claim_key)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models.assist import PreparationKind
from models.assist_preparation import PreparationHold, PreparationWindow, claim_key
from models.assist_time import SessionTime
from store import assist
from store import assist_calendar as calendar
from store.tables import AssistProducerClaim


async def free_times(
    session: AsyncSession, producer_id: str, key: str, minutes: int, window: PreparationWindow
) -> list[SessionTime]:
    """The times offered for a preparation of ``minutes`` with the producer: what the calendar finds free in the
    window, the preparation's own claims (``key``) counting as free."""
    rows = await session.execute(
        select(AssistProducerClaim.slot_start).where(
            AssistProducerClaim.producer_id == producer_id,
            AssistProducerClaim.slot_start >= window.earliest - timedelta(minutes=minutes),
            AssistProducerClaim.slot_start < window.latest_end,
            AssistProducerClaim.reservation_no != key,
        )
    )
    return calendar.preparation_starts(minutes, window, set(rows.scalars()))


async def hold(session: AsyncSession, request: PreparationHold) -> None:
    """Claim the producer's slots for the preparation instead of its old time. Raises IntegrityError (at the
    latest on commit) when another booking holds one of them: roll back, and the old time is kept."""
    key = claim_key(request.reservation_no, request.kind)
    await assist.claim(session, request.producer_id, key, calendar.slots(request.session, 0))


async def held(session: AsyncSession, request: PreparationHold) -> bool:
    """Whether the preparation holds exactly the request's slots already (an activity's retry)."""
    claims = await assist.claims_of(session, claim_key(request.reservation_no, request.kind))
    return claims == {request.producer_id: set(calendar.slots(request.session, 0))}


async def release(session: AsyncSession, reservation_no: str, kind: PreparationKind) -> int:
    """Free the preparation's slots: how many it held."""
    return await assist.release(session, claim_key(reservation_no, kind))
