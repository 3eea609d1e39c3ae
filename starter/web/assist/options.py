"""What the Assist forms offer to choose from: the packages, start times and durations on the producer calendar's
quarter hours, the time zones, the meeting lookup's answers, this installation's Webex sites, and, when no producer
is free, the nearest free starts as buttons. Whatever a person reads is made for the request's reader, so each is a
function (the start times and the zones' IANA names read the same in every language)."""

from __future__ import annotations

from models.assist import AssistBookingState
from models.assist_packages import COLUMNS, Package
from models.assist_rules import no_producer_message
from models.assist_time import SLOT_MINUTES, SessionTime, SlotCheck
from models.common import place_zones
from models.refusals import Word
from starter.services import assist, assist_sites
from starter.web.assist import words
from starter.web.assist.portal import now
from starter.web.reading import Text, gettext, lazy_gettext
from starter.web.said import said
from store import SessionFactory
from store import assist as store

TIME_OPTIONS = {
    f"{minutes // 60:02d}:{minutes % 60:02d}": f"{minutes // 60:02d}:{minutes % 60:02d}"
    for minutes in range(0, 24 * 60, SLOT_MINUTES)
}
DURATIONS = tuple(range(SLOT_MINUTES, 8 * 60 + 1, SLOT_MINUTES))
SITE_ZONE = ""
"""The time zone option that means "the Webex site's"."""
ZONES = {zone: zone.replace("_", " ") for zone in place_zones()}
SCHEDULED_OPTIONS: dict[str, tuple[Text, Text]] = {
    "by_me": (
        lazy_gettext("Yes, I scheduled it with my Webex host ID"),
        lazy_gettext("We fetch the session from your Webex site with your host ID and e-mail address."),
    ),
    "by_someone_else": (
        lazy_gettext("It is scheduled, but not with my host ID"),
        lazy_gettext("For example, you are ordering the assist for someone else. You type in the event information."),
    ),
    "not_yet": (
        lazy_gettext("Not yet"),
        lazy_gettext("Only Event Center Premium can be ordered before the event is scheduled."),
    ),
}


def package_options() -> dict[str, str]:
    """The packages in the seed's column order, by their names in the reader's language."""
    return {package.value: words.package_name(package) for package in COLUMNS}


async def site_package_options(sessions: SessionFactory, site: str | None) -> dict[str, str]:
    """The packages the contract of ``site`` includes (all four while no known site is chosen), in the seed's column
    order, by their names in the reader's language."""
    offered: tuple[Package, ...] = await assist_sites.offered(sessions, (site or "").strip().lower() or None)
    return {package.value: words.package_name(package) for package in COLUMNS if package in offered}


def duration_options() -> dict[str, str]:
    return {str(minutes): words.duration(minutes) for minutes in DURATIONS}


def zone_options() -> dict[str, str]:
    return {SITE_ZONE: gettext("The Webex site's time zone")} | ZONES


async def site_zones(sessions: SessionFactory) -> dict[str, str]:
    """Every Webex site here and its time zone."""
    async with sessions() as session:
        return {site.name: site.time_zone for site in await store.sites(session)}


async def site_options(sessions: SessionFactory) -> dict[str, str]:
    """Every Webex site here, by name and display name: a customer knows the site by either."""
    async with sessions() as session:
        return {site.name: f"{site.name} ({site.display_name})" for site in await store.sites(session)}


def free_starts(state: AssistBookingState, check: SlotCheck) -> list[dict[str, str]]:
    """The nearest free starts as buttons: 'YYYY-MM-DDTHH:MM' posted, the session's label shown."""
    return [
        {
            "value": f"{slot.date.isoformat()}T{slot.time:%H:%M}",
            "label": words.session_label(state.session.moved_to(slot.date, slot.time)),
        }
        for slot in check.alternatives
    ]


async def nearest_free(
    sessions: SessionFactory, state: AssistBookingState, wanted: SessionTime, what: Word
) -> tuple[str | None, list[dict[str, str]]]:
    """When no producer is free at ``wanted``: why, in the seed's words (``what`` would be cancelled instead), with
    the session told the reader's way, and the nearest free starts; (None, []) when one is free."""
    check = await assist.producer_check(sessions, state, wanted, now())
    if check.available:
        return None, []
    reason = no_producer_message(wanted, what)
    shown = reason.model_copy(update={"params": {**reason.params, "session": words.session_label(wanted)}})
    return said(shown), free_starts(state, check)
