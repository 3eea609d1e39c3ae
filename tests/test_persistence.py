"""The app database on SQLite and PostgreSQL: migrations, the partner order upsert, Set Up Now tokens, organizations,
card references.

Every test here runs once per backend (the `sessions` / `engine` fixtures are parametrized). The database is shared
by the whole test session, so each test works on ids of its own.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from activities.gateway import GatewayActivities
from activities.partner_orders import PartnerOrderActivities
from models.common import add_local_days, local_midnight
from models.partner_order import Offer, PartnerOrderSnapshot, PartnerOrderState, PartnerOrderStatus, Service
from models.seat_order_activities import ChargeRequest
from store import SessionFactory, make_engine, make_session_factory, organizer_ids, setup_tokens, upgrade
from store.migrate import alembic_config, current_tables
from store.tables import Base, GatewayCharge, Organization, PartnerOrder, PaymentCard, SetupToken

APP_TABLES = {
    "partner_orders",
    "api_keys",
    "audit_log",
    "organizer_ids",
    "welcome_mails",
    "organizations",
    "setup_tokens",
    "mail_outbox",
    "org_users",
    "order_setups",
    "org_credentials",
    "org_settings",
    "subscriptions",
    "billing_records",
    "accounts",
    "account_subscriptions",
    "enterprise_admins",
    "admin_sessions",
    "payment_cards",
    "gateway_charges",
    "gateway_attempts",
    "seat_orders",
    "account_orders",
    "seat_assignments",
    "organizers",
    "activation_tokens",
    "password_resets",
    "promotions",
    "assist_sites",
    "assist_scheduled_sessions",
    "assist_producers",
    "assist_producer_claims",
    "assist_bookings",
    "assist_recordings",
}
LJUBLJANA = "Europe/Ljubljana"


# ---------------------------------------------------------------- helpers


def order_state(
    order_id: str | None = None,
    *,
    status: PartnerOrderStatus = PartnerOrderStatus.AWAITING_SETUP,
    contact_generation: int = 1,
    **overrides: Any,
) -> PartnerOrderState:
    """A partner order as the workflow would save it; the dates are aware and not in UTC (Ljubljana, CET)."""
    order_id = order_id or f"P-{uuid.uuid4().hex[:12]}"
    start = date(2026, 11, 28)
    starts_at = local_midnight(start, LJUBLJANA)
    values: dict[str, Any] = {
        "order_id": order_id,
        "offer": Offer.A_WX,
        "status": status,
        "requested_start_date": start,
        "time_zone": LJUBLJANA,
        "partner_name": "Alpine Partners d.o.o.",
        "customer_name": "Kranj Logistics",
        "provisioning_contact_email": f"provisioning-{uuid.uuid4().hex[:6]}@partner.example",
        "account_representative_email": f"rep-{uuid.uuid4().hex[:6]}@cisco.example",
        "purchased_services": [Service.MEETINGS, Service.CALLING],
        "received_at": datetime(2026, 11, 20, 9, 15, 30, 123456, tzinfo=ZoneInfo("America/New_York")),
        "starts_at": starts_at,
        "escalates_at": add_local_days(starts_at, 1, LJUBLJANA),
        "closes_at": add_local_days(starts_at, 30, LJUBLJANA),
        "contact_generation": contact_generation,
    }
    values.update(overrides)
    return PartnerOrderState.model_validate(values)


async def save(sessions: SessionFactory, state: PartnerOrderState) -> None:
    snapshot = PartnerOrderSnapshot(workflow_id=f"partner-order-{state.order_id}", state=state)
    await PartnerOrderActivities(sessions).save_partner_order(snapshot)


async def mint(
    sessions: SessionFactory,
    order_id: str,
    *,
    mail_key: str | None = None,
    contact_generation: int = 1,
    expires_at: datetime,
    now: datetime,
) -> str:
    async with sessions.begin() as session:
        return await setup_tokens.mint(
            session,
            order_id=order_id,
            token=secrets.token_urlsafe(32),
            mail_key=mail_key or f"partner-order-{order_id}/set_up_now/{uuid.uuid4().hex[:6]}",
            contact_email="provisioning@partner.example",
            contact_generation=contact_generation,
            expires_at=expires_at,
            now=now,
        )


async def find_valid(sessions: SessionFactory, token: str, now: datetime) -> SetupToken | None:
    async with sessions() as session:
        return await setup_tokens.find_valid(session, token, now)


async def token_rows(sessions: SessionFactory, order_id: str) -> list[SetupToken]:
    async with sessions() as session:
        result = await session.execute(select(SetupToken).where(SetupToken.order_id == order_id))
        return list(result.scalars())


# ---------------------------------------------------------------- migrations


@pytest.fixture
async def empty_database_url(database_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """A database with nothing in it, on the same backend as ``database_url``."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"onramp_empty_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(hide_password=False))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def alembic_revision(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as connection:
        return list((await connection.execute(text("SELECT version_num FROM alembic_version"))).scalars())


async def test_migrations_create_every_table_and_running_them_twice_is_harmless(empty_database_url: str) -> None:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    engine = make_engine(empty_database_url)
    try:
        assert await current_tables(engine) == set()

        await upgrade(engine)
        assert await current_tables(engine) == APP_TABLES | {"alembic_version"}
        assert await alembic_revision(engine) == [head]

        # Data written after the first upgrade survives the second one, which changes nothing.
        sessions = make_session_factory(engine)
        state = order_state()
        await save(sessions, state)

        await upgrade(engine)
        await upgrade(engine)
        assert await current_tables(engine) == APP_TABLES | {"alembic_version"}
        assert await alembic_revision(engine) == [head]
        async with sessions() as session:
            assert await session.get(PartnerOrder, state.order_id) is not None
    finally:
        await engine.dispose()


async def test_migrated_schema_matches_the_table_definitions(engine: AsyncEngine) -> None:
    """tables.py and the migrations are kept in step: autogenerate finds nothing left to migrate."""

    def differences(connection: Any) -> list[Any]:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []
    await upgrade(engine)  # the session's database is already at head: harmless
    assert await current_tables(engine) >= APP_TABLES


# ---------------------------------------------------------------- partner orders


async def test_save_partner_order_inserts_then_updates_the_same_row(sessions: SessionFactory) -> None:
    state = order_state()
    await save(sessions, state)

    async with sessions() as session:
        row = await session.get(PartnerOrder, state.order_id)
    assert row is not None
    assert row.workflow_id == f"partner-order-{state.order_id}"
    assert row.status == "awaiting_setup"
    assert row.offer == "A-WX"
    assert row.requested_start_date == date(2026, 11, 28)
    assert row.purchased_services == ["meetings", "calling"]
    assert row.provisioning_contact_email == state.provisioning_contact_email
    assert row.contact_generation == 1
    assert row.escalated is False
    # Aware datetimes come back as the same instants, in UTC.
    for column in ("starts_at", "escalates_at", "closes_at", "received_at"):
        stored = getattr(row, column)
        assert stored == getattr(state, column), column
        assert stored.utcoffset() == timedelta(0), column
    assert row.starts_at == datetime(2026, 11, 27, 23, 0, tzinfo=UTC)  # midnight in Ljubljana (CET, UTC+1)
    assert row.received_at == datetime(2026, 11, 20, 14, 15, 30, 123456, tzinfo=UTC)  # microseconds kept
    first_update = row.updated_at

    changed = state.model_copy(
        update={"status": PartnerOrderStatus.SET_UP, "escalated": True, "customer_name": "Kranj Logistics d.d."}
    )
    await save(sessions, changed)
    await save(sessions, changed)  # a retried activity writes the same thing again: still one row

    async with sessions() as session:
        count = await session.scalar(
            select(func.count()).select_from(PartnerOrder).where(PartnerOrder.order_id == state.order_id)
        )
        row = await session.get(PartnerOrder, state.order_id)
    assert count == 1
    assert row is not None
    assert row.status == "set_up"
    assert row.escalated is True
    assert row.customer_name == "Kranj Logistics d.d."
    assert row.starts_at == state.starts_at
    assert row.updated_at >= first_update


# ---------------------------------------------------------------- setup tokens


async def test_mint_stores_only_a_hash_of_the_token(sessions: SessionFactory, engine: AsyncEngine) -> None:
    state = order_state()
    await save(sessions, state)
    now = datetime.now(UTC)
    token = await mint(sessions, state.order_id, expires_at=now + timedelta(days=30), now=now)

    assert len(token) >= 43  # 32 random bytes, URL-safe base64
    [row] = await token_rows(sessions, state.order_id)
    assert row.token_hash == setup_tokens.hash_token(token)
    assert row.token_hash != token

    # The raw token is in no column of the row, whatever its type.
    async with engine.connect() as connection:
        raw_rows = (
            await connection.execute(text("SELECT * FROM setup_tokens WHERE order_id = :id"), {"id": state.order_id})
        ).all()
    assert len(raw_rows) == 1
    assert all(token not in str(value) for value in raw_rows[0])


async def test_find_valid_finds_a_fresh_token_but_not_an_unknown_or_expired_one(sessions: SessionFactory) -> None:
    state = order_state()
    await save(sessions, state)
    now = datetime.now(UTC)
    expires_at = now + timedelta(hours=72)
    token = await mint(sessions, state.order_id, expires_at=expires_at, now=now)

    found = await find_valid(sessions, token, now)
    assert found is not None
    assert found.order_id == state.order_id
    assert found.contact_email == "provisioning@partner.example"
    assert found.expires_at == expires_at

    assert await find_valid(sessions, token, expires_at - timedelta(seconds=1)) is not None
    assert await find_valid(sessions, token, expires_at) is None
    assert await find_valid(sessions, token, expires_at + timedelta(days=1)) is None
    assert await find_valid(sessions, "not-a-token-anyone-was-given", now) is None
    assert await find_valid(sessions, token[:-1], now) is None


async def test_a_contact_change_revokes_the_earlier_links(sessions: SessionFactory) -> None:
    state = order_state(contact_generation=1)
    await save(sessions, state)
    now = datetime.now(UTC)
    old = await mint(sessions, state.order_id, contact_generation=1, expires_at=now + timedelta(days=3), now=now)
    assert await find_valid(sessions, old, now) is not None

    await save(
        sessions,
        state.model_copy(update={"contact_generation": 2, "provisioning_contact_email": "new-contact@partner.example"}),
    )
    assert await find_valid(sessions, old, now) is None
    [revoked] = await token_rows(sessions, state.order_id)
    assert revoked.revoked_at is not None

    new = await mint(sessions, state.order_id, contact_generation=2, expires_at=now + timedelta(days=3), now=now)
    found = await find_valid(sessions, new, now)
    assert found is not None
    assert found.contact_generation == 2
    assert await find_valid(sessions, old, now) is None


async def test_closing_the_order_revokes_its_links(sessions: SessionFactory) -> None:
    state = order_state()
    await save(sessions, state)
    now = datetime.now(UTC)
    token = await mint(sessions, state.order_id, expires_at=now + timedelta(days=3), now=now)
    assert await find_valid(sessions, token, now) is not None

    await save(sessions, state.model_copy(update={"status": PartnerOrderStatus.CLOSED}))

    assert await find_valid(sessions, token, now) is None
    [row] = await token_rows(sessions, state.order_id)
    assert row.revoked_at is not None


async def test_minting_again_for_the_same_mail_replaces_the_earlier_token(sessions: SessionFactory) -> None:
    state = order_state()
    await save(sessions, state)
    now = datetime.now(UTC)
    mail_key = f"partner-order-{state.order_id}/set_up_now/1"
    first = await mint(sessions, state.order_id, mail_key=mail_key, expires_at=now + timedelta(days=3), now=now)
    second = await mint(sessions, state.order_id, mail_key=mail_key, expires_at=now + timedelta(days=3), now=now)

    assert first != second
    assert await find_valid(sessions, first, now) is None
    found = await find_valid(sessions, second, now)
    assert found is not None
    assert found.mail_key == mail_key
    assert len(await token_rows(sessions, state.order_id)) == 1


# ---------------------------------------------------------------- organizations


def organization(**values: Any) -> Organization:
    defaults: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "kind": "customer",
        "name": "Kranj Logistics",
        "created_at": datetime.now(UTC),
    }
    return Organization(**(defaults | values))


