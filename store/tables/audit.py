"""Who did what: one row per action a caller took (an API call that changes something, a CLI command that acts),
with the actor named by the credential, never by a free-text field."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from store.tables.base import Base


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_target", "target"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    """api-key:<name>, jwt:<subject>, admin:<e-mail>, link:<audience>, customer, anonymous."""
    action: Mapped[str] = mapped_column(String(200))
    """The route (method and path template, never a token) or the CLI command."""
    target: Mapped[str | None] = mapped_column(String(200))
    """The business key acted on: an order, account, booking or organizer."""
    outcome: Mapped[str] = mapped_column(String(60))
    """The HTTP status, or the refusal's type."""
    via: Mapped[str] = mapped_column(String(10))
    """api or cli."""
