"""The enterprise admin's organizer accounts (seed 000) and their activation links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from store.tables.base import Base


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
    language: Mapped[str | None] = mapped_column(String(35))  # their mails' and pages' (the admin's by default)
    invited_at: Mapped[datetime]
    activated_at: Mapped[datetime | None]
    removed_at: Mapped[datetime | None]
    # The workflow run that created the row (OrganizerAccountWorkflow): a retried activity recognises its own write.
    creation_id: Mapped[str | None] = mapped_column(String(64))


class OrganizerId(Base):
    """Which workflow is an organizer's: its id carries a random key, never the e-mail (ids are not encrypted).
    One row per account and e-mail, made before the workflow starts, so the id stays the business key: a second
    create finds the same workflow."""

    __tablename__ = "organizer_ids"

    account_no: Mapped[str] = mapped_column(String(40), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), primary_key=True)
    workflow_id: Mapped[str] = mapped_column(String(400), unique=True)


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
