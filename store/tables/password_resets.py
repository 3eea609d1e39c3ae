"""An enterprise admin's password reset links (seed 000's login, account recovery): one row per link asked for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.tables.base import Base


class PasswordReset(Base):
    """A "forgot password" link of an account's admin. The row is made when the link is asked for (it is also the
    mail's promise: the worker's relay sends a link whose mail has not gone out); only the SHA-256 of its token is
    kept, set when the mail is written, and the token itself exists only in the e-mail. It works once, until
    ``expires_at``, while no newer link of the account has been asked for (``revoked_at``)."""

    __tablename__ = "password_resets"
    __table_args__ = (UniqueConstraint("account_no", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_no: Mapped[str] = mapped_column(ForeignKey("accounts.account_no"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)  # the mail's: its outbox key is account-<no>/password_reset/<n>
    mail_key: Mapped[str] = mapped_column(String(500), unique=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    mailed_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
