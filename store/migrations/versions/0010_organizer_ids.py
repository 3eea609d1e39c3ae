"""organizer ids: an organizer's workflow id carries a random key instead of the e-mail; existing organizers keep
the id their workflow already has

Revision ID: 0010_organizer_ids
Revises: 0009_no_admin_lockout
Create Date: 2026-12-02 02:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_organizer_ids"
down_revision: str | Sequence[str] | None = "0009_no_admin_lockout"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organizer_ids",
        sa.Column("account_no", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("workflow_id", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("account_no", "email"),
        sa.UniqueConstraint("workflow_id"),
    )
    op.execute(
        "INSERT INTO organizer_ids (account_no, email, workflow_id) "
        "SELECT account_no, email, 'organizer-' || account_no || '-' || email FROM organizers"
    )


def downgrade() -> None:
    op.drop_table("organizer_ids")
