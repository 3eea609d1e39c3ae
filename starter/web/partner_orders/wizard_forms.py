"""The Set Up Now wizard's forms (seeds 001/003): for each page, its fields, how they become the step's input
(models/wizard_routes.py says which Update and model that is), where each error goes, and what a page shows first.

The rules of each step live in the workflow and in models/wizard_rules.py; a form only carries what was entered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from babel.support import LazyProxy
from pydantic import BaseModel, ValidationError

from models.languages import DEFAULT_LANGUAGE, FACTS, SupportedLanguage, supported
from models.partner_order import PartnerOrderState, Service
from models.refusals import Refusal, because
from models.wizard import CALLING_ADDRESS_FIELDS, SUBDOMAIN_RULE, WizardStep
from models.wizard_routes import ROUTE_OF_STEP, StepRoute
from starter.errors import OnrampError
from starter.web.forms import FormSpec, field_errors
from starter.web.reading import Text, lazy_gettext
from starter.web.said import said

SERVICE_LABELS: dict[Service, Text] = {
    Service.MEETINGS: "Webex Meetings",
    Service.CALLING: "Webex Calling",
    Service.MESSAGING: "Webex Messaging",
    Service.WEBINARS: "Webex Webinars",
    Service.DEVICES: "Webex Devices",
}
"""The services are brand names, the same in every language."""
CALLING_OPTIONS: dict[str, Text] = {
    "webex_calling": lazy_gettext("Webex Calling (cloud PSTN from Cisco)"),
    "cloud_connected_pstn": lazy_gettext("Cloud Connected PSTN (a Cisco PSTN partner)"),
    "premises_pstn": lazy_gettext("Premises-based PSTN (your own local gateway)"),
}
LANGUAGES = {language.value: FACTS[language].own_name for language in SupportedLanguage}
"""The languages a calling location and a meeting site may default to: those onramp speaks, each in its own name,
as the language menu names them."""
AUDIO_OPTIONS: dict[str, Text] = {
    "webex_audio": lazy_gettext("Webex Audio (call-in and call-back by phone, and computer audio)"),
    "voip_only": lazy_gettext("Computer audio only (VoIP)"),
}
CHOICES = frozenset({"role", "who", "decision", "choice", "calling_option", "audio", "default_language"})
SUBDOMAIN_HINT = LazyProxy(lambda: said(SUBDOMAIN_RULE), enable_cache=False)
"""models.wizard.SUBDOMAIN_RULE, in the reader's language."""
HINTS: dict[str, Text] = {
    "country": lazy_gettext("Enter the two-letter country code, e.g. SI."),
    "emergency_callback_number": lazy_gettext("Use the international format with a leading +, e.g. +386 1 234 5678."),
    "subdomain": SUBDOMAIN_HINT,
    "confirm": lazy_gettext("Tick the box to confirm that the details are correct."),
}
ORG_FIELDS = ("name", "country", "address", "city", "postal_code")
SECRET_FIELDS = frozenset({"password", "password_confirmation"})
CALLING_FIELDS = (
    "calling_option",
    "location_name",
    "street",
    "postal_code",
    "city",
    "country",
    "time_zone",
    "default_language",
    "emergency_callback_number",
)


def _spec(*fields: str, aliases: dict[str, str] | None = None, whole: str | None = None) -> FormSpec:
    return FormSpec(fields=fields, choices=CHOICES, hints=HINTS, aliases=aliases or {}, whole=whole)


def _blank_to_none(value: str | None) -> str | None:
    return value if value and value.strip() else None


def _setup_by(form: dict[str, str]) -> dict[str, Any]:
    who = form.get("who")
    return {"who": who, "email": None if who == "me" else _blank_to_none(form.get("email"))}


def _org_decision(form: dict[str, str]) -> dict[str, Any]:
    decision = form.get("decision") or None
    choice = form.get("choice") or None  # the customer organization page: one radio group for pick or create
    if decision is None and choice is not None:
        decision = "create" if choice == "create" else "use_existing"
    body: dict[str, Any] = {"decision": decision}
    if decision == "use_existing":
        body["org_id"] = form.get("org_id") or (choice if choice != "create" else None)
    if decision == "create":
        body["details"] = {name: form.get(name, "") for name in ORG_FIELDS}
    return body


def _calling(form: dict[str, str]) -> dict[str, Any]:
    """Every field as entered. A blank address field is left out, so the workflow says which part is missing (as it
    does for an API call without it); so are a blank time zone and language, which then are the order's and English."""
    body: dict[str, Any] = {name: form.get(name) or None for name in CALLING_FIELDS}
    for name in (*CALLING_ADDRESS_FIELDS, "time_zone", "default_language"):
        if not (form.get(name) or "").strip():
            del body[name]
    return body


def _meetings(form: dict[str, str]) -> dict[str, Any]:
    return {
        "default_language": form.get("default_language") or None,
        "audio": form.get("audio") or None,
        "time_zone": form.get("time_zone", ""),
        "recording": "recording" in form,
    }


def _nothing(_: dict[str, str]) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class StepForm:
    """One page's form: its fields and errors (``spec``), and how its fields become the step's input."""

    step: WizardStep
    spec: FormSpec
    build: Callable[[dict[str, str]], dict[str, Any]]

    @property
    def route(self) -> StepRoute:
        return ROUTE_OF_STEP[self.step]

    def parse(self, form: dict[str, str], session_id: str) -> BaseModel:
        """The step's input, or ValidationError."""
        return self.route.model.model_validate({**self.build(form), "session_id": session_id})