async def add(sessions: SessionFactory, org: Organization) -> None:
    async with sessions.begin() as session:
        session.add(org)


async def test_an_admin_email_belongs_to_one_organization_only(sessions: SessionFactory) -> None:
    admin = f"admin-{uuid.uuid4().hex[:8]}@kranj.example"
    await add(sessions, organization(admin_email=admin))

    with pytest.raises(IntegrityError) as raised:
        await add(sessions, organization(admin_email=admin, name="Another Org"))
    assert "admin_email" in str(raised.value.orig)  # SQLite and PostgreSQL both name the violated column

    async with sessions() as session:
        owners = (await session.scalars(select(Organization.name).where(Organization.admin_email == admin))).all()
    assert owners == ["Kranj Logistics"]


async def test_a_subdomain_is_unique_across_all_organizations(sessions: SessionFactory) -> None:
    subdomain = f"kranj-{uuid.uuid4().hex[:8]}"
    await add(sessions, organization(subdomain=subdomain))
    with pytest.raises(IntegrityError) as raised:
        await add(sessions, organization(subdomain=subdomain, kind="partner", name="Alpine Partners"))
    assert "subdomain" in str(raised.value.orig)


async def test_organizations_without_admin_email_or_subdomain_do_not_collide(sessions: SessionFactory) -> None:
    """Both columns are optional until the wizard fills them in: many NULLs are allowed."""
    name = f"Pending Org {uuid.uuid4().hex[:8]}"
    await add(sessions, organization(name=name))
    await add(sessions, organization(name=name))
    async with sessions() as session:
        count = await session.scalar(select(func.count()).select_from(Organization).where(Organization.name == name))
    assert count == 2


