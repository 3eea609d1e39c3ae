"""The Set Up Now wizard as web pages (seeds 001/003): one page per step at /setup/<token>, usable without JavaScript.

- GET /setup/<token> shows the page of the step the wizard is at; ``?step=<earlier step>`` shows an earlier page (Back)
  with what was entered. Without a live session (no cookie, another tab took over, idle expiry) it opens a new one.
- Every form POSTs (form-encoded) to /setup/<token>/<step>; the step runs as a workflow Update and, when accepted,
  the browser is sent back to GET (Post/Redirect/Get). A refusal re-renders the page with the reason next to its field.
- The wizard session id lives in an HttpOnly, SameSite=Lax cookie scoped to the link's path.

The rules live in the workflow (workflows/setup_wizard.py); this layer only renders and forwards.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from temporalio.client import Client
from temporalio.service import RPCError

from models import wizard_navigation as navigation
from models.partner_order import PartnerOrderState, Service
from models.refusals import Refusal
from models.wizard import BEFORE_SUBMIT_STEPS, STEP_TITLES, FoundOrg, LeaveStep, WizardStep, WizardView
from starter.client import TemporalUnreachable
from starter.errors import OnrampError
from starter.services import setup_wizard
from starter.services.setup_wizard import LinkInvalid, SetupLink
from starter.web.deps import temporal_client
from starter.web.partner_orders.wizard_api import STEPS as API_STEPS
from starter.web.rendering import Portal
from store import SessionFactory

log = logging.getLogger("onramp.web")

COOKIE = "onramp_wizard"
MAX_FORM_BYTES = 64 * 1024
SESSION_INVALID = Refusal.WIZARD_SESSION_INVALID
CONFLICT_TYPES = frozenset(
    {SESSION_INVALID, Refusal.WIZARD_STEP_CONFLICT, Refusal.SETUP_CONFLICT, Refusal.SUBDOMAIN_TAKEN}
)

PAGES = Portal(
    layout="partner_orders/_layout.html",
    optional=("order",),
    unavailable_title="The setup is unavailable right now",
    unavailable=(
        "We cannot reach the service that runs the setup at the moment. Nothing you entered was lost "
        "because of this; please try again in a few minutes."
    ),
)


SERVICE_LABELS = {
    Service.MEETINGS: "Webex Meetings",
    Service.CALLING: "Webex Calling",
    Service.MESSAGING: "Webex Messaging",
    Service.WEBINARS: "Webex Webinars",
    Service.DEVICES: "Webex Devices",
}
CALLING_OPTIONS = {
    "webex_calling": "Webex Calling (cloud PSTN from Cisco)",
    "cloud_connected_pstn": "Cloud Connected PSTN (a Cisco PSTN partner)",
    "premises_pstn": "Premises-based PSTN (your own local gateway)",
}
LANGUAGES = {
    "en": "English",
    "sl": "Slovenščina",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "ar": "العربية",
    "zh-CN": "简体中文",
    "zh-TW": "繁體中文",
}
AUDIO_OPTIONS = {
    "webex_audio": "Webex Audio (call-in and call-back by phone, and computer audio)",
    "voip_only": "Computer audio only (VoIP)",
}
PATTERN_HINTS = {
    "country": "Enter the two-letter country code, e.g. SI.",
    "emergency_callback_number": "Use the international format with a leading +, e.g. +386 1 234 5678.",
    "subdomain": "Use 3-63 lowercase letters, digits or hyphens, not starting or ending with a hyphen.",
}
CHOICE_FIELDS = frozenset({"role", "who", "decision", "choice", "calling_option", "audio", "default_language"})
ORG_FIELDS = ("name", "country", "address", "city", "postal_code")
SECRET_FIELDS = frozenset({"password", "password_confirmation"})
FIELD_OF_ERROR_TYPE = {Refusal.SUBDOMAIN_TAKEN: "subdomain"}  # refusals whose field the activity does not name


# ---------------------------------------------------------------------------------------------- the steps' forms


def _blank_to_none(value: str | None) -> str | None:
    return value if value and value.strip() else None


def _org_details(form: dict[str, str]) -> dict[str, str]:
    return {name: form.get(name, "") for name in ORG_FIELDS}


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
        body["details"] = _org_details(form)
    return body


@dataclass(frozen=True)
class StepForm:
    """One page's form: where it posts, which fields it shows, and how its fields become the step's input."""

    path: str
    fields: tuple[str, ...]
    build: Callable[[dict[str, str]], dict[str, Any]]
    aliases: dict[str, str] = field(default_factory=dict)  # model field -> the page field its error goes next to
    model_error_field: str | None = None  # where a whole-model error (a model validator) goes

    @property
    def update(self) -> str:
        return _API[self.path][0]

    @property
    def model(self) -> type[BaseModel]:
        return _API[self.path][1]


_API: dict[str, tuple[str, type[BaseModel]]] = {path: (update, model) for path, update, model, _ in API_STEPS}

FORMS: dict[WizardStep, StepForm] = {
    WizardStep.ROLE: StepForm("role", ("role",), lambda f: {"role": f.get("role") or None}),
    WizardStep.SETUP_BY: StepForm("setup-by", ("who", "email"), _setup_by, model_error_field="email"),
    WizardStep.PARTNER_ORG: StepForm("partner-org", ORG_FIELDS, _org_decision),
    WizardStep.CUSTOMER_ADMIN: StepForm("customer-admin", ("email",), lambda f: {"email": f.get("email", "")}),
    WizardStep.CUSTOMER_ORG: StepForm(
        "customer-org", ("choice", *ORG_FIELDS), _org_decision, aliases={"decision": "choice", "org_id": "choice"}
    ),
    WizardStep.REVIEW: StepForm("submit", ("confirm",), lambda f: {"confirm": f.get("confirm") in ("on", "true")}),
    WizardStep.PASSWORD: StepForm("password", ("password", "password_confirmation"), lambda f: {}),
    WizardStep.SUBSCRIPTION: StepForm("subscription", (), lambda f: {}),
    WizardStep.CALLING: StepForm(
        "calling",
        ("calling_option", "location_name", "emergency_callback_number"),
        lambda f: {
            name: f.get(name) or None for name in ("calling_option", "location_name", "emergency_callback_number")
        },
    ),
    WizardStep.MEETINGS: StepForm(
        "meetings",
        ("default_language", "audio", "time_zone", "recording"),
        lambda f: {
            "default_language": f.get("default_language") or None,
            "audio": f.get("audio") or None,
            "time_zone": f.get("time_zone", ""),
            "recording": "recording" in f,
        },
    ),
    # lowercased here: the model's pattern is checked before its to_lower (see the report), as availability does
    WizardStep.COMPANY: StepForm(
        "company", ("subdomain",), lambda f: {"subdomain": f.get("subdomain", "").strip().lower()}
    ),
    WizardStep.PROVISION: StepForm("provision", (), lambda f: {}),
}
STEP_OF_PATH = {form.path: step for step, form in FORMS.items()}


def _friendly(error: Any, name: str | None) -> str:
    """pydantic's message, said the way a form says it."""
    kind, message = error.get("type", ""), str(error.get("msg", "This value is not valid."))
    if kind in ("missing", "string_too_short", "literal_error") or (kind == "string_type" and name in CHOICE_FIELDS):
        if name in CHOICE_FIELDS:
            return "Choose one of the options."
        if kind == "literal_error" and name == "confirm":
            return "Tick the box to confirm that the details are correct."
        if kind != "literal_error":
            return "Please fill in this field."
    if kind == "string_pattern_mismatch" and name in PATTERN_HINTS:
        return PATTERN_HINTS[name]
    if kind == "string_too_long":
        return message.replace("String should have", "Use").replace("characters", "characters or fewer")
    message = message.removeprefix("Value error, ")
    if message.startswith("value is not a valid email address"):
        reason = message.partition(": ")[2]
        return "This is not a valid e-mail address." + (f" {reason}" if reason else "")
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


