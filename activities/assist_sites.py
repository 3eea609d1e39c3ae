"""A Webex site's terms for Webex Assist's workflow (seed 004): the packages its contract includes and its
scheduling coordinator, read at the availability step. A read: retried freely."""

from __future__ import annotations

from temporalio import activity

from models.assist_sites import SITE_TERMS_ACTIVITY, SiteTerms
from store import SessionFactory
from store import assist_sites as store


class AssistSiteActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @activity.defn(name=SITE_TERMS_ACTIVITY)
    async def site_terms(self, site: str) -> SiteTerms:
        """The site's terms. A site onramp does not know (removed since the order began: the API refuses an unknown
        one before a step runs) offers every package and has no coordinator, as a site whose terms were never set."""
        async with self._sessions() as session:
            found = await store.terms(session, site)
        return found or SiteTerms(site=site)
