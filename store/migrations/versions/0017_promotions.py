"""promotions and billing countries: promotion codes an operator manages, applied at the cart (seed 000); the
account's billing country, whose rate the tax table gives (seed 002)

Revision ID: 0017_promotions
Revises: 0016_password_resets
Create Date: 2026-12-03 17:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_promotions"
down_revision: str | Sequence[str] | None = "0016_password_resets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "promotions",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("percent_off", sa.String(length=8), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("products", sa.JSON(), nullable=False),
        sa.Column("ended", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("billing_country", sa.String(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("billing_country")
    op.drop_table("promotions")
