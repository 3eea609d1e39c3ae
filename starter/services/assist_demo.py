"""The Webex Assist demo data `onramp dev` loads: the site yitong.webex.com (Asia/Taipei; every package, and a
scheduling coordinator), two producers, and sessions of host `yitong-admin` scheduled three to six weeks from today,
so an assist can be ordered for them at once (the seed's two weeks ahead are respected). Loading again changes
nothing, except that a demo session whose time has passed is moved to its new date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from models.assist import Coordinator, Producer
from models.assist_activities import ScheduledSession
from models.assist_time import SessionTime
from store import SessionFactory
from store import assist as store
from store import assist_sites as site_terms

DEMO_SITE = "yitong.webex.com"
DEMO_SITE_NAME = "Yitong Technology"
DEMO_TIME_ZONE = "Asia/Taipei"
DEMO_HOST_ID = "yitong-admin"
DEMO_HOST_EMAIL = "admin@yitong.example"

DEMO_COORDINATOR = Coordinator(name="Ya-ting Wang", email="scheduling@assist.example", phone="+886 2 2723 0000")
"""The demo site's scheduling coordinator, set when the site is created (an operator's change stays)."""

DEMO_PRODUCERS = (
    Producer(producer_id="mei.chen", name="Mei Chen", email="mei.chen@assist.example"),
    Producer(producer_id="jun.lin", name="Jun Lin", email="jun.lin@assist.example"),
)


@dataclass(frozen=True)
class _DemoSession:
    key: str
    topic: str
    kind: Literal["meeting", "training", "event"]
    days_ahead: int
    at: time
    minutes: int
    registrations: int | None = None
    attendees: int | None = None


_SESSIONS = (
    _DemoSession("8800100101", "Quarterly partner briefing", "meeting", 21, time(10, 0), 60),
    _DemoSession("8800100102", "New-hire onboarding: the Yitong platform", "training", 28, time(14, 0), 90),
    _DemoSession("8800100103", "Yitong product launch 2027", "event", 35, time(15, 0), 60, 420, 318),
    _DemoSession("8800100104", "Customer summit keynote", "event", 42, time(9, 30), 120, 1250, 980),
)


def demo_sessions(today: date) -> list[tuple[ScheduledSession, int | None, int | None]]:
    """The demo site's sessions for ``today`` (a date in Asia/Taipei), with their registrations and attendees."""
    return [
        (
            ScheduledSession(
                session_key=demo.key,
                site=DEMO_SITE,
                host_id=DEMO_HOST_ID,
                host_email=DEMO_HOST_EMAIL,
                topic=demo.topic,
                kind=demo.kind,
                session=SessionTime(
                    date=today + timedelta(days=demo.days_ahead),
                    time=demo.at,
                    time_zone=DEMO_TIME_ZONE,
                    duration_minutes=demo.minutes,
                ),
            ),
            demo.registrations,
            demo.attendees,
        )
        for demo in _SESSIONS
    ]


async def ensure_assist_demo(sessions: SessionFactory, now: datetime | None = None) -> bool:
    """Create the demo site, producers and sessions where they are missing: True when anything was written."""
    now = now or datetime.now(ZoneInfo(DEMO_TIME_ZONE))
    today = now.astimezone(ZoneInfo(DEMO_TIME_ZONE)).date()
    wrote = False
    async with sessions.begin() as session:
        if await store.site(session, DEMO_SITE) is None:
            await store.add_site(session, DEMO_SITE, DEMO_SITE_NAME, DEMO_TIME_ZONE)
            await site_terms.set_coordinator(session, DEMO_SITE, DEMO_COORDINATOR)
            wrote = True
        for producer in DEMO_PRODUCERS:
            if await store.producer(session, producer.producer_id) is None:
                await store.add_producer(session, producer)
                wrote = True
        for scheduled, registrations, attendees in demo_sessions(today):
            existing = await store.scheduled_session(session, scheduled.session_key)
            if existing is None or existing.scheduled.session.starts_at < now:
                await store.add_scheduled_session(session, scheduled, registrations=registrations, attendees=attendees)
                wrote = True
    return wrote
