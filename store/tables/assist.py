"""Webex Assist (seed 004): the Webex sites and their scheduled sessions, the producers and the producer
calendar's claims, bookings and recordings."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, Numeric, String, Time
from sqlalchemy.orm import Mapped, mapped_column

from store.tables.base import Base


class AssistSite(Base):
    """A Webex site assists are booked for, by its host name (yitong.webex.com)."""

    __tablename__ = "assist_sites"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64))
    # the site's terms (store/assist_sites.py): the packages its contract includes (None: all four) and its
    # scheduling coordinator (None: none set)
    packages: Mapped[list[str] | None] = mapped_column(JSON)
    coordinator_name: Mapped[str | None] = mapped_column(String(200))
    coordinator_email: Mapped[str | None] = mapped_column(String(320))
    coordinator_phone: Mapped[str | None] = mapped_column(String(31))


class AssistScheduledSession(Base):
    """A meeting, training session or event scheduled on a Webex site: this table stands for the Webex site."""

    __tablename__ = "assist_scheduled_sessions"
    __table_args__ = (Index("ix_assist_scheduled_sessions_host", "site", "host_id"),)

    session_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    site: Mapped[str] = mapped_column(ForeignKey("assist_sites.name"))
    host_id: Mapped[str] = mapped_column(String(64))
    host_email: Mapped[str] = mapped_column(String(320))
    topic: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # meeting | training | event
    local_date: Mapped[date] = mapped_column(Date)
    local_time: Mapped[time] = mapped_column(Time)
    time_zone: Mapped[str] = mapped_column(String(64))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime]
    registrations: Mapped[int | None] = mapped_column(Integer)
    attendees: Mapped[int | None] = mapped_column(Integer)


class AssistProducer(Base):
    """A Webex Assist producer (the team is shared by every site)."""

    __tablename__ = "assist_producers"

    producer_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))


class AssistProducerClaim(Base):
    """The producer calendar: one row per producer and 15-minute slot (UTC) a booking holds. The primary key makes
    a double booking impossible: two holds of one slot cannot both commit."""

    __tablename__ = "assist_producer_claims"

    producer_id: Mapped[str] = mapped_column(ForeignKey("assist_producers.producer_id"), primary_key=True)
    slot_start: Mapped[datetime] = mapped_column(primary_key=True)
    reservation_no: Mapped[str] = mapped_column(String(32), index=True)


class AssistBooking(Base):
    """An assist booking as listings and find-my-booking read it; AssistBookingWorkflow stays the source of truth."""

    __tablename__ = "assist_bookings"

    reservation_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    site: Mapped[str] = mapped_column(String(255), index=True)
    package: Mapped[str] = mapped_column(String(16))
    local_date: Mapped[date] = mapped_column(Date)
    local_time: Mapped[time] = mapped_column(Time)
    time_zone: Mapped[str] = mapped_column(String(64))
    duration_minutes: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime]
    contact_email: Mapped[str] = mapped_column(String(320))
    company: Mapped[str] = mapped_column(String(200))
    producer_id: Mapped[str | None] = mapped_column(String(64))
    standard_fee: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    cancellation_fee: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    add_ons: Mapped[list[str] | None] = mapped_column(JSON)
    total_fee: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    charges: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class AssistRecording(Base):
    """A session's recording, posted to the customer's Webex site after an Event Center assist."""

    __tablename__ = "assist_recordings"

    reservation_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    site: Mapped[str] = mapped_column(String(255))
    session_key: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(500))
    posted_at: Mapped[datetime]