async def test_concurrent_claims_of_one_subdomain_leave_exactly_one_winner(sessions: SessionFactory) -> None:
    """Race-safe: the database, not a read-then-write check, decides who gets the subdomain."""
    subdomain = f"race-{uuid.uuid4().hex[:8]}"
    orgs = [organization(subdomain=subdomain, name=f"Contender {n}") for n in range(4)]
    results = await asyncio.gather(*(add(sessions, org) for org in orgs), return_exceptions=True)

    assert sum(result is None for result in results) == 1
    assert all(isinstance(result, IntegrityError) for result in results if result is not None)
    async with sessions() as session:
        owners = (await session.scalars(select(Organization.id).where(Organization.subdomain == subdomain))).all()
    assert len(owners) == 1


async def test_organizers_made_before_the_random_ids_keep_the_workflow_id_they_have(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        await upgrade(engine, "0009_no_admin_lockout")
        async with engine.begin() as connection:  # the rows as that revision's code wrote them
            await connection.execute(
                text(
                    "INSERT INTO accounts (account_no, customer_name, customer_type, billing_contact_email, "
                    "billing_contact_name, self_service, payment_method, currency, tax_rate, company, created_at) "
                    "VALUES ('ACC-OLD', 'Old Co', 'Group', 'b@old.example', 'B', true, 'card', 'EUR', '0.22', '{}', "
                    "CURRENT_TIMESTAMP)"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO organizers (account_no, email, last_name, first_name, product, edition, status, "
                    "invited_at) VALUES ('ACC-OLD', 'ada@old.example', 'L', 'A', 'GoTo Meeting', 'Standard', "
                    "'invited', CURRENT_TIMESTAMP)"
                )
            )
        await upgrade(engine)
        sessions = make_session_factory(engine)
        assert await organizer_ids.find(sessions, "ACC-OLD", "ada@old.example") == "organizer-ACC-OLD-ada@old.example"
        made = await organizer_ids.find_or_make(sessions, "ACC-OLD", "bob@old.example")
        assert made.startswith("organizer-ACC-OLD-") and "bob" not in made
        assert await organizer_ids.find_or_make(sessions, "ACC-OLD", "Bob@Old.example ") == made
        assert await organizer_ids.account_of(sessions, made) == "ACC-OLD"
    finally:
        await engine.dispose()


async def test_cards_kept_before_references_get_one_each_and_the_gateway_charges_by_it(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    try:
        await upgrade(engine, "0012_outbox_requests")
        async with engine.begin() as connection:  # the rows as that revision's code wrote them
            await connection.execute(
                text(
                    "INSERT INTO accounts (account_no, customer_name, customer_type, billing_contact_email, "
                    "billing_contact_name, self_service, payment_method, card_token, currency, tax_rate, company, "
                    "created_at) VALUES ('ACC-CARDS', 'Old Co', 'Group', 'b@old.example', 'B', true, 'card', "
                    "'tok_oldcard00000001', 'EUR', '0.22', '{}', CURRENT_TIMESTAMP)"
                )
            )
            for token, last4, behaviour in (
                ("tok_oldcard00000001", "4242", "approve"),
                ("tok_oldcard00000002", "0002", "decline"),
            ):
                await connection.execute(
                    text(
                        "INSERT INTO payment_cards (token, account_no, brand, last4, expiry, behaviour, created_at) "
                        "VALUES (:token, 'ACC-CARDS', 'Visa', :last4, '12/2030', :behaviour, CURRENT_TIMESTAMP)"
                    ),
                    {"token": token, "last4": last4, "behaviour": behaviour},
                )
        await upgrade(engine)
        sessions = make_session_factory(engine)
        async with sessions() as session:
            cards = {card.token: card.reference for card in await session.scalars(select(PaymentCard))}
        assert len(set(cards.values())) == 2
        assert all(re.fullmatch(r"card_[0-9a-f]{16}", reference) for reference in cards.values())

        charged = await GatewayActivities(sessions).charge_card(
            ChargeRequest(
                idempotency_key="SO-CARDS-1",
                account_no="ACC-CARDS",
                card=cards["tok_oldcard00000002"],
                amount=Decimal("12.30"),
                currency="EUR",
            )
        )
        assert (charged.outcome, charged.reason) == ("declined", "insufficient funds")
        async with sessions() as session:
            charge = await session.get(GatewayCharge, "SO-CARDS-1")
        assert charge is not None and charge.card_token == "tok_oldcard00000002"

        with pytest.raises(IntegrityError):  # a reference names one card
            async with sessions.begin() as session:
                second = await session.get(PaymentCard, "tok_oldcard00000002")
                assert second is not None
                second.reference = cards["tok_oldcard00000001"]
    finally:
        await engine.dispose()
