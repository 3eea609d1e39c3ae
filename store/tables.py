"""The tables onramp keeps. Alembic migrations (store/migrations) create them; keep both in step."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """An aware datetime stored in UTC. SQLite keeps no offset, so one is put back on the way out."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: give a time zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON, list[str]: JSON}


class PartnerOrder(Base):
    __tablename__ = "partner_orders"

    order_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    workflow_id: Mapped[str] = mapped_column(String(100), unique=True)
    offer: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(32))
    requested_start_date: Mapped[date] = mapped_column(Date)
    time_zone: Mapped[str] = mapped_column(String(64))
    partner_name: Mapped[str] = mapped_column(String(200))
    customer_name: Mapped[str] = mapped_column(String(200))
    provisioning_contact_email: Mapped[str] = mapped_column(String(320))
    account_representative_email: Mapped[str] = mapped_column(String(320))
    purchased_services: Mapped[list[str]]
    contact_generation: Mapped[int] = mapped_column(Integer, default=1)
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    starts_at: Mapped[datetime]
    escalates_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    received_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Organization(Base):
    """A Webex organization: a partner's or a customer's. A user (admin e-mail) belongs to one org only."""

    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # partner | customer
    name: Mapped[str] = mapped_column(String(200), index=True)
    admin_email: Mapped[str | None] = mapped_column(String(320), unique=True)
    email_domain: Mapped[str | None] = mapped_column(String(255), index=True)
    subdomain: Mapped[str | None] = mapped_column(String(63), unique=True)
    country: Mapped[str | None] = mapped_column(String(2))
    address: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime]


class OrgUser(Base):
    """A user of a Webex organization. The primary key is the e-mail: a user belongs to one organization only."""

    __tablename__ = "org_users"

    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # admin | user
    created_at: Mapped[datetime]


class OrderSetup(Base):
    """The point of no return: the order mapped to its partner and customer organizations."""

    __tablename__ = "order_setups"

    order_id: Mapped[str] = mapped_column(ForeignKey("partner_orders.order_id"), primary_key=True)
    partner_org_id: Mapped[str | None] = mapped_column(ForeignKey("organizations.id"))  # None: customer set up alone
    customer_org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    customer_admin_email: Mapped[str] = mapped_column(String(320))
    partner_access: Mapped[bool] = mapped_column(Boolean)
    set_up_by: Mapped[str] = mapped_column(String(320))
    set_up_at: Mapped[datetime]


class OrgCredential(Base):
    """An organization's password, as a scrypt hash only. Written by the API; no workflow ever sees it."""

    __tablename__ = "org_credentials"

    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(400))
    set_at: Mapped[datetime]


class OrgSettings(Base):
    """One service setup page's saved values (calling, meetings, subscription review)."""

    __tablename__ = "org_settings"

    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"), primary_key=True)
    section: Mapped[str] = mapped_column(String(32), primary_key=True)
    values: Mapped[dict[str, Any]]
    order_id: Mapped[str] = mapped_column(String(64))
    saved_at: Mapped[datetime]


class Subscription(Base):
    __tablename__ = "subscriptions"

    order_id: Mapped[str] = mapped_column(ForeignKey("partner_orders.order_id"), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    status: Mapped[str] = mapped_column(String(16))  # active
    activated_at: Mapped[datetime]


class BillingRecord(Base):
    """Billing started for one purchased service of an order."""

    __tablename__ = "billing_records"

    order_id: Mapped[str] = mapped_column(ForeignKey("partner_orders.order_id"), primary_key=True)
    service: Mapped[str] = mapped_column(String(32), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id"))
    starts_at: Mapped[datetime]
    created_at: Mapped[datetime]


class SetupToken(Base):
    """A Set Up Now link. Only the SHA-256 of the token is kept; the token itself exists only in the e-mail."""

    __tablename__ = "setup_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("partner_orders.order_id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    mail_key: Mapped[str] = mapped_column(String(300), unique=True)
    contact_email: Mapped[str] = mapped_column(String(320))
    contact_generation: Mapped[int] = mapped_column(Integer)
    audience: Mapped[str] = mapped_column(String(16), default="partner", server_default="partner")
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class OutboxMail(Base):
    """Every e-mail onramp sends, keyed by (workflow id, purpose, sequence): a retry never sends it twice."""

    __tablename__ = "mail_outbox"
    __table_args__ = (UniqueConstraint("workflow_id", "purpose", "sequence", name="uq_mail_outbox_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workflow_id: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(Integer)
    recipient: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(16))
    template: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))  # pending | sent
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


# ------------------------------------------------------------------------------------------------ accounts (issue 4)


class Account(Base):
    """A billing account: the company, its contacts, how it pays, whether it may serve itself."""

    __tablename__ = "accounts"

    account_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    customer_name: Mapped[str] = mapped_column(String(200))
    customer_type: Mapped[str] = mapped_column(String(40))
    billing_contact_email: Mapped[str] = mapped_column(String(320))
    billing_contact_name: Mapped[str] = mapped_column(String(200))
    self_service: Mapped[bool] = mapped_column(Boolean)
    payment_method: Mapped[str] = mapped_column(String(16))  # card | invoice
    card_token: Mapped[str | None] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    tax_rate: Mapped[str] = mapped_column(String(16))  # a Decimal, as text: exact on every database
    company: Mapped[dict[str, Any]]  # seed 000's company fields (CompanyInfo, minus the admin e-mail)
    billing_address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    open_quote_order_no: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]


