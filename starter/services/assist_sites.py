"""A Webex site's Assist terms from the client side (pages, API, CLI, seed 004): the packages its contract includes,
which the landing page and the order form list and a new order is checked against before anything starts, and its
scheduling coordinator. The workflow checks the package again at its availability step (workflows/assist_site_terms.py),
so a step that comes another way is refused the same."""

from __future__ import annotations

from models.assist_packages import Package
from models.assist_sites import ALL_PACKAGES, SiteTerms, package_refusal
from models.refusals import Refusal
from starter.errors import OnrampError
from store import SessionFactory
from store import assist_sites as store


async def terms(sessions: SessionFactory, site: str) -> SiteTerms | None:
    """The site's terms; None for a site onramp does not know."""
    async with sessions() as session:
        return await store.terms(session, site)


async def offered(sessions: SessionFactory, site: str | None) -> tuple[Package, ...]:
    """The packages to list for ``site``: its contract's, or all four when no site (or an unknown one) is named."""
    found = await terms(sessions, site) if site else None
    return tuple(found.packages) if found else ALL_PACKAGES


async def require_package(sessions: SessionFactory, site: str, package: Package) -> None:
    """Refused (422, field ``package``, naming the packages the site includes) when the site's contract does not
    include ``package``. A site onramp does not know is ``require_site``'s to refuse."""
    found = await terms(sessions, site)
    refusal = package_refusal(found, package) if found else None
    if refusal is not None:
        error = OnrampError(refusal, type=Refusal.INVALID_STEP, field="package")
        error.http_status = 422
        raise error
