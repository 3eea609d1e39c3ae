"""first purchases: every account's opening seats are row 1 of its order list (seed 000), so the running totals
of later increases add up; existing accounts get theirs, dated when the account was opened

Revision ID: 0015_first_purchases
Revises: 0014_recipient_languages
Create Date: 2026-12-05 09:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_first_purchases"
down_revision: str | Sequence[str] | None = "0014_recipient_languages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACCOUNTS = sa.table(
    "accounts",
    sa.column("account_no", sa.String()),
    sa.column("customer_type", sa.String()),
    sa.column("created_at", sa.DateTime()),
)
SUBSCRIPTIONS = sa.table(
    "account_subscriptions",
    sa.column("account_no", sa.String()),
    sa.column("product", sa.String()),
    sa.column("edition", sa.String()),
    sa.column("seats", sa.Integer()),
    sa.column("renewal_date", sa.Date()),
)
ORDERS = sa.table(
    "account_orders",
    sa.column("account_no", sa.String()),
    sa.column("order_no", sa.String()),
    sa.column("ordered_at", sa.DateTime()),
    sa.column("kind", sa.String()),
    sa.column("product", sa.String()),
    sa.column("edition", sa.String()),
    sa.column("quantity", sa.Integer()),
    sa.column("running_total", sa.Integer()),
    sa.column("payment_type", sa.String()),
    sa.column("invoice_type", sa.String()),
    sa.column("customer_type", sa.String()),
    sa.column("promotion", sa.String()),
    sa.column("expires_at", sa.Date()),
    sa.column("available", sa.Boolean()),
)


def upgrade() -> None:
    """The opening seats of an edition are what it holds now less what the recorded increases added."""
    bind = op.get_bind()
    accounts = bind.execute(sa.select(ACCOUNTS)).all()
    for account in accounts:
        lines = bind.execute(sa.select(SUBSCRIPTIONS).where(SUBSCRIPTIONS.c.account_no == account.account_no)).all()
        for line in lines:
            if bind.execute(
                sa.select(ORDERS.c.order_no).where(
                    ORDERS.c.order_no == account.account_no,
                    ORDERS.c.product == line.product,
                    ORDERS.c.edition == line.edition,
                )
            ).first():
                continue
            added = bind.execute(
                sa.select(sa.func.coalesce(sa.func.sum(ORDERS.c.quantity), 0)).where(
                    ORDERS.c.account_no == account.account_no,
                    ORDERS.c.product == line.product,
                    ORDERS.c.edition == line.edition,
                )
            ).scalar_one()
            opening = line.seats - int(added)
            if opening <= 0:
                continue
            bind.execute(
                sa.insert(ORDERS).values(
                    account_no=account.account_no,
                    order_no=account.account_no,
                    ordered_at=account.created_at,
                    kind="account increase",
                    product=line.product,
                    edition=line.edition,
                    quantity=opening,
                    running_total=opening,
                    payment_type="",
                    invoice_type="",
                    customer_type=account.customer_type,
                    promotion=None,
                    expires_at=line.renewal_date,
                    available=True,
                )
            )


def downgrade() -> None:
    op.execute(sa.delete(ORDERS).where(ORDERS.c.order_no == ORDERS.c.account_no))