class AccountSubscription(Base):
    """Seats of one product edition. `used` counts the organizer accounts holding a license (never above seats)."""

    __tablename__ = "account_subscriptions"

    account_no: Mapped[str] = mapped_column(ForeignKey("accounts.account_no"), primary_key=True)
    product: Mapped[str] = mapped_column(String(40), primary_key=True)
    edition: Mapped[str] = mapped_column(String(20), primary_key=True)
    seats: Mapped[int] = mapped_column(Integer)
    used: Mapped[int] = mapped_column(Integer, default=0)
    unit_price: Mapped[str] = mapped_column(String(16))
    renewal_date: Mapped[date] = mapped_column(Date)


class EnterpriseAdmin(Base):
    """The account's enterprise admin. The username is the admin e-mail; the password is only a scrypt hash."""

    __tablename__ = "enterprise_admins"

    account_no: Mapped[str] = mapped_column(ForeignKey("accounts.account_no"), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(400))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    password_changed_at: Mapped[datetime | None]
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None]


class AdminSession(Base):
    """A logged-in enterprise admin (the cookie holds only the random id)."""

    __tablename__ = "admin_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_no: Mapped[str] = mapped_column(ForeignKey("accounts.account_no"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class PaymentCard(Base):
    """A card as the sandbox gateway keeps it: a token, the last four digits, and how the test number behaves."""

    __tablename__ = "payment_cards"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_no: Mapped[str] = mapped_column(ForeignKey("accounts.account_no"), index=True)
    brand: Mapped[str] = mapped_column(String(20))
    last4: Mapped[str] = mapped_column(String(4))
    expiry: Mapped[str] = mapped_column(String(7))  # MM/YYYY
    behaviour: Mapped[str] = mapped_column(String(16))  # approve | decline | flaky | outage
    created_at: Mapped[datetime]


class GatewayCharge(Base):
    """A charge, keyed by its idempotency key: a second charge with the same key returns the first result."""

    __tablename__ = "gateway_charges"

    idempotency_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    account_no: Mapped[str] = mapped_column(String(32), index=True)
    card_token: Mapped[str] = mapped_column(String(64))
    amount: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    outcome: Mapped[str] = mapped_column(String(16))  # approved | declined
    reason: Mapped[str | None] = mapped_column(Text)
    reference: Mapped[str] = mapped_column(String(40))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime]


class GatewayAttempt(Base):
    """Transient failures seen per idempotency key (the sandbox's 'flaky' and 'outage' cards fail first, then answer)."""

    __tablename__ = "gateway_attempts"

    idempotency_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)


class SeatOrderRow(Base):
    """A seat order as the portal lists it."""

    __tablename__ = "seat_orders"

    order_no: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_no: Mapped[str] = mapped_column(ForeignKey("accounts.account_no"), index=True)
    status: Mapped[str] = mapped_column(String(24))
    quote: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    total: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class AccountOrder(Base):
    """One line of the account's order history (seed 000's order list): an 'account increase' with its running
    total of seats for that product edition."""

    __tablename__ = "account_orders"
    __table_args__ = (UniqueConstraint("order_no", "product", "edition", name="uq_account_orders_line"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_no: Mapped[str] = mapped_column(ForeignKey("accounts.account_no"), index=True)
    order_no: Mapped[str] = mapped_column(String(40))
    ordered_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(40))  # account increase
    product: Mapped[str] = mapped_column(String(40))
    edition: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[int] = mapped_column(Integer)
    running_total: Mapped[int] = mapped_column(Integer)
    payment_type: Mapped[str] = mapped_column(String(40))
    invoice_type: Mapped[str] = mapped_column(String(40))
    customer_type: Mapped[str] = mapped_column(String(40))
    promotion: Mapped[str | None] = mapped_column(String(80))
    expires_at: Mapped[date | None] = mapped_column(Date)
    available: Mapped[bool] = mapped_column(Boolean, default=True)


class SeatAssignment(Base):
    """The admin contact of a seat order holds a seat of each product in the quote (seed 002)."""

    __tablename__ = "seat_assignments"

    account_no: Mapped[str] = mapped_column(ForeignKey("accounts.account_no"), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    product: Mapped[str] = mapped_column(String(40), primary_key=True)
    edition: Mapped[str] = mapped_column(String(20))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    order_no: Mapped[str] = mapped_column(String(40))
    assigned_at: Mapped[datetime]


class Organizer(Base):
    """An organizer account (seed 000), holding one license of its product edition while it exists."""

    __tablename__ = "organizers"

    account_no: Mapped[str] = mapped_column(ForeignKey("accounts.account_no"), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100))
    product: Mapped[str] = mapped_column(String(40))
    edition: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(16))  # invited | active | removed
    invited_at: Mapped[datetime]
    activated_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]
    # The workflow run that created the row (OrganizerAccountWorkflow): a retried activity recognises its own write.
    creation_id: Mapped[str | None] = mapped_column(String(64))


class ActivationToken(Base):
    """An activation link (an organizer's invitation, seed 000). Only the SHA-256 of the token is kept; the token
    itself exists only in the e-mail. It works while unexpired, unrevoked and unused."""

    __tablename__ = "activation_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    purpose: Mapped[str] = mapped_column(String(32))  # organizer
    workflow_id: Mapped[str] = mapped_column(String(400), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    mail_key: Mapped[str] = mapped_column(String(500), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


# ------------------------------------------------------------------------------------------ Webex Assist (issue 5)


class AssistSite(Base):
    """A Webex site assists are booked for, by its host name (yitong.webex.com)."""

    __tablename__ = "assist_sites"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    time_zone: Mapped[str] = mapped_column(String(64))


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
    updated_at: Mapped[datetime]


class AssistRecording(Base):
    """A session's recording, posted to the customer's Webex site after an Event Center assist."""

    __tablename__ = "assist_recordings"

    reservation_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    site: Mapped[str] = mapped_column(String(255))
    session_key: Mapped[str | None] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(500))
    posted_at: Mapped[datetime]
