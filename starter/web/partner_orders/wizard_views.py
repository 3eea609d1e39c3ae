"""What a page of the Set Up Now wizard shows (seeds 001/003): the step's form with what was entered, the progress
bar over both phases, the Back link, why an organization was proposed, and the pages the wizard ends with.

Where the wizard may go is models/wizard_navigation.py, the same functions the workflow decides with.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from models import service_settings
from models import wizard_navigation as navigation
from models.partner_order import PartnerOrderState, PartnerOrderStatus
from models.refusals import Reason
from models.wizard import BEFORE_SUBMIT_STEPS, STEP_WORDS, WizardStep, WizardView
from models.wizard_activities import FoundOrg
from starter.services.setup_wizard import CustomerSettingUp, LinkInvalid
from starter.web import cookie_policy
from starter.web.partner_orders import wizard_choices
from starter.web.partner_orders.wizard_forms import (
    AUDIO_OPTIONS,
    CALLING_OPTIONS,
    FORMS,
    LANGUAGES,
    SERVICE_LABELS,
    defaults,
)
from starter.web.reading import Text, gettext, lazy_gettext
from starter.web.rendering import Portal
from starter.web.said import named, said
from translations import N_

COOKIE = "onramp_wizard"
MATCH_REASONS = {
    "admin_email": N_("Its administrator has the e-mail address %(admin)s."),
    "name": N_("It has the same company name as the order (%(customer)s)."),
    "domain": N_("Its administrator's e-mail address has the same domain (%(domain)s)."),
    "partner_admin": N_("You (%(you)s) are an administrator of this organization."),
    "partner_name": N_("It has your company's name as on the order (%(partner)s)."),
}
BACK_NOTICE = lazy_gettext(
    "You went back to an earlier page. Going on from here replaces what you entered on the later pages."
)
SET_UP_NOTICE = lazy_gettext("Your order has been set up successfully. The service setup wizard starts here.")


def link_invalid_page(_: Exception | None = None, __: Request | None = None) -> Response:
    return PAGES.message(
        gettext("This link no longer works"),
        gettext(
            "It is unknown, has expired, or was replaced by a newer one (for example after the setup was handed to "
            "someone else, or after the order was provisioned). Use the newest Set Up Now e-mail you received. "
            "Ask your Cisco account representative to resend the Set Up Now e-mail."
        ),
        404,
    )


def customer_setting_up_page(_: Exception | None = None, __: Request | None = None) -> Response:
    """A partner's next visit after "the customer will set up": who is setting up, and why the link is closed."""
    return PAGES.message(
        gettext("The customer is setting up"),
        gettext(
            "The customer's administrator is setting up this order: it was left to the customer ('The customer will "
            "set up'), so partners have no access to manage the customer's organization, and this link no longer "
            "opens the order. Your Cisco account representative can answer questions about it."
        ),
        404,
    )


PAGES = Portal(
    layout="partner_orders/_layout.html",
    optional=("order",),
    unavailable_title=lazy_gettext("The setup is unavailable right now"),
    unavailable=lazy_gettext(
        "We cannot reach the service that runs the setup at the moment. Nothing you entered was lost "
        "because of this; please try again in a few minutes."
    ),
    on={CustomerSettingUp: customer_setting_up_page, LinkInvalid: link_invalid_page},
)


# ---------------------------------------------------------------------------------------------- the progress bar


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


def step_url(token: str, order: PartnerOrderState, step: WizardStep) -> str:
    return f"/setup/{token}" if step is order.wizard.step else f"/setup/{token}?step={step.value}"


def progress(token: str, order: PartnerOrderState, shown: WizardStep) -> list[Phase]:
    def item(step: WizardStep) -> ProgressItem:
        state = "current" if step is shown else "done" if navigation.done(order, step) else "todo"
        linked = step is not shown and navigation.reachable(order, step)
        return ProgressItem(named(STEP_WORDS[step]), state, step_url(token, order, step) if linked else None)

    phases = [
        Phase(gettext("Order setup"), [item(step) for step in navigation.before_path(order)]),
        Phase(gettext("Service setup"), [item(step) for step in navigation.after_path(order)]),
    ]
    for number, entry in enumerate((entry for phase in phases for entry in phase.items), start=1):
        entry.number = number  # one count across both phases, as "Step N of M" on the page
    return phases


