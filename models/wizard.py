"""Contracts of the Set Up Now wizard (seeds 001/003, steps 4-11): each step's input and the wizard's state (what
its activities take and answer is models/wizard_activities.py). Every step names the wizard session it belongs to,
so a second tab or a stale page is recognised instead of overwriting the first."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AwareDatetime,
    BeforeValidator,
    EmailStr,
    Field,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from models.common import Contract, Language, TimeZoneName, not_blank_pattern
from models.countries import ISO_COUNTRIES, IsoCountry
from models.languages import SupportedLanguage
from models.refusals import Reason, RuleBroken, Word, because, word
from models.wizard_activities import FoundOrg, OrgAdministrator, OrgDetails, SetUpOrder

SessionId = Annotated[str, StringConstraints(min_length=8, max_length=64)]


class WizardStep(StrEnum):
    """The pages of the wizard, in the seed's order."""

    ROLE = "role"
    SETUP_BY = "setup_by"
    PARTNER_ORG = "partner_org"
    CUSTOMER_ADMIN = "customer_admin"
    CUSTOMER_ORG = "customer_org"
    REVIEW = "review"
    PASSWORD = "password"
    SUBSCRIPTION = "subscription"
    CALLING = "calling"
    MEETINGS = "meetings"
    COMPANY = "company"
    PROVISION = "provision"
    DONE = "done"


STEP_WORDS: dict[WizardStep, Word] = {
    WizardStep.ROLE: word("wizard page", "Your role"),
    WizardStep.SETUP_BY: word("wizard page", "Who sets up"),
    WizardStep.PARTNER_ORG: word("wizard page", "Partner organization"),
    WizardStep.CUSTOMER_ADMIN: word("wizard page", "Customer administrator"),
    WizardStep.CUSTOMER_ORG: word("wizard page", "Customer organization"),
    WizardStep.REVIEW: word("wizard page", "Review and submit"),
    WizardStep.PASSWORD: word("wizard page", "Partner password"),
    WizardStep.SUBSCRIPTION: word("wizard page", "Subscription details"),
    WizardStep.CALLING: word("wizard page", "Calling settings"),
    WizardStep.MEETINGS: word("wizard page", "Meeting settings"),
    WizardStep.COMPANY: word("wizard page", "Company settings"),
    WizardStep.PROVISION: word("wizard page", "Provision and start billing"),
    WizardStep.DONE: word("wizard page", "Done"),
}
"""Each page's title, as a refusal names it (translated in the refusals catalog)."""
STEP_TITLES: dict[WizardStep, str] = {step: title.text for step, title in STEP_WORDS.items()}

BEFORE_SUBMIT_STEPS = (
    WizardStep.ROLE,
    WizardStep.SETUP_BY,
    WizardStep.PARTNER_ORG,
    WizardStep.CUSTOMER_ADMIN,
    WizardStep.CUSTOMER_ORG,
    WizardStep.REVIEW,
)

Audience = Literal["partner", "customer"]
"""Whom a Set Up Now link was sent to: the partner's provisioning contact, or the customer's administrator."""


# ----------------------------------------------------------------------------------------------- steps


class StepInput(Contract):
    session_id: SessionId


class OpenSession(Contract):
    """Clicking the link: the API has checked the token and says whom it was sent to."""

    audience: Audience
    email: EmailStr


class RoleStep(StepInput):
    role: Audience = Field(description='"partner" ("I am a partner") or "customer".')


class SetupByStep(StepInput):
    who: Literal["me", "colleague", "customer"] = Field(
        description="me: I will set up; colleague: another person in my company; customer: the customer will."
    )
    email: EmailStr | None = Field(default=None, description="The colleague's or the customer administrator's e-mail.")
    schema_rules: ClassVar[dict[str, Any]] = {
        "if": {"properties": {"who": {"enum": ["colleague", "customer"]}}, "required": ["who"]},
        "then": {"required": ["email"], "properties": {"email": {"type": "string"}}},
    }

    @model_validator(mode="after")
    def _email_when_handing_over(self) -> SetupByStep:
        if self.who != "me" and self.email is None:
            raise RuleBroken(
                because("enter your colleague's e-mail address")
                if self.who == "colleague"
                else because("enter the customer administrator's e-mail address")
            )
        return self


class OrgDecision(StepInput):
    decision: Literal["use_existing", "create", "not_recognised"]
    org_id: Annotated[str, StringConstraints(max_length=64)] | None = Field(
        default=None, description="With use_existing: which of the proposed organizations."
    )
    details: OrgDetails | None = Field(default=None, description="With create: the new organization's details.")
    schema_rules: ClassVar[dict[str, Any]] = {
        "if": {"properties": {"decision": {"const": "create"}}, "required": ["decision"]},
        "then": {"required": ["details"], "properties": {"details": {"type": "object"}}},
    }

    @model_validator(mode="after")
    def _needs(self) -> OrgDecision:
        if self.decision == "create" and self.details is None:
            raise RuleBroken(because("enter the organization's details to create it"))
        return self


