"""The service settings of a set-up order as a person reads them (seeds 001/003, step 11): what the partner chose on
the calling and meeting pages, and what the order itself decides - the calling plan, the meeting types purchased
and the site name the subdomain gives. The subscription details page, the provisioning page and the provisioned
mails all show this one summary, so they cannot disagree. Pure functions of the order's state."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import Field

from models.common import Contract
from models.languages import FACTS, SupportedLanguage
from models.partner_order import Offer, PartnerOrderState, Service
from models.wizard import CallingStep, MeetingStep

SITE_DOMAIN = "webex.com"

CALLING_PLANS: dict[Offer, str] = {
    Offer.A_FLEX: "Webex Calling Professional (Collaboration Flex Plan)",
    Offer.A_WX: "Webex Calling Professional (Webex Suite)",
    Offer.A_SPK: "Webex Calling Professional",
}
"""The calling plan each offer brings when calling is purchased: brand names, the same in every language."""

MEETING_TYPES: dict[Service, str] = {
    Service.MEETINGS: "Webex Meetings",
    Service.WEBINARS: "Webex Webinars",
}
"""The purchased services that are meeting types, in the order's words (brand names)."""

RETIRED_LANGUAGE_NAMES = {"fr": "Français", "es": "Español"}
"""Meeting languages a step saved before they were retired (models/wizard.py, RetiredMeetingLanguage)."""


def calling_plan(offer: Offer) -> str:
    return CALLING_PLANS[offer]


def meeting_types(services: Iterable[Service]) -> list[str]:
    """The meeting types purchased, in the order's order."""
    return [MEETING_TYPES[service] for service in services if service in MEETING_TYPES]


def site_name(subdomain: str | None) -> str | None:
    """The customer's Webex site: the subdomain saved on the company settings page under webex.com."""
    return f"{subdomain}.{SITE_DOMAIN}" if subdomain else None


def language_name(tag: str) -> str:
    """A language in its own name (as the language menu shows it)."""
    try:
        return FACTS[SupportedLanguage(tag)].own_name
    except ValueError:
        return RETIRED_LANGUAGE_NAMES.get(tag, tag)


class CallingSummary(Contract):
    plan: str
    calling_option: str
    location_name: str
    street: str
    postal_code: str
    city: str
    country: str
    time_zone: str
    default_language: str
    language_name: str
    emergency_callback_number: str


class MeetingSummary(Contract):
    site_name: str | None = Field(description="None until the company settings save the subdomain.")
    meeting_types: list[str]
    default_language: str
    language_name: str
    time_zone: str
    recording: bool
    audio: str


class SettingsSummary(Contract):
    """What the service setup saved for the customer's organization; a part is None until its page is saved."""

    calling_plan: str | None = Field(description="None when calling was not purchased.")
    meeting_types: list[str]
    site_name: str | None
    calling: CallingSummary | None = None
    meetings: MeetingSummary | None = None


def calling_summary(order: PartnerOrderState, calling: CallingStep) -> CallingSummary:
    language = str(calling.default_language)
    return CallingSummary(
        plan=calling_plan(order.offer),
        calling_option=calling.calling_option,
        location_name=calling.location_name,
        street=calling.street or "",
        postal_code=calling.postal_code or "",
        city=calling.city or "",
        country=calling.country or "",
        time_zone=calling.time_zone or order.time_zone,
        default_language=language,
        language_name=language_name(language),
        emergency_callback_number=calling.emergency_callback_number,
    )


def meeting_summary(order: PartnerOrderState, meetings: MeetingStep) -> MeetingSummary:
    language = str(meetings.default_language)
    return MeetingSummary(
        site_name=site_name(order.wizard.services.subdomain),
        meeting_types=meeting_types(order.purchased_services),
        default_language=language,
        language_name=language_name(language),
        time_zone=meetings.time_zone,
        recording=meetings.recording,
        audio=meetings.audio,
    )


def summary(order: PartnerOrderState) -> SettingsSummary:
    services = order.wizard.services
    return SettingsSummary(
        calling_plan=calling_plan(order.offer) if Service.CALLING in order.purchased_services else None,
        meeting_types=meeting_types(order.purchased_services),
        site_name=site_name(services.subdomain),
        calling=calling_summary(order, services.calling) if services.calling else None,
        meetings=meeting_summary(order, services.meetings) if services.meetings else None,
    )