def back_url(token: str, order: PartnerOrderState, shown: WizardStep) -> str | None:
    previous = navigation.back(order, shown)
    return step_url(token, order, previous) if previous is not None else None


# ---------------------------------------------------------------------------------------------- a step's page


def why(order: PartnerOrderState, org: FoundOrg) -> str:
    """Why the organization finder proposed this organization."""
    wizard = order.wizard
    admin = str(wizard.answers.customer_admin_email or "")
    return gettext(
        MATCH_REASONS[org.match],
        admin=admin,
        customer=order.customer_name,
        domain=admin.rpartition("@")[2],
        you=str(wizard.session.email) if wizard.session else gettext("you"),
        partner=order.partner_name,
    )


def place(org: FoundOrg) -> str:
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
    notice: Text | None = None
    availability: tuple[bool, str] | None = None


def _notice(page: Page) -> Text | None:
    wizard, step = page.order.wizard, page.step
    if page.notice is not None:
        return page.notice
    if step is not wizard.step and step in BEFORE_SUBMIT_STEPS:
        return BACK_NOTICE
    services = wizard.services
    first_service_page = step is wizard.step and step in (WizardStep.PASSWORD, WizardStep.SUBSCRIPTION)
    if first_service_page and not (services.subscription_reviewed or services.password_set):
        return SET_UP_NOTICE
    return None


def _organizations(order: PartnerOrderState) -> dict[str, Any]:
    answers = order.wizard.answers
    matches = answers.customer_org_matches
    found = answers.partner_org_found
    return {
        "matches": [{"org": org, "why": why(order, org), "place": place(org)} for org in matches],
        "administered": [m for m in matches if m.match == "admin_email"],
        "found": found,
        "found_why": why(order, found) if found else "",
        "chosen_customer_org": next((m for m in matches if m.id == answers.customer_org_id), None),
    }


def render_step(page: Page, status: int = 200) -> HTMLResponse:
    order, step, token = page.order, page.step, page.token
    wizard = order.wizard
    path = [*navigation.before_path(order), *navigation.after_path(order)]
    return PAGES.render(
        f"partner_orders/{step.value}.html",
        status,
        title=named(STEP_WORDS[step]),
        step=step.value,
        token=token,
        order=order,
        wizard=wizard,
        answers=wizard.answers,
        services=wizard.services,
        session=wizard.session,
        action=f"/setup/{token}/{FORMS[step].route.path}",
        leave_action=f"/setup/{token}/leave",
        back=back_url(token, order, step),
        phases=progress(token, order, step),
        position=path.index(step) + 1 if step in path else None,
        total=len(path),
        values={**defaults(order, step), **page.values},
        errors=page.errors,
        error=page.error,
        notice=_notice(page),
        availability=page.availability,
        service_labels=[str(SERVICE_LABELS.get(s, s.value)) for s in order.purchased_services],
        calling_options=CALLING_OPTIONS,
        languages=LANGUAGES,
        audio_options=AUDIO_OPTIONS,
        **_service_settings(order, step),
        customer_path=navigation.customer_path(order),
        **_organizations(order),
    )


def _service_settings(order: PartnerOrderState, step: WizardStep) -> dict[str, Any]:
    """What the service setup pages show of the settings (models/service_settings.py), and the calling and meeting
    pages' choices."""
    if step not in SETTINGS_PAGES:
        return {}
    shown: dict[str, Any] = {"summary": service_settings.summary(order), "country_name": wizard_choices.country_name}
    if step in (WizardStep.CALLING, WizardStep.MEETINGS):
        services = order.wizard.services
        saved = (
            services.calling.time_zone if services.calling else None,
            services.meetings.time_zone if services.meetings else None,
        )
        zones = wizard_choices.time_zones(order.time_zone, *saved)
        shown |= {"countries": wizard_choices.countries(), "zones": zones}
    return shown