def _field_errors(err: ValidationError, form: StepForm) -> tuple[dict[str, str], str | None]:
    """Each problem next to the page's field it is about; the rest at the top of the page."""
    errors: dict[str, str] = {}
    top: str | None = None
    for error in err.errors():
        names = [part for part in error.get("loc", ()) if isinstance(part, str)]
        name = names[-1] if names else form.model_error_field
        if name == "session_id":
            raise OnrampError(
                "Your wizard session is not known here. Open the link in your e-mail again.", type=SESSION_INVALID
            )
        name = form.aliases.get(name, name) if name else None
        message = _friendly(error, name)
        if name in form.fields:
            errors.setdefault(name, message)
        elif top is None:
            top = message
    return errors, top


async def _read_form(request: Request) -> dict[str, str]:
    """The form's fields (application/x-www-form-urlencoded, the only encoding the pages use); first value wins."""
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_FORM_BYTES:
            raise OnrampError("The form is too large.", type=Refusal.FORM_TOO_LARGE)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if body and content_type != "application/x-www-form-urlencoded":
        raise OnrampError("The form could not be read: send it from the wizard's page.", type=Refusal.FORM_UNREADABLE)
    try:
        pairs = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True, max_num_fields=200)
    except ValueError:
        raise OnrampError("The form has too many fields.", type=Refusal.FORM_UNREADABLE) from None
    form: dict[str, str] = {}
    for name, value in pairs:
        form.setdefault(name, value)
    return form


