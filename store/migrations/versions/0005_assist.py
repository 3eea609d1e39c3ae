"""webex assist: sites and their scheduled sessions, producers and their calendar, bookings, recordings

Revision ID: 0005_assist
Revises: 0004_organizer_activation
Create Date: 2026-11-21 23:24:11.020754

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0005_assist"
down_revision: str | Sequence[str] | None = "0004_organizer_activation"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "assist_sites",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "assist_scheduled_sessions",
        sa.Column("session_key", sa.String(length=64), nullable=False),
        sa.Column("site", sa.String(length=255), nullable=False),
        sa.Column("host_id", sa.String(length=64), nullable=False),
        sa.Column("host_email", sa.String(length=320), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("local_time", sa.Time(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registrations", sa.Integer(), nullable=True),
        sa.Column("attendees", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["site"],
            ["assist_sites.name"],
        ),
        sa.PrimaryKeyConstraint("session_key"),
    )
    with op.batch_alter_table("assist_scheduled_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_assist_scheduled_sessions_host", ["site", "host_id"], unique=False)

    op.create_table(
        "assist_producers",
        sa.Column("producer_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.PrimaryKeyConstraint("producer_id"),
    )
    op.create_table(
        "assist_producer_claims",
        sa.Column("producer_id", sa.String(length=64), nullable=False),
        sa.Column("slot_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reservation_no", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["producer_id"],
            ["assist_producers.producer_id"],
        ),
        sa.PrimaryKeyConstraint("producer_id", "slot_start"),
    )
    with op.batch_alter_table("assist_producer_claims", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assist_producer_claims_reservation_no"), ["reservation_no"], unique=False)

    op.create_table(
        "assist_bookings",
        sa.Column("reservation_no", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("site", sa.String(length=255), nullable=False),
        sa.Column("package", sa.String(length=16), nullable=False),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("local_time", sa.Time(), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("contact_email", sa.String(length=320), nullable=False),
        sa.Column("company", sa.String(length=200), nullable=False),
        sa.Column("producer_id", sa.String(length=64), nullable=True),
        sa.Column("standard_fee", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("cancellation_fee", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reservation_no"),
    )
    with op.batch_alter_table("assist_bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assist_bookings_site"), ["site"], unique=False)

    op.create_table(
        "assist_recordings",
        sa.Column("reservation_no", sa.String(length=32), nullable=False),
        sa.Column("site", sa.String(length=255), nullable=False),
        sa.Column("session_key", sa.String(length=64), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reservation_no"),
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table("assist_recordings")
    with op.batch_alter_table("assist_bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assist_bookings_site"))

    op.drop_table("assist_bookings")
    with op.batch_alter_table("assist_producer_claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assist_producer_claims_reservation_no"))

    op.drop_table("assist_producer_claims")
    op.drop_table("assist_producers")
    with op.batch_alter_table("assist_scheduled_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_assist_scheduled_sessions_host")

    op.drop_table("assist_scheduled_sessions")
    op.drop_table("assist_sites")
