"""welcome mails: an account's welcome goes through a workflow; its first password waits sealed until sent, and an
account remembers the request that made it (a retry of the same request answers the account)

Revision ID: 0011_welcome_mails
Revises: 0010_organizer_ids
Create Date: 2026-12-02 05:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_welcome_mails"
down_revision: str | Sequence[str] | None = "0010_organizer_ids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "welcome_mails",
        sa.Column("account_no", sa.String(length=32), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("sealed_password", sa.String(length=400), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("account_no", "sequence"),
    )
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("request_digest", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("request_digest")
    op.drop_table("welcome_mails")
