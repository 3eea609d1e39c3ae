"""The enterprise admin's self-service portal as web pages (seed 000), in the setup wizard's look, without JavaScript.

    /admin/login → (first login) /admin/password → /admin (user information: basic information and the product
    list with its organizer accounts) → /admin/company (edit information), /admin/organizers/new (create account),
    re-invite / remove from the product list → /admin/orders (filters, clear filters, export CSV / XLSX)

and, for the organizer, /activate/<token> from the invitation e-mail. Every form POSTs and is answered with a
redirect (Post/Redirect/Get); a refusal shows the page again with the reason next to its field. The session cookie
is HttpOnly and SameSite=Lax; until the first password is changed every portal page leads to the change page.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from temporalio.client import Client
from temporalio.service import RPCError

from models.admin import CompanyEdit, OrderFilter
from models.organizer import NewOrganizer
from models.refusals import Refusal
from starter.client import TemporalUnreachable
from starter.errors import OnrampError
from starter.services import admin_auth as auth
from starter.services import company, organizers
from starter.services import order_list as orders
from starter.web.deps import temporal_client
from starter.web.enterprise.api import forget_session_cookie, set_session_cookie
from starter.web.portals import ADMIN
from store import SessionFactory

log = logging.getLogger("onramp.admin")

MAX_FORM_BYTES = 64 * 1024
COMPANY_FIELDS = (
    "admin_email",
    "admin_name",
    "admin_phone",
    "admin_mobile",
    "company_phone",
    "company_fax",
    "province",
    "city",
    "street",
)
NOTICES = {
    "password": "Your password has been changed.",
    "company": "Your information has been saved.",
    "username": "Your information has been saved. Your username is now {who}.",
    "created": "The account for {who} is open, and the invitation is on its way.",
    "reinvited": "The invitation was sent again to {who}.",
    "removed": "{who}: removed. The license is back in the product list.",
    "bye": "You have logged out.",
}


def _when(value: datetime | None) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if value else ""


def render(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return ADMIN.render(f"enterprise/{name}", status, **context)


def message(title: str, text: str, status: int, *, link: tuple[str, str] | None = None, **context: Any) -> HTMLResponse:
    return ADMIN.message(title, text, status, link=link, **context)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def notice_url(path: str, notice: str, who: str | None = None) -> str:
    query = {"notice": notice, **({"who": who} if who else {})}
    return f"{path}?{urlencode(query)}"


def notice_text(request: Request) -> str | None:
    template = NOTICES.get(request.query_params.get("notice", ""))
    if template is None:
        return None
    return template.format(who=request.query_params.get("who", "")[:500])


async def read_form(request: Request) -> list[tuple[str, str]]:
    """The form's fields (application/x-www-form-urlencoded), every value of every name."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise OnrampError("The form is too large.", type=Refusal.FORM_TOO_LARGE)
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if body and content_type != "application/x-www-form-urlencoded":
        raise OnrampError("The form could not be read: send it from the portal's page.", type=Refusal.FORM_UNREADABLE)
    try:
        return parse_qsl(body.decode(), keep_blank_values=True, max_num_fields=200)
    except ValueError:
        raise OnrampError("The form has too many fields.", type=Refusal.FORM_UNREADABLE) from None


