"""The partner order's tables (seeds 001/003): the order, organizations and their users, the order's setup,
credentials and settings, the subscription and its billing, the Set Up Now links."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from store.tables.base import Base


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
    setup_by: Mapped[str | None] = mapped_column(String(16))  # me | colleague | customer: partner links end at customer
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
    admin_language: Mapped[str | None] = mapped_column(String(35))  # the language its administrator reads
    partner_access: Mapped[bool | None] = mapped_column(Boolean)  # a customer's: may its partner manage it
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
