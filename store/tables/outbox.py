"""The e-mail outbox: one row per mail, keyed by (workflow id, purpose, sequence)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.tables.base import Base


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
    # The whole request of a mail sent from outside a workflow (by the API), so the worker's relay can send it again
    # when SMTP was away; a workflow's mail is retried by its activity and keeps none. Never a mail with a secret.
    request: Mapped[dict[str, Any] | None] = mapped_column(JSON)
