"""A Webex Assist booking's planning call and rehearsals with its producer (seed 004): hold one at a time the
customer picked, and release one. Both are idempotent: a retry finds its own claims. A hold is race-safe by the
claims' primary key, as the event's hold is (activities/assist.py)."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from temporalio import activity

from models.assist_preparation import PreparationHold, PreparationRelease
from store import SessionFactory
from store import assist_preparation as store


class AssistPreparationActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @activity.defn
    async def hold_preparation(self, request: PreparationHold) -> bool:
        """Hold the producer for the preparation at its new time: False when another booking holds part of it (the
        old time, if any, is kept)."""
        async with self._sessions() as session:
            if await store.held(session, request):
                return True
        try:
            async with self._sessions.begin() as session:
                await store.hold(session, request)
        except IntegrityError:
            return False
        return True

    @activity.defn
    async def release_preparation(self, request: PreparationRelease) -> bool:
        """Free the preparation's time: True when it held one."""
        async with self._sessions.begin() as session:
            return await store.release(session, request.reservation_no, request.kind) > 0