class PartnerOrgStep(OrgDecision):
    """Create the partner organization (first order) or confirm the existing one; or say it is not yours."""


class CustomerAdminStep(StepInput):
    email: EmailStr


class CustomerOrgStep(OrgDecision):
    """Pick the customer's existing organization, or create a new one; or say none of them is right."""


class SubmitStep(StepInput):
    confirm: Literal[True] = Field(description="The customer and partner details are correct.")


class PasswordSetStep(StepInput):
    """Sent by the API after it stored the hash: the workflow learns only that a password exists."""


class SubscriptionStep(StepInput):
    """The subscription details were reviewed."""


# An address field a saved step may lack (None), stated in the schema as the text a new step must bring.
Street = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None,
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 200, "pattern": not_blank_pattern(1)}),
]
City = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | None,
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 100, "pattern": not_blank_pattern(1)}),
]
PostalCode = Annotated[
    Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)] | None,
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 20, "pattern": not_blank_pattern(1)}),
]
Country = Annotated[IsoCountry | None, WithJsonSchema({"type": "string", "enum": sorted(ISO_COUNTRIES)})]

CALLING_ADDRESS_FIELDS = ("street", "city", "postal_code", "country")
"""The calling location's address. A step saved before the address came has none (so each may be None), and the
Update validator refuses a new step without them (models/wizard_rules.py, calling_refusal); the schema states them
as required text."""


class CallingStep(StepInput):
    """Calling settings (seed 001/003 step 11, 'Nastavitve klicev'): the organization's main calling location, its
    address, time zone and language, and how calls reach the phone network. The calling plan comes from the order."""

    schema_rules: ClassVar[dict[str, Any]] = {
        "required": [
            "session_id",
            "calling_option",
            "location_name",
            "emergency_callback_number",
            *CALLING_ADDRESS_FIELDS,
        ]
    }

    calling_option: Literal["webex_calling", "cloud_connected_pstn", "premises_pstn"]
    location_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    emergency_callback_number: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=20, pattern=r"^\+[1-9][0-9 ]{6,18}$")
    ] = Field(description="International format, e.g. +386 1 234 5678.")
    street: Street = Field(default=None, description="The location's street and number, e.g. Koroška 5.")
    city: City = Field(default=None, description="The location's city.")
    postal_code: PostalCode = Field(default=None, description="The location's postal code.")
    country: Country = Field(default=None, description="The location's country, ISO 3166-1 alpha-2, e.g. SI.")
    time_zone: TimeZoneName | None = Field(
        default=None, description="The location's IANA time zone; empty: the order's time zone."
    )
    default_language: SupportedLanguage = Field(
        default=SupportedLanguage.ENGLISH, description="The language of the location's phones and announcements."
    )


LEGACY_MEETING_LANGUAGES = {
    "zh-CN": SupportedLanguage.SIMPLIFIED_CHINESE,
    "zh-TW": SupportedLanguage.TRADITIONAL_CHINESE,
}
"""The meeting languages' tags before they became the supported languages (models/languages.py): a saved step
still loads, read as today's tag."""
RetiredMeetingLanguage = Literal["fr", "es"]
"""Offered once, no longer (onramp does not speak them): a saved step loads, a new one is refused by the Update
validator (models/wizard_rules.py, meeting_refusal)."""


def _meeting_language(value: object) -> object:
    return LEGACY_MEETING_LANGUAGES.get(value, value) if isinstance(value, str) else value


MeetingLanguage = Annotated[
    SupportedLanguage | RetiredMeetingLanguage,
    BeforeValidator(_meeting_language),
    WithJsonSchema({"type": "string", "enum": [language.value for language in SupportedLanguage]}),
]


class MeetingStep(StepInput):
    """Meeting settings (seed 001/003 step 11, 'Nastavitve sestanka'): the site's default language and time zone,
    recording, audio. The site name comes from the subdomain (company settings) and the meeting types from the
    order (models/service_settings.py)."""

    default_language: MeetingLanguage = Field(
        default=SupportedLanguage.ENGLISH, description="One of the languages onramp speaks (models/languages.py)."
    )
    audio: Literal["webex_audio", "voip_only"] = "webex_audio"
    time_zone: TimeZoneName
    recording: bool = True


RESERVED_SUBDOMAINS = frozenset({"www", "admin", "api", "mail", "webex", "cisco", "support", "help", "login"})
SUBDOMAIN_RULE = because("Use 3-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen.")

