"""The Set Up Now wizard's rules for each step's input (seeds 001/003), as pure functions that say why a step is
refused (or None): who may open a link, what each page accepts, and when a session is no longer the live one.
The workflow's Update validators raise them; the messages are written for the person at the page."""

from __future__ import annotations

from datetime import datetime

from pydantic import EmailStr

from models.partner_order import PartnerOrderState, PartnerOrderStatus
from models.refusals import Reason, because, because_n
from models.wizard import (
    CALLING_ADDRESS_FIELDS,
    Audience,
    CallingStep,
    ContinueAsMyself,
    CustomerOrgStep,
    MeetingStep,
    PartnerOrgStep,
    SetupByStep,
    WizardState,
)
from models.wizard_activities import FoundOrg

Refused = tuple[Reason, str | None]
"""Why, and the field it is about (None: the page as a whole)."""

LINK_CLOSED = {
    PartnerOrderStatus.AWAITING_START_DATE: because(
        "This link cannot be used: the order's start date has not come yet."
    ),
    PartnerOrderStatus.PROVISIONED: because("This link cannot be used: the order is already provisioned."),
    PartnerOrderStatus.CLOSED: because("This link cannot be used: the order line is closed."),
    PartnerOrderStatus.HALTED: because(
        "This link cannot be used: the setup was stopped; contact your Cisco account representative."
    ),
    PartnerOrderStatus.AWAITING_ORG_CONFIRMATION: because(
        "This link cannot be used: the administrator of the organization you chose has been asked to confirm; you "
        "get an e-mail when they have decided."
    ),
}
SESSION_ENDED = because("Your wizard session has ended. Open the link in your e-mail again.")
TAKEN_OVER = because(
    "This wizard was opened again in another window or tab. Continue there, or open the link again here."
)


CUSTOMER_SETTING_UP = because(
    "This link cannot be used: the customer is setting up this order, and partners have no access to manage the "
    "customer's organization."
)


def partner_shut_out(wizard: WizardState, audience: Audience) -> Reason | None:
    """After "the customer will set up" no partner link opens the order again (the seed: partners will not have
    access to manage the customer's organization)."""
    if audience == "partner" and wizard.setup_by == "customer":
        return CUSTOMER_SETTING_UP
    return None


def own_address_refusal(order: PartnerOrderState, request: ContinueAsMyself) -> Refused | None:
    """'Continue as myself' from an alias's link: while the order waits to be set up, from the current
    provisioning contact's link, with an address that is not the alias."""
    if order.status is not PartnerOrderStatus.AWAITING_SETUP:
        closed = open_refusal(order.status)
        return closed or because("The order is already set up: its provisioning contact can no longer change."), None
    if request.audience == "customer":
        return because("This link was sent to the customer's administrator: continue as the customer."), None
    shut_out = partner_shut_out(order.wizard, request.audience)
    if shut_out is not None:
        return shut_out, None
    if str(request.alias_email).lower() != str(order.provisioning_contact_email).lower():
        return because("This link was replaced by a newer one: use the newest Set Up Now e-mail."), None
    if str(request.email).lower() == str(request.alias_email).lower():
        return (
            because("That is the address this link was sent to: click 'Start the setup' to continue under it."),
            "email",
        )
    return None


def open_refusal(status: PartnerOrderStatus) -> Reason | None:
    """A link opens the wizard while the order waits to be set up, and for the service setup after it."""
    if status in (PartnerOrderStatus.AWAITING_SETUP, PartnerOrderStatus.SET_UP):
        return None
    return LINK_CLOSED[status]


def expired_message(idle_minutes: int) -> Reason:
    return because_n(
        "Your session expired after %(num)d minute without activity. Open the link in your e-mail to start again.",
        "Your session expired after %(num)d minutes without activity. Open the link in your e-mail to start again.",
        idle_minutes,
    )


def session_refusal(wizard: WizardState, session_id: str, now: datetime, idle_minutes: int) -> Reason | None:
    """The step must come from the live session: not an expired one, not one another tab replaced."""
    session = wizard.session
    if session is None and session_id == wizard.expired_session_id:
        return expired_message(idle_minutes)
    if session is None:
        return SESSION_ENDED
    if session.id != session_id:
        return TAKEN_OVER
    if now >= session.expires_at:
        return expired_message(idle_minutes)
    return None


def role_refusal(audience: Audience, role: Audience) -> Reason | None:
    if audience == "customer" and role == "partner":
        return because("This link was sent to the customer's administrator: continue as the customer.")
    if audience == "partner" and role == "customer":
        return because(
            "This link was sent to the partner's provisioning contact. If the customer should set up, "
            "choose 'I am a partner' and then 'The customer will set up'."
        )
    return None


def setup_by_refusal(request: SetupByStep, own_email: EmailStr) -> Reason | None:
    if request.who == "colleague" and request.email == own_email:
        return because("That is your own address: choose 'Yes, I will set up' instead.")
    return None


def partner_org_refusal(found: FoundOrg | None, request: PartnerOrgStep) -> Refused | None:
    """A first order creates the partner organization; a later one reviews the organization found."""
    if found is None and request.decision != "create":
        return because("This is your first order: enter your partner organization's details to create it."), None
    if found is not None and request.decision == "create":
        return (
            because(
                "Your partner organization '%(org)s' already exists: review it, or say you don't recognise it.",
                org=found.name,
            ),
            None,
        )
    if request.decision == "use_existing" and (found is None or request.org_id != found.id):
        return because("Choose the partner organization shown."), "org_id"
    return None


def customer_admin_refusal(email: EmailStr, own_email: EmailStr) -> Reason | None:
    if email == own_email:
        return because(
            "That is your own address, and you belong to the partner organization: a user can belong to one "
            "Webex organization only. Enter the customer administrator's address."
        )
    return None


def customer_org_refusal(
    matches: list[FoundOrg], admin_email: EmailStr | None, request: CustomerOrgStep
) -> Refused | None:
    """Pick one of the organizations found, or create one; an administrator's own organization must be picked."""
    administered = [m for m in matches if m.match == "admin_email"]
    if request.decision == "use_existing" and request.org_id not in {m.id for m in matches}:
        return because("Choose one of the organizations shown, or create a new one."), "org_id"
    if request.decision == "create" and administered:
        return (
            because(
                "%(email)s already administers '%(org)s': "
                "verify that organization (a user can belong to one organization only).",
                email=str(admin_email),
                org=administered[0].name,
            ),
            None,
        )
    if request.decision == "not_recognised" and not matches:
        return because("There is no organization to recognise: create the customer's organization."), None
    return None


CALLING_ADDRESS_MISSING = {
    "street": because("Enter the street address of the calling location."),
    "city": because("Enter the city of the calling location."),
    "postal_code": because("Enter the postal code of the calling location."),
    "country": because("Enter the country of the calling location, e.g. SI for Slovenia."),
}


def calling_refusal(request: CallingStep) -> Refused | None:
    """The calling location needs its whole address (emergency calls are routed by it). The model lets a step
    saved before the address came load without one; a new step must bring it."""
    for name in CALLING_ADDRESS_FIELDS:
        if not getattr(request, name):
            return CALLING_ADDRESS_MISSING[name], name
    return None


def meeting_refusal(request: MeetingStep) -> Refused | None:
    """The site's default language is one onramp speaks; French and Spanish, offered once, are no longer."""
    if request.default_language in ("fr", "es"):
        return (
            because(
                "Meetings cannot default to '%(language)s': choose English, Slovenian, German, Arabic or Chinese.",
                language=str(request.default_language),
            ),
            "default_language",
        )
    return None
