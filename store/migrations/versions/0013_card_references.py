"""card references: a card has a reference that is safe in a workflow's history, so its gateway token stays in the
database; existing cards get one of their own

Revision ID: 0013_card_references
Revises: 0012_outbox_requests
Create Date: 2026-12-03 09:00:00.000000

"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_card_references"
down_revision: str | Sequence[str] | None = "0012_outbox_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CARDS = sa.table("payment_cards", sa.column("token", sa.String()), sa.column("reference", sa.String()))


def upgrade() -> None:
    with op.batch_alter_table("payment_cards") as batch:
        batch.add_column(sa.Column("reference", sa.String(length=21), nullable=True))
    bind = op.get_bind()
    for token in bind.execute(sa.select(CARDS.c.token)).scalars().all():
        reference = "card_" + secrets.token_hex(8)  # as store/cards.py makes one
        bind.execute(sa.update(CARDS).where(CARDS.c.token == token).values(reference=reference))
    with op.batch_alter_table("payment_cards") as batch:
        batch.alter_column("reference", existing_type=sa.String(length=21), nullable=False)
        batch.create_unique_constraint("uq_payment_cards_reference", ["reference"])


def downgrade() -> None:
    with op.batch_alter_table("payment_cards") as batch:
        batch.drop_constraint("uq_payment_cards_reference", type_="unique")
        batch.drop_column("reference")