Subdomain = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, min_length=3, max_length=63, pattern=r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$"
    ),
]


class CompanyStep(StepInput):
    subdomain: Subdomain = Field(description="3-63 letters, digits or hyphens, e.g. kranj-logistics.")

    @field_validator("subdomain", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("subdomain")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_SUBDOMAINS:
            raise RuleBroken(because("'%(subdomain)s' is reserved; choose another subdomain", subdomain=value))
        return value


class ProvisionStep(StepInput):
    pass


class JoinDecision(Contract):
    """The existing organization's administrator, from the confirmation link: may the new administrator join?"""

    decision: Literal["confirm", "refuse"]


class JoinAnswer(Contract):
    decided: Literal["confirmed", "refused"]
    message: str
    reason: Reason | None = Field(
        default=None, description="Why a confirmed join was refused after all (the address took another organization)."
    )


class LeaveStep(StepInput):
    """Exit: before the order is set up nothing entered is kept."""


class OwnAddress(Contract):
    """'This address is an alias' on the link's first page (the seed: the provisioning contact may be an alias, and
    whoever gets the mail adds their own address): the reader's address becomes the provisioning contact."""

    email: EmailStr = Field(description="Your own e-mail address: it gets a Set Up Now link of its own.")


class ContinueAsMyself(OwnAddress):
    """The same as the workflow's Update takes it, with whom the link was sent to (from the link, never from the
    caller), so a link replaced meanwhile, or the customer's, is refused."""

    alias_email: EmailStr
    audience: Audience = "partner"


# ----------------------------------------------------------------------------------------------- state


class WizardSession(Contract):
    id: str
    audience: Audience
    email: EmailStr
    opened_at: AwareDatetime
    last_active_at: AwareDatetime
    expires_at: AwareDatetime


class WizardAnswers(Contract):
    """What was entered before the order is set up; discarded when the session ends before the submit."""

    join_administrator: OrgAdministrator | None = Field(
        default=None, description="The chosen existing organization's administrator, who must confirm the join."
    )
    role: Audience | None = None
    setup_by: Literal["me", "colleague", "customer"] | None = None
    partner_org_found: FoundOrg | None = None
    partner_org_id: str | None = None
    new_partner_org: OrgDetails | None = None
    customer_admin_email: EmailStr | None = None
    customer_org_matches: list[FoundOrg] = Field(default_factory=list)
    customer_org_id: str | None = None
    new_customer_org: OrgDetails | None = None


class ServiceSetup(Contract):
    """What the service setup pages saved (persisted too, so nothing is lost after the submit)."""

    password_required: bool = False
    password_set: bool = False
    subscription_reviewed: bool = False
    calling: CallingStep | None = None
    meetings: MeetingStep | None = None
    subdomain: str | None = None


class SetupRecord(Contract):
    """The point of no return: what the submit persisted."""

    partner_org_id: str | None = Field(description="None when the customer set up and the partner has no org yet.")
    customer_org_id: str
    partner_org_created: bool
    customer_org_created: bool
    customer_admin_email: EmailStr
    partner_access: bool
    set_up_by: EmailStr
    set_up_at: AwareDatetime


class OrgJoin(Contract):
    """Joining an existing customer organization the finder proposed by name or domain: its administrator is
    asked first, and the order waits (status awaiting_org_confirmation) with what the submit would have saved."""

    org_id: str
    org_name: str
    administrator: EmailStr
    administrator_language: Language = "en"
    requested_by: EmailStr
    requested_at: AwareDatetime
    set_up: SetUpOrder
    reminded_at: AwareDatetime | None = None
    decided: Literal["confirmed", "refused"] | None = None
    decided_at: AwareDatetime | None = None


class WizardState(Contract):
    session: WizardSession | None = None
    expired_session_id: str | None = Field(default=None, description="The last session that expired idle.")
    step: WizardStep = WizardStep.ROLE
    answers: WizardAnswers = Field(default_factory=WizardAnswers)
    setup_by: Literal["me", "colleague", "customer"] | None = Field(
        default=None, description="Who sets up, once decided (kept across sessions)."
    )
    setup_by_email: EmailStr | None = None
    partner_access: bool = Field(
        default=True, description="False once the customer sets up: the partner cannot manage it."
    )
    setup: SetupRecord | None = None
    join: OrgJoin | None = Field(default=None, description="The confirmation asked of an existing organization.")
    services: ServiceSetup = Field(default_factory=ServiceSetup)
    steps_taken: int = 0


class WizardView(Contract):
    """What a step answers: where the wizard is now, and what the next page needs."""

    session_id: str | None
    step: WizardStep
    message: str | None = Field(default=None, description="What the step did, in English.")
    said: Reason | None = Field(default=None, description="The same, for the reader's language.")
    state: WizardState
