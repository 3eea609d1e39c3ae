"""The account's settings an admin keeps: their own language and the account's time zone (the admin reads their
mails and pages in the one, the organizers they create get it as their own until they choose another, and the
account's dates are told in the other), and the billing contact, who gets the receipts in their language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

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
from starter.web.reading import Text, lazy_gettext
from starter.web.rendering import language_options

router = APIRouter(include_in_schema=False)

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class SettingsPage:
    """One of the account's settings forms: its template, title and menu entry, and the choices it offers."""

    template: str
    title: Text
    menu: str
    choices: Callable[[], dict[str, Any]]

    def render(
        self,
        admin: auth.Admin,
        values: dict[str, str],
        errors: dict[str, str] | None = None,
        error: str | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        return ADMIN.render(
            self.template,
            status,
            title=str(self.title),
            admin=admin,
            menu=self.menu,
            values=values,
            errors=errors or {},
            error=error,
            **self.choices(),
        )

    async def submitted(
        self,
        request: Request,
        admin: auth.Admin,
        spec: FormSpec,
        model: type[M],
        save: Callable[[M], Awaitable[M]],
    ) -> M | Response:
        """The form as ``model``, saved; or the form again with the reasons next to their fields."""
        form = await form_of(request)
        values = {name: form.get(name, "") for name in spec.fields}
        return await submit(
            spec,
            lambda: model.model_validate(values),
            save,
            lambda errors, top, status: self.render(admin, values, errors, top, status),
        )


PATH = "/admin/preferences"
FORM = FormSpec(fields=("language", "time_zone"), choices=frozenset({"language", "time_zone"}))
PREFERENCES = SettingsPage(
    "enterprise/preferences.html",
    lazy_gettext("Language and time zone"),
    "preferences",
    lambda: {
        "languages": language_options(),
        "zones": [(zone, zone.replace("_", " ")) for zone in place_zones()],
    },
)


@router.get(PATH, response_class=HTMLResponse)
@guarded(ADMIN)
async def preferences_page(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    saved = await company.preferences(sessions, admin.account_no)
    return PREFERENCES.render(admin, {"language": saved.language.value, "time_zone": saved.time_zone})


@router.post(PATH, response_class=HTMLResponse)
@guarded(ADMIN)
async def save_preferences(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    """The chosen language is also the language menu's choice: the portal speaks it from the next page on."""
    saved = await PREFERENCES.submitted(
        request, admin, FORM, Preferences, lambda wanted: company.save_preferences(sessions, admin.account_no, wanted)
    )
    if isinstance(saved, Response):
        return saved
    answer = redirect_with_notice(HOME, "preferences")
    remember_choice(answer, request, saved.language)
    return answer


BILLING_PATH = "/admin/billing-contact"
BILLING_FORM = FormSpec(fields=("name", "email", "language"), choices=frozenset({"language"}))
BILLING = SettingsPage(
    "enterprise/billing_contact.html",
    lazy_gettext("Billing contact"),
    "subscriptions",
    lambda: {"languages": language_options()},
)


@router.get(BILLING_PATH, response_class=HTMLResponse)
@guarded(ADMIN)
async def billing_contact_page(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    saved = await company.billing_contact(sessions, admin.account_no)
    return BILLING.render(admin, {"name": saved.name, "email": str(saved.email), "language": saved.language.value})


@router.post(BILLING_PATH, response_class=HTMLResponse)
@guarded(ADMIN)
async def save_billing_contact(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    saved = await BILLING.submitted(
        request,
        admin,
        BILLING_FORM,
        BillingContact,
        lambda wanted: company.save_billing_contact(sessions, admin.account_no, wanted),
    )
    if isinstance(saved, Response):
        return saved
    return redirect_with_notice(HOME, "billing_contact", str(saved.email))