def first(form: list[tuple[str, str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, value in form:
        values.setdefault(name, value)
    return values


def field_errors(err: ValidationError, known: tuple[str, ...]) -> tuple[dict[str, str], str | None]:
    """pydantic's errors next to their fields, said the way a form says it; the rest as one sentence."""
    errors: dict[str, str] = {}
    rest: list[str] = []
    for problem in err.errors():
        name = str(problem["loc"][0]) if problem["loc"] else None
        kind, text = problem.get("type", ""), str(problem.get("msg", "This value is not valid."))
        if kind in ("missing", "string_too_short"):
            text = "Please fill in this field."
        elif kind == "string_pattern_mismatch":
            text = "Use digits, spaces, + ( ) -, and an extension such as 'ext 12'."
        elif kind == "value_error" and "email" in text.lower():
            text = "Enter an e-mail address such as name@company.com."
        text = text.removeprefix("Value error, ")
        text = text[:1].upper() + text[1:]
        if name in known:
            errors.setdefault(name, text if text.endswith(".") else text + ".")
        else:
            rest.append(text)
    return errors, "; ".join(rest) or None


Handler = Callable[..., Awaitable[Response]]


def guarded(handler: Handler) -> Handler:
    """A person sees a page, never a stack trace; an ended session leads back to the login page."""

    @functools.wraps(handler)
    async def run(*args: Any, **kwargs: Any) -> Response:
        try:
            return await handler(*args, **kwargs)
        except auth.NotLoggedIn:
            request = kwargs.get("request")
            if isinstance(request, Request) and request.method == "GET" and request.url.path.startswith("/admin"):
                return redirect("/admin/login?" + urlencode({"next": request.url.path}))
            return redirect("/admin/login")
        except auth.PasswordChangeRequired:
            return redirect("/admin/password")
        except (TemporalUnreachable, RPCError):
            log.warning("the admin portal could not reach Temporal", exc_info=True)
            return message(
                "The portal is unavailable right now",
                "We cannot reach the service that manages organizer accounts at the moment. Nothing was changed; "
                "please try again in a few minutes.",
                503,
            )
        except OnrampError as err:
            return message("This cannot be done", err.message, err.http_status, link=("/admin", "Back"))
        except Exception:
            log.exception("unexpected error on an admin page")
            return message(
                "Something went wrong", "Something went wrong on our side; it has been logged. Please try again.", 500
            )

    return run


def install(app: FastAPI) -> None:

    def sessions(request: Request) -> SessionFactory:
        factory: SessionFactory = request.app.state.sessions
        return factory

    async def client(request: Request) -> Client:
        return await temporal_client(request)

    async def logged_in(request: Request) -> auth.Admin:
        admin = await auth.current(sessions(request), request.cookies.get(auth.COOKIE))
        if admin is None:
            raise auth.NotLoggedIn()
        return admin

    async def portal_admin(request: Request) -> auth.Admin:
        admin = await logged_in(request)
        if admin.must_change_password:
            raise auth.PasswordChangeRequired()
        return admin

    # ------------------------------------------------------------------ login, logout, password

    @app.get("/admin/login", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def login_page(request: Request) -> Response:
        admin = await auth.current(sessions(request), request.cookies.get(auth.COOKIE))
        if admin is not None:
            return redirect("/admin/password" if admin.must_change_password else "/admin")
        return render(
            "login.html", title="Log in", next=_safe_next(request.query_params.get("next")), notice=notice_text(request)
        )

    @app.post("/admin/login", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def login(request: Request) -> Response:
        form = first(await read_form(request))
        username, target = form.get("username", ""), _safe_next(form.get("next"))
        try:
            cookie, admin = await auth.login(sessions(request), username, form.get("password", ""))
        except OnrampError as err:
            errors = {err.field: err.message} if err.field else {}
            return render(
                "login.html",
                err.http_status,
                title="Log in",
                next=target,
                values={"username": username},
                errors=errors,
                error=None if errors else err.message,
            )
        response = redirect("/admin/password" if admin.must_change_password else target)
        set_session_cookie(response, request, cookie)
        return response

    @app.api_route("/admin/logout", methods=["GET", "POST"], include_in_schema=False)
    @guarded
    async def logout(request: Request) -> Response:
        await auth.logout(sessions(request), request.cookies.get(auth.COOKIE))
        response = redirect(notice_url("/admin/login", "bye"))
        forget_session_cookie(response)
        return response

    @app.get("/admin/password", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def password_page(request: Request) -> Response:
        admin = await logged_in(request)
        forced = admin.must_change_password
        return render(
            "password.html", title="Change password", admin=admin, forced=forced, menu=None if forced else "password"
        )

    @app.post("/admin/password", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def change_password(request: Request) -> Response:
        admin = await logged_in(request)
        form = first(await read_form(request))
        try:
            await auth.change_password(
                sessions(request),
                request.app.state.settings,
                admin,
                form.get("old_password", ""),
                form.get("new_password", ""),
                form.get("new_password_confirmation", ""),
            )
        except auth.NotLoggedIn:
            raise
        except OnrampError as err:
            forced = admin.must_change_password
            return render(
                "password.html",
                err.http_status,
                title="Change password",
                admin=admin,
                forced=forced,
                menu=None if forced else "password",
                errors={err.field: err.message} if err.field else {},
                error=None if err.field else err.message,
            )
        return redirect(notice_url("/admin", "password"))

    # ------------------------------------------------------------------ user information

    async def home_page(
        request: Request, admin: auth.Admin, *, status: int = 200, error: str | None = None
    ) -> HTMLResponse:
        info = await company.read(sessions(request), admin.account_no)
        listing = await organizers.listing(sessions(request), admin.account_no)
        return render(
            "home.html",
            status,
            title="User information",
            admin=admin,
            menu="home",
            wide=True,
            company=info.company,
            listing=listing,
            notice=notice_text(request),
            error=error,
        )

    @app.get("/admin", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def home(request: Request) -> Response:
        return await home_page(request, await portal_admin(request))

    @app.get("/admin/company", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def company_page(request: Request) -> Response:
        admin = await portal_admin(request)
        info = (await company.read(sessions(request), admin.account_no)).company
        return _company_form(admin, info.admin_email, info.customer_name, info.model_dump(mode="json"))

    @app.post("/admin/company", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def save_company(request: Request) -> Response:
        admin = await portal_admin(request)
        form = first(await read_form(request))
        values = {name: form.get(name, "") for name in COMPANY_FIELDS}
        try:
            edit = CompanyEdit.model_validate(values)
            saved = await company.update(sessions(request), admin.account_no, edit)
        except ValidationError as err:
            errors, rest = field_errors(err, COMPANY_FIELDS)
            return _company_form(admin, admin.email, admin.customer_name, values, errors, rest, 422)
        except OnrampError as err:
            errors = {err.field: err.message} if err.field else {}
            error = None if errors else err.message
            return _company_form(admin, admin.email, admin.customer_name, values, errors, error, err.http_status)
        if saved.username_changed:
            return redirect(notice_url("/admin", "username", str(saved.username)))
        return redirect(notice_url("/admin", "company"))

    def _company_form(
        admin: auth.Admin,
        username: str,
        customer_name: str,
        values: dict[str, Any],
        errors: dict[str, str] | None = None,
        error: str | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        return render(
            "company.html",
            status,
            title="Edit information",
            admin=admin,
            menu="home",
            username=username,
            customer_name=customer_name,
            values=values,
            errors=errors or {},
            error=error,
        )

    # ------------------------------------------------------------------ organizer accounts

    async def organizer_form(
        request: Request,
        admin: auth.Admin,
        values: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        error: str | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        counts = await organizers.licenses(sessions(request), admin.account_no)
        options = [
            (
                f"{c.product.value}|{c.edition.value}",
                f"{c.label} ({c.remaining} left)" if c.remaining else f"{c.label} (none left)",
            )
            for c in counts
        ]
        chosen = next((f"{c.product.value}|{c.edition.value}" for c in counts if c.remaining), "")
        return render(
            "organizer_new.html",
            status,
            title="Create account",
            admin=admin,
            menu="home",
            remaining=organizers.remaining_text(counts),
            editions=options,
            values={"edition": chosen, **(values or {})},
            errors=errors or {},
            error=error,
        )

    @app.get("/admin/organizers/new", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def new_organizer_page(request: Request) -> Response:
        return await organizer_form(request, await portal_admin(request))

    @app.post("/admin/organizers/new", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def create_organizer(request: Request) -> Response:
        admin = await portal_admin(request)
        form = first(await read_form(request))
        values = {name: form.get(name, "") for name in ("last_name", "first_name", "email", "edition")}
        product, _, edition = values["edition"].partition("|")
        fields = ("last_name", "first_name", "email", "edition")
        try:
            organizer = NewOrganizer.model_validate(
                {
                    "last_name": values["last_name"],
                    "first_name": values["first_name"],
                    "email": values["email"],
                    "product": product or None,
                    "edition": edition or None,
                }
            )
        except ValidationError as err:
            errors, rest = field_errors(err, fields)
            if any(str(p["loc"][0]) in ("product", "edition") for p in err.errors() if p["loc"]):
                errors["edition"], rest = "Choose a product edition of this account.", None
            return await organizer_form(request, admin, values, errors, rest, 422)
        try:
            await organizers.create(
                await client(request),
                request.app.state.settings,
                sessions(request),
                admin.account_no,
                organizer,
                operator=admin.email,
            )
        except (auth.NotLoggedIn, auth.PasswordChangeRequired):
            raise
        except OnrampError as err:
            errors = {err.field: err.message} if err.field in fields else {}
            return await organizer_form(
                request, admin, values, errors, None if errors else err.message, err.http_status
            )
        return redirect(notice_url("/admin", "created", str(organizer.email)))

    @app.post("/admin/organizers/action", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def organizer_action(request: Request) -> Response:
        admin = await portal_admin(request)
        form = await read_form(request)
        action = first(form).get("action")
        emails = [value for name, value in form if name == "email" and value]
        if action not in ("reinvite", "remove"):
            return await home_page(request, admin, status=400, error="Choose Re-invite or Remove.")
        if not emails:
            return await home_page(
                request, admin, status=400, error="Select an account in the product list first, then click again."
            )
        temporal = await client(request)
        done, problems = [], []
        for email in emails:
            try:
                if action == "reinvite":
                    await organizers.reinvite(temporal, admin.account_no, email, operator=admin.email)
                else:
                    await organizers.remove(temporal, admin.account_no, email, operator=admin.email)
            except OnrampError as err:
                problems.append(err.message)
            else:
                done.append(email)
        if problems:
            prefix = f"Done for {', '.join(done)}. " if done else ""
            return await home_page(request, admin, status=409, error=prefix + " ".join(problems))
        return redirect(notice_url("/admin", "reinvited" if action == "reinvite" else "removed", ", ".join(done)))

    # ------------------------------------------------------------------ orders

    @app.get("/admin/orders", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def orders_page(request: Request) -> Response:
        admin = await portal_admin(request)
        raw = {name: request.query_params.get(name, "") for name in ("date_from", "date_to", "order_no", "promotion")}
        errors: dict[str, str] = {}
        try:
            wanted = OrderFilter.model_validate({k: v or None for k, v in raw.items()})
        except ValidationError as err:
            errors, _ = field_errors(err, tuple(raw))
            wanted = OrderFilter()
        listed = await orders.query(sessions(request), admin.account_no, wanted)
        return render(
            "orders.html",
            422 if errors else 200,
            title="My orders",
            admin=admin,
            menu="orders",
            wide=True,
            orders=listed.orders,
            headings=orders.HEADINGS,
            promotions=[("", "Any promotion"), *((p, p) for p in listed.promotions)],
            values=raw,
            errors=errors,
            filtered=wanted.active,
            filter_fields=[(k, v) for k, v in raw.items() if v and not errors],
        )

    @app.get("/admin/orders/export", include_in_schema=False)
    @guarded
    async def export(request: Request) -> Response:
        admin = await portal_admin(request)
        raw = {
            name: request.query_params.get(name) or None for name in ("date_from", "date_to", "order_no", "promotion")
        }
        try:
            wanted = OrderFilter.model_validate(raw)
        except ValidationError:
            return redirect("/admin/orders?" + urlencode({k: v for k, v in raw.items() if v}))
        ids = [int(v) for v in request.query_params.getlist("id") if v.isdigit()]
        fmt = "xlsx" if request.query_params.get("format") == "xlsx" else "csv"
        listed = await orders.query(sessions(request), admin.account_no, wanted, ids)
        response: Response = orders.download(listed.orders, admin.account_no, fmt)
        return response

    # ------------------------------------------------------------------ the organizer's activation link

    @app.get("/activate/{token}", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def activation_page(token: str, request: Request) -> Response:
        try:
            organizer = await organizers.activation_target(sessions(request), token)
        except organizers.ActivationLinkInvalid as err:
            return message("This link no longer works", err.message, 404)
        return render(
            "activate.html", title="Activate your account", organizer=organizer, action=f"/activate/{quote(token)}"
        )

    @app.post("/activate/{token}", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def activate(token: str, request: Request) -> Response:
        try:
            state = await organizers.activate(await client(request), sessions(request), token)
        except organizers.ActivationLinkInvalid as err:
            return message("This link no longer works", err.message, 404)
        except OnrampError as err:
            return message("This account cannot be activated", err.message, err.http_status)
        return message(
            "Your account is active",
            f"Welcome, {state.first_name}: your {state.edition_label} organizer account ({state.email}) is active.",
            200,
        )


def _safe_next(target: str | None) -> str:
    """Only a page of the portal: never another site (an open redirect)."""
    if target and target.startswith("/admin") and not target.startswith("//") and "\\" not in target:
        return target
    return "/admin"
