"""A Webex site's Assist terms in the database, on SQLite and PostgreSQL (seed 004, issue 15 items 8 and 11): the
packages of its contract and its scheduling coordinator written and read back, the `site_terms` activity's answer,
the demo site's coordinator, and the migration that keeps every existing site's four packages."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from activities.assist_sites import AssistSiteActivities
from models.assist import Coordinator
from models.assist_packages import Package
from models.assist_sites import ALL_PACKAGES, SiteTerms
from starter.services.assist_demo import DEMO_COORDINATOR, DEMO_SITE, ensure_assist_demo
from store import SessionFactory, make_engine, make_session_factory, upgrade
from store import assist as store
from store import assist_sites as site_terms
from tests.test_assist_store import empty_url  # noqa: F401 (a fixture: an empty database on the same backend)

COORDINATOR = Coordinator(name="Ya-ting Wang", email="scheduling@assist.example", phone="+886 2 2723 0000")


async def a_site(sessions: SessionFactory) -> str:
    name = f"s{uuid.uuid4().hex[:8]}.webex.com"
    async with sessions.begin() as session:
        await store.add_site(session, name, "Test site", "Asia/Taipei")
    return name


async def test_a_sites_packages_and_coordinator_are_kept_and_read_back(sessions: SessionFactory) -> None:
    site = await a_site(sessions)
    async with sessions() as session:
        assert await site_terms.terms(session, site) == SiteTerms(
            site=site, display_name="Test site", packages=list(ALL_PACKAGES), coordinator=None
        )

    async with sessions.begin() as session:
        await site_terms.set_packages(session, site, [Package.MEETING_CENTER_PREMIUM, Package.EVENT_CENTER_PREMIUM])
        await site_terms.set_coordinator(
            session, site, COORDINATOR.model_copy(update={"email": "Scheduling@Assist.example"})
        )
    async with sessions() as session:
        found = await site_terms.terms(session, site.upper())
    assert found is not None
    assert found.packages == [Package.EVENT_CENTER_PREMIUM, Package.MEETING_CENTER_PREMIUM]  # the seed's order
    assert found.coordinator == COORDINATOR  # the address in lower case

    async with sessions.begin() as session:
        await site_terms.set_coordinator(session, site, None)
    async with sessions() as session:
        cleared = await site_terms.terms(session, site)
        assert await site_terms.terms(session, "nosuch.webex.com") is None
    assert cleared is not None and cleared.coordinator is None and len(cleared.packages) == 2

    with pytest.raises(store.UnknownSite):
        async with sessions.begin() as session:
            await site_terms.set_packages(session, "nosuch.webex.com", [Package.MEETING_CENTER_PREMIUM])


async def test_the_site_terms_activity_answers_the_terms_and_for_an_unknown_site_every_package(
    sessions: SessionFactory,
) -> None:
    site = await a_site(sessions)
    async with sessions.begin() as session:
        await site_terms.set_packages(session, site, [Package.TRAINING_CENTER_PREMIUM])
        await site_terms.set_coordinator(session, site, COORDINATOR)
    activities = AssistSiteActivities(sessions)

    terms = await activities.site_terms(site)
    assert terms.packages == [Package.TRAINING_CENTER_PREMIUM] and terms.coordinator == COORDINATOR
    assert await activities.site_terms("gone.webex.com") == SiteTerms(site="gone.webex.com")


async def test_the_demo_site_has_a_coordinator_which_loading_again_leaves_as_the_operator_set_it(
    empty_url: str,  # noqa: F811
) -> None:
    engine = make_engine(empty_url)
    try:
        await upgrade(engine)
        sessions = make_session_factory(engine)
        now = datetime(2026, 12, 4, 9, tzinfo=UTC)
        assert await ensure_assist_demo(sessions, now)
        async with sessions() as session:
            demo = await site_terms.terms(session, DEMO_SITE)
        assert demo is not None and demo.coordinator == DEMO_COORDINATOR and demo.packages == list(ALL_PACKAGES)

        async with sessions.begin() as session:
            await site_terms.set_coordinator(session, DEMO_SITE, None)
        await ensure_assist_demo(sessions, now)
        async with sessions() as session:
            again = await site_terms.terms(session, DEMO_SITE)
        assert again is not None and again.coordinator is None
    finally:
        await engine.dispose()


async def test_the_migration_keeps_every_existing_sites_four_packages(empty_url: str) -> None:  # noqa: F811
    engine = make_engine(empty_url)
    try:
        await upgrade(engine, "0019_partner_access")
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO assist_sites (name, display_name, time_zone) "
                    "VALUES ('old.webex.com', 'Old site', 'Asia/Taipei')"
                )
            )
        await upgrade(engine)
        async with engine.connect() as connection:
            stored = (await connection.execute(text("SELECT packages FROM assist_sites"))).scalar_one()
        assert stored is not None  # written out, not left to mean "all"
        async with make_session_factory(engine)() as session:
            old = await site_terms.terms(session, "old.webex.com")
        assert old is not None and old.packages == list(ALL_PACKAGES) and old.coordinator is None
    finally:
        await engine.dispose()
