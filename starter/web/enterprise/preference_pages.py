"""The account's settings an admin keeps: their own language and the account's time zone (the admin reads their
mails and pages in the one, the organizers they create get it as their own until they choose another, and the
account's dates are told in the other), and the billing contact, who gets the receipts in their language."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from models.admin import BillingContact, Preferences
from models.common import place_zones
from starter.services import admin_auth as auth
from starter.services import company
from starter.web.access import PageAdmin
from starter.web.deps import Sessions
from starter.web.enterprise.notices import HOME, redirect_with_notice
from starter.web.forms import FormSpec, form_of, submit
from starter.web.guard import guarded
from starter.web.languages import remember_choice
from starter.web.portals import ADMIN
from starter.web.reading import gettext
from starter.web.rendering import language_options

router = APIRouter(include_in_schema=False)

PATH = "/admin/preferences"
FORM = FormSpec(fields=("language", "time_zone"), choices=frozenset({"language", "time_zone"}))


@router.get(PATH, response_class=HTMLResponse)
@guarded(ADMIN)
async def preferences_page(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    saved = await company.preferences(sessions, admin.account_no)
    return _form(admin, {"language": saved.language.value, "time_zone": saved.time_zone})


@router.post(PATH, response_class=HTMLResponse)
@guarded(ADMIN)
async def save_preferences(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    """The chosen language is also the language menu's choice: the portal speaks it from the next page on."""
    form = await form_of(request)
    values = {name: form.get(name, "") for name in FORM.fields}
    saved = await submit(
        FORM,
        lambda: Preferences.model_validate(values),
        lambda wanted: company.save_preferences(sessions, admin.account_no, wanted),
        lambda errors, top, status: _form(admin, values, errors, top, status),
    )
    if isinstance(saved, Response):
        return saved
    answer = redirect_with_notice("/admin", "preferences")
    remember_choice(answer, request, saved.language)
    return answer


def _form(
    admin: auth.Admin,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return ADMIN.render(
        "enterprise/preferences.html",
        status,
        title=gettext("Language and time zone"),
        admin=admin,
        menu="preferences",
        languages=language_options(),
        zones=[(zone, zone.replace("_", " ")) for zone in place_zones()],
        values=values,
        errors=errors or {},
        error=error,
    )


BILLING_PATH = "/admin/billing-contact"
BILLING_FORM = FormSpec(fields=("name", "email", "language"), choices=frozenset({"language"}))


@router.get(BILLING_PATH, response_class=HTMLResponse)
@guarded(ADMIN)
async def billing_contact_page(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    saved = await company.billing_contact(sessions, admin.account_no)
    return _billing_form(admin, {"name": saved.name, "email": str(saved.email), "language": saved.language.value})


@router.post(BILLING_PATH, response_class=HTMLResponse)
@guarded(ADMIN)
async def save_billing_contact(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    form = await form_of(request)
    values = {name: form.get(name, "") for name in BILLING_FORM.fields}
    saved = await submit(
        BILLING_FORM,
        lambda: BillingContact.model_validate(values),
        lambda wanted: company.save_billing_contact(sessions, admin.account_no, wanted),
        lambda errors, top, status: _billing_form(admin, values, errors, top, status),
    )
    if isinstance(saved, Response):
        return saved
    return redirect_with_notice(HOME, "billing_contact", str(saved.email))


def _billing_form(
    admin: auth.Admin,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return ADMIN.render(
        "enterprise/billing_contact.html",
        status,
        title=gettext("Billing contact"),
        admin=admin,
        menu="subscriptions",
        languages=language_options(),
        values=values,
        errors=errors or {},
        error=error,
    )
