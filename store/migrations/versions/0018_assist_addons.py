"""Webex Assist add-ons and charges: a booking's row keeps the add-ons ordered, the total of its price lines, and
the charge lines recorded for it (a cancellation fee), so listings show what a booking costs without asking its
workflow (seed 004, issue 15)

Revision ID: 0018_assist_addons
Revises: 0017_promotions
Create Date: 2026-12-03 18:40:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_assist_addons"
down_revision: str | Sequence[str] | None = "0017_promotions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assist_bookings") as batch:
        batch.add_column(sa.Column("add_ons", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("total_fee", sa.Numeric(precision=10, scale=2), nullable=True))
        batch.add_column(sa.Column("charges", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assist_bookings") as batch:
        batch.drop_column("charges")
        batch.drop_column("total_fee")
        batch.drop_column("add_ons")
