"""A Webex site's terms for Webex Assist (seed 004): the packages its contract includes and its scheduling
coordinator, columns of the site's row. A site whose packages were never set (added before its contract was
recorded, or with `onramp site add`) offers all four; the coordinator is optional."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from models.assist import Coordinator
from models.assist_packages import Package
from models.assist_sites import ALL_PACKAGES, SiteTerms, in_seed_order
from store.assist import UnknownSite
from store.tables import AssistSite


def _terms(row: AssistSite) -> SiteTerms:
    packages = in_seed_order([Package(value) for value in row.packages or [] if value in set(Package)])
    coordinator = (
        Coordinator(name=row.coordinator_name, email=row.coordinator_email, phone=row.coordinator_phone)
        if row.coordinator_name and row.coordinator_email
        else None
    )
    return SiteTerms(
        site=row.name,
        display_name=row.display_name,
        packages=packages or list(ALL_PACKAGES),
        coordinator=coordinator,
    )


async def _row(session: AsyncSession, name: str) -> AssistSite | None:
    row = await session.get(AssistSite, name.strip().lower())
    if row is not None:
        await session.refresh(row)
    return row


async def terms(session: AsyncSession, name: str) -> SiteTerms | None:
    """The site's terms; None for a site onramp does not know."""
    row = await _row(session, name)
    return None if row is None else _terms(row)


async def all_terms(session: AsyncSession, names: Sequence[str]) -> dict[str, SiteTerms]:
    """The terms of the sites named (those that exist), by site."""
    found = {}
    for name in names:
        row = await _row(session, name)
        if row is not None:
            found[row.name] = _terms(row)
    return found


async def set_packages(session: AsyncSession, name: str, packages: Sequence[Package]) -> SiteTerms:
    """The packages the site's contract includes (at least one), from now on: new orders and steps are checked
    against them; bookings already confirmed keep theirs. Raises UnknownSite."""
    row = await _row(session, name)
    if row is None:
        raise UnknownSite(name)
    row.packages = [package.value for package in in_seed_order(packages)]
    await session.flush()  # a later read in this transaction refreshes the row from the database
    return _terms(row)


async def set_coordinator(session: AsyncSession, name: str, coordinator: Coordinator | None) -> SiteTerms:
    """The site's scheduling coordinator (None: none any more). Orders read it at their availability step.
    Raises UnknownSite."""
    row = await _row(session, name)
    if row is None:
        raise UnknownSite(name)
    row.coordinator_name = coordinator.name if coordinator else None
    row.coordinator_email = str(coordinator.email).lower() if coordinator else None
    row.coordinator_phone = coordinator.phone if coordinator else None
    await session.flush()
    return _terms(row)