SETTINGS_PAGES = frozenset({WizardStep.SUBSCRIPTION, WizardStep.CALLING, WizardStep.MEETINGS, WizardStep.PROVISION})


# ---------------------------------------------------------------------------------------------- other pages


def message_page(
    title: Text, message: Text, status: int, *, link: tuple[str, Text] | None = None, order: Any = None
) -> HTMLResponse:
    return PAGES.message(title, message, status, link=link, order=order)


def session_problem(token: str, message: Text, status: int = 409) -> HTMLResponse:
    response = message_page(
        gettext("This wizard page is out of date"),
        message,
        status,
        link=(f"/setup/{token}", gettext("Start again here")),
    )
    forget_cookie(response, token)
    return response


def set_cookie(response: Response, request: Request, token: str, session_id: str) -> None:
    cookie_policy.put(response, request, COOKIE, session_id, path=f"/setup/{token}")


def session_cookie(request: Request, token: str) -> str | None:
    return cookie_policy.read(request, COOKIE, f"/setup/{token}")


def forget_cookie(response: Response, token: str) -> None:
    """The cookie goes, under either of its names (over HTTPS it carries the __Secure- prefix)."""
    for name in (COOKIE, f"__Secure-{COOKIE}"):
        response.delete_cookie(name, path=f"/setup/{token}", httponly=True, samesite="lax")


def _done_page(message: str, view: WizardView | None, order: PartnerOrderState | None) -> HTMLResponse:
    services = [str(SERVICE_LABELS.get(s, s.value)) for s in order.purchased_services] if order else []
    wizard = order.wizard if order else (view.state if view else None)
    setup = wizard.setup if wizard else None
    return PAGES.render(
        "partner_orders/done.html",
        title=gettext("Your subscription is active"),
        message=message or gettext("Your subscription is active and billing has started."),
        service_labels=services,
        subdomain=wizard.services.subdomain if wizard else None,
        customer_admin=(
            str(setup.customer_admin_email) if setup and setup.customer_admin_email != setup.set_up_by else None
        ),
        order=order,
    )


WAITING_FOR_ORG = lazy_gettext("Waiting for the organization's administrator")


def waiting_message(order: PartnerOrderState) -> str:
    join = order.wizard.join
    if join is None:
        return gettext(
            "The administrator of the organization you chose has been asked to confirm; you get an e-mail when "
            "they have decided."
        )
    return gettext(
        "The administrator of '%(org)s' has been asked to confirm; you get an e-mail when they have decided.",
        org=join.org_name,
    )


def availability_said(available: tuple[bool, Reason]) -> tuple[bool, str]:
    """'Check availability''s advice in the reader's language."""
    ok, reason = available
    return ok, said(reason)


def _step_said(view: WizardView | None) -> str:
    """What the last step did, in the reader's language."""
    if view is None:
        return ""
    if view.said is not None:
        return said(view.said)
    return view.message or ""


def final_page(
    token: str, posted: WizardStep | None, view: WizardView | None, order: PartnerOrderState | None
) -> Response:
    """The wizard ended (left, handed over, halted, provisioned): say so; the session cookie goes."""
    message = _step_said(view)
    if posted in (WizardStep.PROVISION, WizardStep.DONE) or (view is not None and view.step is WizardStep.DONE):
        response = _done_page(message, view, order)
    elif posted is None:
        again = (f"/setup/{token}", gettext("Open the setup again"))
        response = message_page(gettext("You left the setup"), message, 200, link=again, order=order)
    elif posted is WizardStep.SETUP_BY:
        response = message_page(gettext("The setup was handed over"), message, 200, order=order)
    elif order is not None and order.status is PartnerOrderStatus.AWAITING_ORG_CONFIRMATION:
        response = message_page(WAITING_FOR_ORG, message or waiting_message(order), 200, order=order)
    else:
        response = message_page(gettext("The setup has stopped"), message, 200, order=order)
    forget_cookie(response, token)
    return response
