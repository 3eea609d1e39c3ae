"""Billing accounts (seeds 002 and 000): the account and its subscriptions, its enterprise admin and their
sessions, cards and charges of the sandbox gateway, seat orders, the order history and seat assignments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.tables.base import Base


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
    billing_country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166: the tax's, until an order's address
    open_quote_order_no: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(35), default="en")  # the billing contact's, the admin's default
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")  # the order list's dates
    created_at: Mapped[datetime]
    request_digest: Mapped[str | None] = mapped_column(String(64))  # the creating request (a retry is the same)


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


class WelcomeMail(Base):
    """A welcome mail not yet sent, with the first password it carries, sealed (AES-GCM under a key derived from the
    payload key): the mail's workflow takes it from here, so the password is never in a history, and the row is
    deleted once the mail is out."""

    __tablename__ = "welcome_mails"

    account_no: Mapped[str] = mapped_column(String(32), primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, primary_key=True)
    sealed_password: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime]


class EnterpriseAdmin(Base):
    """The account's enterprise admin. The username is the admin e-mail; the password is only a scrypt hash."""

    __tablename__ = "enterprise_admins"

    account_no: Mapped[str] = mapped_column(ForeignKey("accounts.account_no"), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(400))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    password_changed_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(35))  # chosen in the portal; else the account's


class AdminSession(Base):
    """A logged-in enterprise admin (the cookie holds only the random id)."""

    __tablename__ = "admin_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_no: Mapped[str] = mapped_column(ForeignKey("accounts.account_no"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class PaymentCard(Base):
    """A card as the sandbox gateway keeps it: a token, the last four digits, and how the test number behaves. The
    token is the gateway's secret and stays here; workflows, their histories and API clients know the card by its
    reference."""

    __tablename__ = "payment_cards"
    __table_args__ = (UniqueConstraint("reference", name="uq_payment_cards_reference"),)

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    reference: Mapped[str] = mapped_column(String(21))  # card_ and 16 hex digits (CardReference)
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
