"""site terms: a Webex site keeps the Assist packages its contract includes and its scheduling coordinator (name,
e-mail, phone), seed 004 (issue 15); every existing site keeps all four packages

Revision ID: 0020_site_terms
Revises: 0019_partner_access
Create Date: 2026-12-04 01:30:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_site_terms"
down_revision: str | Sequence[str] | None = "0019_partner_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ALL_PACKAGES = ["ec_premium", "ec_standard", "tc_premium", "mc_premium"]
"""The four packages as the seed's table lists them (models/assist_sites.ALL_PACKAGES, written out: a migration
does not follow the code's later changes)."""


def upgrade() -> None:
    with op.batch_alter_table("assist_sites") as batch:
        batch.add_column(sa.Column("packages", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("coordinator_name", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("coordinator_email", sa.String(length=320), nullable=True))
        batch.add_column(sa.Column("coordinator_phone", sa.String(length=31), nullable=True))
    sites = sa.table("assist_sites", sa.column("packages", sa.JSON()))
    op.execute(sites.update().values(packages=ALL_PACKAGES))


def downgrade() -> None:
    with op.batch_alter_table("assist_sites") as batch:
        batch.drop_column("coordinator_phone")
        batch.drop_column("coordinator_email")
        batch.drop_column("coordinator_name")
        batch.drop_column("packages")
