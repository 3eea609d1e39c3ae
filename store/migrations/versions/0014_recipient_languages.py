"""recipient languages: an account's language (its billing contact's, its admin's default) and time zone, the
enterprise admin's own choice, an organizer's, and the language an organization's administrator reads

Revision ID: 0014_recipient_languages
Revises: 0013_card_references
Create Date: 2026-12-04 09:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_recipient_languages"
down_revision: str | Sequence[str] | None = "0013_card_references"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as batch:
        batch.add_column(sa.Column("language", sa.String(length=35), nullable=False, server_default="en"))
        batch.add_column(sa.Column("time_zone", sa.String(length=64), nullable=False, server_default="UTC"))
    with op.batch_alter_table("enterprise_admins") as batch:
        batch.add_column(sa.Column("language", sa.String(length=35), nullable=True))
    with op.batch_alter_table("organizers") as batch:
        batch.add_column(sa.Column("language", sa.String(length=35), nullable=True))
    with op.batch_alter_table("organizations") as batch:
        batch.add_column(sa.Column("admin_language", sa.String(length=35), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("organizations") as batch:
        batch.drop_column("admin_language")
    with op.batch_alter_table("organizers") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("enterprise_admins") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("accounts") as batch:
        batch.drop_column("time_zone")
        batch.drop_column("language")