# ---------------------------------------------------------------------------------------------- where the wizard is


def _step_url(token: str, order: PartnerOrderState, step: WizardStep) -> str:
    return f"/setup/{token}" if step is order.wizard.step else f"/setup/{token}?step={step.value}"


@dataclass
class ProgressItem:
    title: str
    state: str  # done | current | todo
    href: str | None
    number: int = 0


@dataclass
class Phase:
    name: str
    items: list[ProgressItem]


def _progress(token: str, order: PartnerOrderState, shown: WizardStep) -> list[Phase]:
    def item(step: WizardStep) -> ProgressItem:
        state = "current" if step is shown else "done" if navigation.done(order, step) else "todo"
        linked = step is not shown and navigation.reachable(order, step)
        return ProgressItem(STEP_TITLES[step], state, _step_url(token, order, step) if linked else None)

    phases = [
        Phase("Order setup", [item(step) for step in navigation.before_path(order)]),
        Phase("Service setup", [item(step) for step in navigation.after_path(order)]),
    ]
    for number, entry in enumerate((entry for phase in phases for entry in phase.items), start=1):
        entry.number = number  # one count across both phases, as "Step N of M" on the page
    return phases


def _back(token: str, order: PartnerOrderState, shown: WizardStep) -> str | None:
    previous = navigation.back(order, shown)
    return _step_url(token, order, previous) if previous is not None else None


# ---------------------------------------------------------------------------------------------- what a page shows


def _org_values(details: BaseModel | None, name: str) -> dict[str, str]:
    if details is None:
        return {"name": name, "country": "", "address": "", "city": "", "postal_code": ""}
    return {key: str(value) for key, value in details.model_dump().items()}


def _defaults(order: PartnerOrderState, step: WizardStep) -> dict[str, Any]:
    """The values a page starts with: what was entered already, else sensible defaults from the order."""
    wizard, answers, services = order.wizard, order.wizard.answers, order.wizard.services
    session = wizard.session
    if step is WizardStep.ROLE:
        return {"role": answers.role or (session.audience if session else "partner")}
    if step is WizardStep.SETUP_BY:
        return {"who": answers.setup_by or "me", "email": ""}
    if step is WizardStep.PARTNER_ORG:
        return _org_values(answers.new_partner_org, order.partner_name)
    if step is WizardStep.CUSTOMER_ADMIN:
        return {"email": str(answers.customer_admin_email or "")}
    if step is WizardStep.CUSTOMER_ORG:
        matches = answers.customer_org_matches
        if answers.new_customer_org is not None or not matches:
            choice = "create"
        elif answers.customer_org_id:
            choice = answers.customer_org_id
        else:
            administered = [m.id for m in matches if m.match == "admin_email"]
            choice = administered[0] if administered else ""
        return {"choice": choice, **_org_values(answers.new_customer_org, order.customer_name)}
    if step is WizardStep.CALLING:
        if services.calling is not None:
            return services.calling.model_dump(exclude={"session_id"})
        return {"calling_option": "webex_calling", "location_name": "", "emergency_callback_number": ""}
    if step is WizardStep.MEETINGS:
        if services.meetings is not None:
            return services.meetings.model_dump(exclude={"session_id"})
        return {"default_language": "en", "audio": "webex_audio", "time_zone": order.time_zone, "recording": True}
    if step is WizardStep.COMPANY:
        return {"subdomain": services.subdomain or ""}
    return {}