FORMS: dict[WizardStep, StepForm] = {
    form.step: form
    for form in (
        StepForm(WizardStep.ROLE, _spec("role"), lambda f: {"role": f.get("role") or None}),
        StepForm(WizardStep.SETUP_BY, _spec("who", "email", whole="email"), _setup_by),
        StepForm(WizardStep.PARTNER_ORG, _spec(*ORG_FIELDS), _org_decision),
        StepForm(WizardStep.CUSTOMER_ADMIN, _spec("email"), lambda f: {"email": f.get("email", "")}),
        StepForm(
            WizardStep.CUSTOMER_ORG,
            _spec("choice", *ORG_FIELDS, aliases={"decision": "choice", "org_id": "choice"}),
            _org_decision,
        ),
        StepForm(WizardStep.REVIEW, _spec("confirm"), lambda f: {"confirm": f.get("confirm") in ("on", "true")}),
        StepForm(WizardStep.PASSWORD, _spec("password", "password_confirmation"), _nothing),
        StepForm(WizardStep.SUBSCRIPTION, _spec(), _nothing),
        StepForm(WizardStep.CALLING, _spec(*CALLING_FIELDS), _calling),
        StepForm(WizardStep.MEETINGS, _spec("default_language", "audio", "time_zone", "recording"), _meetings),
        # lowercased here: the model's pattern is checked before its to_lower, as the availability check does
        StepForm(
            WizardStep.COMPANY, _spec("subdomain"), lambda f: {"subdomain": f.get("subdomain", "").strip().lower()}
        ),
        StepForm(WizardStep.PROVISION, _spec(), _nothing),
    )
}
STEP_OF_PATH = {form.route.path: step for step, form in FORMS.items()}


def form_errors(err: ValidationError, form: StepForm) -> tuple[dict[str, str], str | None]:
    """The form's problems next to their fields; a page posted without its session is a session problem."""
    if any("session_id" in error.get("loc", ()) for error in err.errors()):
        raise OnrampError(
            because("Your wizard session is not known here. Open the link in your e-mail again."),
            type=Refusal.WIZARD_SESSION_INVALID,
        )
    return field_errors(err, form.spec)


def kept_values(step: WizardStep, form: dict[str, str]) -> dict[str, Any]:
    """What a refused page shows again: what was entered, never a password."""
    kept: dict[str, Any] = {name: value for name, value in form.items() if name not in SECRET_FIELDS}
    if step is WizardStep.MEETINGS:
        kept["recording"] = "recording" in form
    return kept


def _org_values(details: BaseModel | None, name: str) -> dict[str, str]:
    if details is None:
        return {"name": name, "country": "", "address": "", "city": "", "postal_code": ""}
    return {key: str(value) for key, value in details.model_dump().items()}


def _customer_org_choice(order: PartnerOrderState) -> str:
    answers = order.wizard.answers
    matches = answers.customer_org_matches
    if answers.new_customer_org is not None or not matches:
        return "create"
    if answers.customer_org_id:
        return answers.customer_org_id
    administered = [m.id for m in matches if m.match == "admin_email"]
    return administered[0] if administered else ""


def defaults(order: PartnerOrderState, step: WizardStep) -> dict[str, Any]:
    """The values a page starts with: what was entered already, else sensible defaults from the order."""
    wizard, answers, services = order.wizard, order.wizard.answers, order.wizard.services
    if step is WizardStep.ROLE:
        return {"role": answers.role or (wizard.session.audience if wizard.session else "partner")}
    if step is WizardStep.SETUP_BY:
        return {"who": answers.setup_by or "me", "email": ""}
    if step is WizardStep.PARTNER_ORG:
        return _org_values(answers.new_partner_org, order.partner_name)
    if step is WizardStep.CUSTOMER_ADMIN:
        return {"email": str(answers.customer_admin_email or "")}
    if step is WizardStep.CUSTOMER_ORG:
        return {"choice": _customer_org_choice(order), **_org_values(answers.new_customer_org, order.customer_name)}
    if step is WizardStep.CALLING:
        if services.calling is not None:
            saved = services.calling.model_dump(mode="json", exclude={"session_id"})
            shown = {name: "" if value is None else value for name, value in saved.items()}  # saved before the address
            return {**shown, "time_zone": saved["time_zone"] or order.time_zone}
        return _calling_defaults(order)
    if step is WizardStep.MEETINGS:
        if services.meetings is not None:
            return services.meetings.model_dump(mode="json", exclude={"session_id"})
        return {
            "default_language": _order_language(order),
            "audio": "webex_audio",
            "time_zone": order.time_zone,
            "recording": True,
        }
    if step is WizardStep.COMPANY:
        return {"subdomain": services.subdomain or ""}
    return {}


def _order_language(order: PartnerOrderState) -> str:
    return (supported(order.language) or DEFAULT_LANGUAGE).value


def _calling_defaults(order: PartnerOrderState) -> dict[str, Any]:
    """A first visit: the address of the customer organization the wizard created (a found one's address is not
    known here), the order's time zone and language."""
    created = order.wizard.answers.new_customer_org
    return {
        "calling_option": "webex_calling",
        "location_name": "",
        "street": created.address if created else "",
        "postal_code": created.postal_code if created else "",
        "city": created.city if created else "",
        "country": created.country if created else "",
        "time_zone": order.time_zone,
        "default_language": _order_language(order),
        "emergency_callback_number": "",
    }
