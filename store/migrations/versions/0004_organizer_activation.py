"""organizer activation: activation links (hashed tokens) and the creating workflow run on organizers

Revision ID: 0004_organizer_activation
Revises: 0003_accounts
Create Date: 2026-11-22 09:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004_organizer_activation"
down_revision: str | Sequence[str] | None = "0003_accounts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "activation_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("workflow_id", sa.String(length=400), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("mail_key", sa.String(length=500), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mail_key"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("activation_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activation_tokens_workflow_id"), ["workflow_id"], unique=False)

    with op.batch_alter_table("organizers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("creation_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("organizers", schema=None) as batch_op:
        batch_op.drop_column("creation_id")

    with op.batch_alter_table("activation_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_activation_tokens_workflow_id"))

    op.drop_table("activation_tokens")
