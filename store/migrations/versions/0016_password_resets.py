"""password resets: single-use, hashed links an enterprise admin who forgot the password gets by mail

Revision ID: 0016_password_resets
Revises: 0015_first_purchases
Create Date: 2026-12-03 17:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_password_resets"
down_revision: str | Sequence[str] | None = "0015_first_purchases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "password_resets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_no", sa.String(length=32), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("mail_key", sa.String(length=500), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_no"], ["accounts.account_no"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("account_no", "sequence"),
        sa.UniqueConstraint("mail_key"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("password_resets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_resets_account_no"), ["account_no"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("password_resets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_resets_account_no"))

    op.drop_table("password_resets")
