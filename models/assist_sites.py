"""A Webex site's terms for Webex Assist (seed 004): the packages its contract includes ("only the Webex services
available to you are listed") and its scheduling coordinator, whom the seed tells customers to contact, with the
producer, for anything an update cannot change. The workflow reads them through the `site_terms` activity; the
pages, the API and the CLI read them from the store."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from models.assist import Coordinator
from models.assist_packages import COLUMNS, Package
from models.assist_requests import EventInfo
from models.common import Contract
from models.refusals import Reason, because
from models.words import ASSIST_PACKAGE

ALL_PACKAGES: tuple[Package, ...] = tuple(COLUMNS)
"""Every package, in the seed's column order: what a site offers until its contract says otherwise."""

SITE_TERMS_ACTIVITY = "site_terms"


class SiteTerms(Contract):
    """What a site's contract says: the packages it includes, and its coordinator (None: none set)."""

    site: str = Field(max_length=253)
    display_name: str = Field(default="", max_length=200)
    packages: list[Package] = Field(default_factory=lambda: list(ALL_PACKAGES), min_length=1, max_length=len(Package))
    coordinator: Coordinator | None = None

    def offers(self, package: Package) -> bool:
        return package in self.packages


def in_seed_order(packages: Sequence[Package]) -> list[Package]:
    """The packages once each, in the seed's column order (how every list of them is shown)."""
    return [package for package in ALL_PACKAGES if package in set(packages)]


def _named(package: Package) -> Reason:
    """A package's name as a phrase of a list, in the reader's language."""
    return Reason(key="%(text)s", params={"text": ASSIST_PACKAGE[package]})


def package_refusal(terms: SiteTerms, package: Package) -> Reason | None:
    """Why ``package`` cannot be ordered for the site (its contract does not include it), naming what it includes;
    None when it can."""
    if terms.offers(package):
        return None
    return because(
        "The contract of the Webex site %(site)s does not include %(package)s. Choose one of the packages it "
        "includes: %(packages)s.",
        site=terms.site,
        package=ASSIST_PACKAGE[package],
        packages=[_named(offered) for offered in in_seed_order(terms.packages)],
    )


ENGLISH_NAMES = frozenset(
    {"", "en", "english", "englisch", "angleščina", "anglescina", "英文", "英語", "英语", "الإنجليزية"}
)
"""What the free-text language field may hold that asks for nothing beyond the default: English, in the languages
onramp's pages speak."""


def tells_coordinator(info: EventInfo | None) -> bool:
    """The seed: comments and a language other than English are for the scheduling coordinator, who contacts the
    customer about availability. English itself, typed in the language field, is no request."""
    if info is None:
        return False
    language = (info.language or "").strip().casefold()
    return bool((info.comments or "").strip()) or language not in ENGLISH_NAMES
