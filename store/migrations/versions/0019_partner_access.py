"""partner access: a customer organization records whether the partner may manage it, and an order whether the
customer sets it up ("the customer will set up", seeds 001/003), so the partner's links stop opening it

Revision ID: 0019_partner_access
Revises: 0018_assist_addons
Create Date: 2026-12-03 18:40:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_partner_access"
down_revision: str | Sequence[str] | None = "0018_assist_addons"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(sa.Column("partner_access", sa.Boolean(), nullable=True))
    with op.batch_alter_table("partner_orders") as batch:
        batch.add_column(sa.Column("setup_by", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("partner_orders") as batch:
        batch.drop_column("setup_by")
    with op.batch_alter_table("organizations") as batch:
        batch.drop_column("partner_access")
