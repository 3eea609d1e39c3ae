"""A Webex Assist booking's planning call and rehearsals from the client side (API, pages, CLI): the times its
producer is free for each before the event. The pick is the workflow's `schedule_preparation` Update, which holds
the producer race-safe; these offers are a read."""

from __future__ import annotations

from datetime import datetime

from models.assist import AssistBookingState, AssistStatus
from models.assist_preparation import PreparationOffer, claim_key, preparation_window
from store import SessionFactory
from store import assist_preparation as store


async def offers(sessions: SessionFactory, state: AssistBookingState, now: datetime) -> list[PreparationOffer]:
    """Each preparation of the booking, its time if it has one, and the times offered for it (none once the
    booking is no longer confirmed)."""
    window = preparation_window(state.session, state.availability.package, state.policy, now)
    producer = state.producer.producer_id if state.producer else None
    found: list[PreparationOffer] = []
    async with sessions() as session:
        for preparation in state.preparations:
            times = []
            if producer is not None and state.status is AssistStatus.CONFIRMED:
                key = claim_key(state.reservation_no, preparation.kind)
                times = await store.free_times(session, producer, key, preparation.minutes, window)
            found.append(
                PreparationOffer(
                    kind=preparation.kind,
                    minutes=preparation.minutes,
                    session=preparation.session,
                    released=preparation.released,
                    offers=times,
                )
            )
    return found
