"""What the Assist forms offer to choose from: the packages, start times and durations on the producer calendar's
quarter hours, the time zones, the meeting lookup's answers, this installation's Webex sites, and, when no producer
is free, the nearest free starts as buttons."""

from __future__ import annotations

from zoneinfo import available_timezones

from models.assist import SLOT_MINUTES, AssistBookingState, SessionTime, SlotCheck
from models.assist_packages import COLUMNS, PACKAGES
from models.assist_rules import no_producer_message
from models.refusals import Word
from starter.services import assist
from starter.web.assist.portal import now
from starter.web.said import said
from store import SessionFactory
from store import assist as store

PACKAGE_OPTIONS = {package.value: PACKAGES[package].name for package in COLUMNS}
TIME_OPTIONS = {
    f"{minutes // 60:02d}:{minutes % 60:02d}": f"{minutes // 60:02d}:{minutes % 60:02d}"
    for minutes in range(0, 24 * 60, SLOT_MINUTES)
}
SITE_ZONE = ""
"""The time zone option that means "the Webex site's"."""


def _duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    if rest:
        parts.append(f"{rest} minutes")
    return " ".join(parts)


DURATION_OPTIONS = {str(minutes): _duration_label(minutes) for minutes in range(SLOT_MINUTES, 8 * 60 + 1, SLOT_MINUTES)}
ZONE_OPTIONS = {SITE_ZONE: "The Webex site's time zone"} | {
    zone: zone.replace("_", " ")
    for zone in sorted(available_timezones())
    if zone == "UTC" or ("/" in zone and zone.split("/")[0] not in {"Etc", "SystemV", "US", "posix", "right"})
}
SCHEDULED_OPTIONS = {
    "by_me": (
        "Yes, I scheduled it with my Webex host ID",
        "We fetch the session from your Webex site with your host ID and e-mail address.",
    ),
    "by_someone_else": (
        "It is scheduled, but not with my host ID",
        "For example, you are ordering the assist for someone else. You type in the event information.",
    ),
    "not_yet": ("Not yet", "Only Event Center Premium can be ordered before the event is scheduled."),
}


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
            "label": state.session.moved_to(slot.date, slot.time).label(),
        }
        for slot in check.alternatives
    ]


async def nearest_free(
    sessions: SessionFactory, state: AssistBookingState, wanted: SessionTime, what: Word
) -> tuple[str | None, list[dict[str, str]]]:
    """When no producer is free at ``wanted``: why, in the seed's words (``what`` would be cancelled instead), and
    the nearest free starts; (None, []) when one is free."""
    check = await assist.producer_check(sessions, state, wanted, now())
    if check.available:
        return None, []
    return said(no_producer_message(wanted, what)), free_starts(state, check)