MATCH_REASONS = {
    "admin_email": "Its administrator has the e-mail address {admin}.",
    "name": "It has the same company name as the order ({customer}).",
    "domain": "Its administrator's e-mail address has the same domain ({domain}).",
    "partner_admin": "You ({you}) are an administrator of this organization.",
    "partner_name": "It has your company's name as on the order ({partner}).",
}


def _why(order: PartnerOrderState, org: FoundOrg) -> str:
    wizard = order.wizard
    admin = str(wizard.answers.customer_admin_email or "")
    return MATCH_REASONS[org.match].format(
        admin=admin,
        customer=order.customer_name,
        domain=admin.rpartition("@")[2],
        you=str(wizard.session.email) if wizard.session else "you",
        partner=order.partner_name,
    )


def _place(org: FoundOrg) -> str:
    return ", ".join(part for part in (org.city, org.country) if part)


@dataclass
class Page:
    """One rendering of one step's page."""

    token: str
    order: PartnerOrderState
    step: WizardStep
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    notice: str | None = None
    availability: tuple[bool, str] | None = None


def _render_step(page: Page, status: int = 200) -> HTMLResponse:
    order, step, token = page.order, page.step, page.token
    wizard = order.wizard
    form = FORMS[step]
    path = [*navigation.before_path(order), *navigation.after_path(order)]
    answers, services = wizard.answers, wizard.services
    matches = [{"org": org, "why": _why(order, org), "place": _place(org)} for org in answers.customer_org_matches]
    notice = page.notice
    if notice is None and step is not wizard.step and step in BEFORE_SUBMIT_STEPS:
        notice = "You went back to an earlier page. Going on from here replaces what you entered on the later pages."
    first_service_page = step is wizard.step and step in (WizardStep.PASSWORD, WizardStep.SUBSCRIPTION)
    if notice is None and first_service_page and not (services.subscription_reviewed or services.password_set):
        notice = "Your order has been set up successfully. The service setup wizard starts here."
    chosen_customer_org = next((m for m in answers.customer_org_matches if m.id == answers.customer_org_id), None)
    return PAGES.render(
        f"partner_orders/{step.value}.html",
        status,
        title=STEP_TITLES[step],
        step=step.value,
        token=token,
        order=order,
        wizard=wizard,
        answers=answers,
        services=services,
        session=wizard.session,
        action=f"/setup/{token}/{form.path}",
        leave_action=f"/setup/{token}/leave",
        back=_back(token, order, step),
        phases=_progress(token, order, step),
        position=path.index(step) + 1 if step in path else None,
        total=len(path),
        values={**_defaults(order, step), **page.values},
        errors=page.errors,
        error=page.error,
        notice=notice,
        availability=page.availability,
        matches=matches,
        administered=[m for m in answers.customer_org_matches if m.match == "admin_email"],
        found=answers.partner_org_found,
        found_why=_why(order, answers.partner_org_found) if answers.partner_org_found else "",
        chosen_customer_org=chosen_customer_org,
        service_labels=[SERVICE_LABELS.get(s, s.value) for s in order.purchased_services],
        calling_options=CALLING_OPTIONS,
        languages=LANGUAGES,
        audio_options=AUDIO_OPTIONS,
        customer_path=navigation.customer_path(order),
    )


def _message_page(
    title: str, message: str, status: int, *, link: tuple[str, str] | None = None, order: Any = None
) -> HTMLResponse:
    return PAGES.message(title, message, status, link=link, order=order)


def _link_invalid_page() -> HTMLResponse:
    return _message_page(
        "This link no longer works",
        "It is unknown, has expired, or was replaced by a newer one (for example after the setup was handed to "
        "someone else, or after the order was provisioned). Use the newest Set Up Now e-mail you received. "
        "Ask your Cisco account representative to resend the Set Up Now e-mail.",
        404,
    )


def _session_problem(token: str, message: str, status: int = 409) -> HTMLResponse:
    response = _message_page(
        "This wizard page is out of date", message, status, link=(f"/setup/{token}", "Start again here")
    )
    _forget_cookie(response, token)
    return response


