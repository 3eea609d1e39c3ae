"""outbox requests: a mail the API sends itself keeps its request, so the worker's relay sends it when SMTP was away

Revision ID: 0012_outbox_requests
Revises: 0011_welcome_mails
Create Date: 2026-12-02 07:30:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_outbox_requests"
down_revision: str | Sequence[str] | None = "0011_welcome_mails"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("mail_outbox") as batch:
        batch.add_column(sa.Column("request", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mail_outbox") as batch:
        batch.drop_column("request")
