"""Webex Assist test helpers: a site with producers and scheduled sessions, and the ordering steps over HTTP."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from models.assist import Producer
from models.assist_activities import ScheduledSession
from models.assist_time import SessionTime
from store import SessionFactory
from store import assist as store


def uid() -> str:
    return uuid.uuid4().hex[:8]


async def new_site(sessions: SessionFactory, producers: int = 2, time_zone: str = "Asia/Taipei") -> str:
    """A site of the test's own and `producers` more producers in the (shared) producer calendar."""
    name = f"t{uid()}.webex.com"
    async with sessions() as session, session.begin():
        await store.add_site(session, name, f"Test site {name}", time_zone)
        for _ in range(producers):
            tag = uid()
            await store.add_producer(
                session,
                Producer(producer_id=f"p-{tag}", name=f"Producer {tag}", email=f"producer-{tag}@assist.example"),
            )
    return name


async def schedule(
    sessions: SessionFactory,
    site: str,
    when: SessionTime,
    *,
    host_id: str = "host-1",
    host_email: str = "host@customer.example",
    topic: str = "Quarterly all-hands",
    kind: str = "event",
    registrations: int | None = None,
    attendees: int | None = None,
) -> ScheduledSession:
    scheduled = ScheduledSession(
        session_key=store.new_session_key(),
        site=site,
        host_id=host_id,
        host_email=host_email,
        topic=topic,
        kind=kind,  # type: ignore[arg-type]
        session=when,
    )
    async with sessions() as session, session.begin():
        await store.add_scheduled_session(session, scheduled, registrations=registrations, attendees=attendees)
    return scheduled


def session_at(
    now: datetime, days: int, at: time = time(15, 0), zone: str = "Asia/Taipei", minutes: int = 60
) -> SessionTime:
    day: date = (now.astimezone(ZoneInfo(zone)) + timedelta(days=days)).date()
    return SessionTime(date=day, time=at, time_zone=zone, duration_minutes=minutes)


def availability(
    site: str, when: SessionTime, package: str = "ec_standard", email: str | None = None
) -> dict[str, Any]:
    return {
        "customer": {
            "first_name": "Mei",
            "last_name": "Lin",
            "phone": "+886 2 1234 5678",
            "email": email or f"mei-{uid()}@customer.example",
            "company": "Yitong Trading",
        },
        "site": site,
        "package": package,
        "session": when.model_dump(mode="json"),
    }


def proof(source: dict[str, Any]) -> dict[str, str]:
    """The header that proves a booking over the API: the contact e-mail of an order's body, or of a state."""
    state = source.get("state", source)
    customer = source["customer"] if "customer" in source else state["availability"]["customer"]
    return {"X-Contact-Email": str(customer["email"])}


async def start_order(http: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await http.post("/api/assist/bookings", json=body)
    assert response.status_code == 201, response.text
    started: dict[str, Any] = response.json()
    return started


async def book(
    http: httpx.AsyncClient,
    body: dict[str, Any],
    lookup: dict[str, Any] | None = None,
    event_info: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """All four ordering steps; returns the submit's answer (confirmed, or alternatives)."""
    started = await start_order(http, body)
    assert started["check"]["available"], started
    number = started["reservation_no"]
    mine = proof(body)
    looked = await http.post(
        f"/api/assist/bookings/{number}/lookup", json=lookup or {"scheduled": "by_someone_else"}, headers=mine
    )
    assert looked.status_code == 200, looked.text
    info = await http.post(
        f"/api/assist/bookings/{number}/event-info",
        json=event_info or {"topic": "Product launch", "comments": "Hi"},
        headers=mine,
    )
    assert info.status_code == 200, info.text
    submitted = await http.post(f"/api/assist/bookings/{number}/submit", json={}, headers=mine)
    assert submitted.status_code == 200, submitted.text
    answer: dict[str, Any] = submitted.json()
    return answer