def _set_cookie(response: Response, request: Request, token: str, session_id: str) -> None:
    response.set_cookie(
        COOKIE,
        session_id,
        path=f"/setup/{token}",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def _forget_cookie(response: Response, token: str) -> None:
    response.delete_cookie(COOKIE, path=f"/setup/{token}", httponly=True, samesite="lax")


# ---------------------------------------------------------------------------------------------- routes

Handler = Callable[..., Awaitable[Response]]


def _guarded(handler: Handler) -> Handler:
    """A person sees a page, never a stack trace: link, Temporal and unexpected errors become friendly pages."""

    @functools.wraps(handler)
    async def guarded(*args: Any, **kwargs: Any) -> Response:
        try:
            return await handler(*args, **kwargs)
        except LinkInvalid:
            return _link_invalid_page()
        except (TemporalUnreachable, RPCError):
            log.warning("the wizard could not reach Temporal", exc_info=True)
            return _message_page(
                "The setup is unavailable right now",
                "We cannot reach the service that runs the setup at the moment. Nothing you entered was lost "
                "because of this; please try again in a few minutes.",
                503,
            )
        except OnrampError as err:
            return _message_page("This cannot be done", err.message, err.http_status)
        except Exception:
            log.exception("unexpected error on a wizard page")
            return _message_page(
                "Something went wrong", "Something went wrong on our side; it has been logged. Please try again.", 500
            )

    return guarded


def install(app: FastAPI) -> None:
    """The wizard's pages at /setup/<token> and their stylesheet at /static."""

    def sessions(request: Request) -> SessionFactory:
        factory: SessionFactory = request.app.state.sessions
        return factory

    async def client(request: Request) -> Client:
        return await temporal_client(request)

    @app.get("/setup/{token}", response_class=HTMLResponse, include_in_schema=False)
    @_guarded
    async def show(token: str, request: Request, step: str | None = None) -> Response:
        link = await setup_wizard.resolve(sessions(request), token)
        temporal = await client(request)
        order = await setup_wizard.state(temporal, link)
        session = order.wizard.session
        cookie = request.cookies.get(COOKIE)
        live = session is not None and cookie == session.id and session.expires_at > datetime.now(UTC)
        opened: str | None = None
        if not live:
            view = await setup_wizard.open_session(temporal, link)
            opened = view.session_id
            order = await setup_wizard.state(temporal, link)
        shown = order.wizard.step
        if live and step:
            wanted = next((s for s in WizardStep if s.value == step), None)
            if wanted is not None and navigation.reachable(order, wanted):
                shown = wanted
        if shown not in FORMS:  # done: the link has stopped working, but a page may still be asked for
            return _final(token, order.wizard.step, None, order)
        response = _render_step(Page(token, order, shown))
        if opened:
            _set_cookie(response, request, token, opened)
        return response

    @app.post("/setup/{token}/{path}", response_class=HTMLResponse, include_in_schema=False)
    @_guarded
    async def post(token: str, path: str, request: Request) -> Response:
        link = await setup_wizard.resolve(sessions(request), token)
        form = await _read_form(request)
        if path != "leave" and path not in STEP_OF_PATH:
            return _message_page("There is no such page", "Open the link in your e-mail to continue the setup.", 404)
        session_id = request.cookies.get(COOKIE)
        if not session_id:
            return _session_problem(
                token,
                "Your wizard session has ended, or your browser did not keep it (cookies must be allowed for this "
                "page). Open the link again to start the setup.",
            )
        temporal = await client(request)
        if path == "leave":
            return await _leave(temporal, link, token, session_id)
        step = STEP_OF_PATH[path]
        return await _post_step(request, temporal, link, token, step, session_id, form)

    async def _post_step(
        request: Request,
        temporal: Client,
        link: SetupLink,
        token: str,
        step: WizardStep,
        session_id: str,
        form: dict[str, str],
    ) -> Response:
        spec = FORMS[step]
        kept: dict[str, Any] = {name: value for name, value in form.items() if name not in SECRET_FIELDS}
        if step is WizardStep.MEETINGS:
            kept["recording"] = "recording" in form
        if step is WizardStep.COMPANY and form.get("action") == "check":
            available = await setup_wizard.subdomain_available(sessions(request), form.get("subdomain", ""))
            order = await setup_wizard.state(temporal, link)
            shown = step if navigation.reachable(order, step) else order.wizard.step
            values = kept if shown is step else {}
            return _render_step(Page(token, order, shown, values=values, availability=available))
        try:
            if step is WizardStep.PASSWORD:
                view = await setup_wizard.set_password(
                    temporal,
                    sessions(request),
                    link,
                    session_id,
                    form.get("password", ""),
                    form.get("password_confirmation", ""),
                )
            else:
                try:
                    model = spec.model.model_validate({**spec.build(form), "session_id": session_id})
                except ValidationError as err:
                    errors, top = _field_errors(err, spec)
                    order = await setup_wizard.state(temporal, link)
                    return _render_step(Page(token, order, step, values=kept, errors=errors, error=top), 422)
                view = await setup_wizard.step(temporal, link, spec.update, model)
        except OnrampError as err:
            return await _refused(temporal, link, token, step, kept, err)
        if view.session_id is None:
            return _final(token, step, view, await _state_or_none(temporal, link))
        return RedirectResponse(f"/setup/{token}", status_code=303)

    async def _leave(temporal: Client, link: SetupLink, token: str, session_id: str) -> Response:
        try:
            view = await setup_wizard.step(temporal, link, "leave", LeaveStep(session_id=session_id))
        except ValidationError:
            return _session_problem(token, "Your wizard session is not known here. Open the link again.")
        except OnrampError as err:
            if err.type == SESSION_INVALID:
                return _session_problem(token, err.message)
            raise
        return _final(token, None, view, None)

    async def _refused(
        temporal: Client, link: SetupLink, token: str, posted: WizardStep, kept: dict[str, Any], err: OnrampError
    ) -> Response:
        """The workflow said no: show why, next to the field it is about, on the page it is about."""
        if err.type == SESSION_INVALID:
            return _session_problem(token, err.message)
        status = 409 if err.type in CONFLICT_TYPES else err.http_status  # set_password says 400 for these
        order = await setup_wizard.state(temporal, link)
        current = order.wizard.step
        on_posted_page = status == 422 or posted is current
        shown = posted if on_posted_page else current
        if shown not in FORMS or order.wizard.session is None:
            return _message_page("This cannot be done", err.message, status, order=order)
        name = err.field or FIELD_OF_ERROR_TYPE.get(err.type)
        name = FORMS[shown].aliases.get(name, name) if name else None
        errors = {name: err.message} if name and name in FORMS[shown].fields else {}
        return _render_step(
            Page(
                token,
                order,
                shown,
                values=kept if shown is posted else {},
                errors=errors,
                error=None if errors else err.message,
            ),
            status,
        )

    async def _state_or_none(temporal: Client, link: SetupLink) -> PartnerOrderState | None:
        try:
            return await setup_wizard.state(temporal, link)
        except (OnrampError, RPCError):
            return None

    def _final(
        token: str, posted: WizardStep | None, view: WizardView | None, order: PartnerOrderState | None
    ) -> Response:
        """The wizard ended (left, handed over, halted, provisioned): say so; the session cookie goes."""
        message = view.message if view is not None and view.message else ""
        if posted in (WizardStep.PROVISION, WizardStep.DONE) or (view is not None and view.step is WizardStep.DONE):
            services = [SERVICE_LABELS.get(s, s.value) for s in order.purchased_services] if order else []
            wizard = order.wizard if order else (view.state if view else None)
            response = PAGES.render(
                "partner_orders/done.html",
                title="Your subscription is active",
                message=message or "Your subscription is active and billing has started.",
                service_labels=services,
                subdomain=wizard.services.subdomain if wizard else None,
                customer_admin=(
                    str(wizard.setup.customer_admin_email)
                    if wizard and wizard.setup and wizard.setup.customer_admin_email != wizard.setup.set_up_by
                    else None
                ),
                order=order,
            )
        elif posted is None:
            response = _message_page(
                "You left the setup", message, 200, link=(f"/setup/{token}", "Open the setup again"), order=order
            )
        elif posted is WizardStep.SETUP_BY:
            response = _message_page("The setup was handed over", message, 200, order=order)
        else:
            response = _message_page("The setup has stopped", message, 200, order=order)
        _forget_cookie(response, token)
        return response
