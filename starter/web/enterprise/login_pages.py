"""The admin portal's way in (seed 000, steps 1 and 2): the login page, logout, and the password change, which the
first login leads to before any other page.

The login page is the one portal page a caller without a session may see (with "Forgot password?", whose pages are
recovery_pages.py); the change page needs a session but not a changed password, so the guard's way out of a first
login cannot lead back to itself.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from starter.errors import OnrampError
from starter.services import admin_auth as auth
from starter.web.access import PUBLIC, AdminSession, PageLoggedIn, on_page
from starter.web.deps import AppSettings, Sessions
from starter.web.enterprise import recovery_pages
from starter.web.enterprise.cookies import client_address, forget_session_cookie, session_cookie, set_session_cookie
from starter.web.enterprise.notices import HOME, notice_text, redirect_with_notice
from starter.web.forms import FormSpec, form_of, refusal_errors
from starter.web.guard import guarded
from starter.web.portals import ADMIN
from starter.web.rate_limits import Limit, limited
from starter.web.reading import gettext
from starter.web.rendering import redirect

router = APIRouter(include_in_schema=False)
router.include_router(recovery_pages.router)  # "Forgot password?": the login page's way back in

LOGIN_FORM = FormSpec(fields=("username", "password"))
PASSWORD_FORM = FormSpec(fields=("old_password", "new_password", "new_password_confirmation"))

"""Whoever the session cookie names, if anyone: the login page sends a logged-in admin on instead."""


@router.get("/admin/login", response_class=HTMLResponse, dependencies=[PUBLIC])
@guarded(ADMIN)
async def login_page(request: Request, admin: AdminSession) -> Response:
    if admin is not None:
        return redirect("/admin/password" if admin.must_change_password else HOME)
    return _login_form(_safe_next(request.query_params.get("next")), notice=notice_text(request))


@router.post(
    "/admin/login", response_class=HTMLResponse, dependencies=[PUBLIC, Depends(on_page(ADMIN, limited(Limit.LOGIN)))]
)
@guarded(ADMIN)
async def login(request: Request, sessions: Sessions) -> Response:
    form = await form_of(request)
    username, target = form.get("username", ""), _safe_next(form.get("next"))
    try:
        cookie, admin = await auth.login(
            sessions,
            username,
            form.get("password", ""),
            throttle=request.app.state.login_throttle,
            address=client_address(request),
            replacing=session_cookie(request),
        )
    except OnrampError as err:  # a wrong password too: the page again, with the username kept
        errors, top = refusal_errors(err, LOGIN_FORM)
        return _login_form(target, err.http_status, {"username": username}, errors, top)
    response = redirect("/admin/password" if admin.must_change_password else target)
    set_session_cookie(response, request, cookie)
    return response


@router.post("/admin/logout", dependencies=[PUBLIC])
@guarded(ADMIN)
async def logout(request: Request, sessions: Sessions) -> Response:
    await auth.logout(sessions, session_cookie(request))
    response = redirect_with_notice("/admin/login", "bye")
    forget_session_cookie(response, request)
    return response


@router.get("/admin/password", response_class=HTMLResponse)
@guarded(ADMIN)
async def password_page(request: Request, admin: PageLoggedIn) -> Response:
    return _password_form(admin)


@router.post("/admin/password", response_class=HTMLResponse)
@guarded(ADMIN)
async def change_password(request: Request, admin: PageLoggedIn, sessions: Sessions, settings: AppSettings) -> Response:
    form = await form_of(request)
    try:
        cookie, _ = await auth.change_password(
            sessions,
            settings,
            admin,
            form.get("old_password", ""),
            form.get("new_password", ""),
            form.get("new_password_confirmation", ""),
        )
    except auth.NotLoggedIn:  # the admin is gone: the guard leads to the login page, not to this form again
        raise
    except OnrampError as err:
        errors, top = refusal_errors(err, PASSWORD_FORM)
        return _password_form(admin, err.http_status, errors, top)
    response = redirect_with_notice(HOME, "password")
    set_session_cookie(response, request, cookie)
    return response


def _login_form(
    target: str,
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str | None = None,
    notice: str | None = None,
) -> HTMLResponse:
    """The password is never written back into the page: only the username is kept."""
    return ADMIN.render(
        "enterprise/login.html",
        status,
        title=gettext("Log in"),
        next=target,
        values=values or {},
        errors=errors or {},
        error=error,
        notice=notice,
    )


def _password_form(
    admin: auth.Admin, status: int = 200, errors: dict[str, str] | None = None, error: str | None = None
) -> HTMLResponse:
    """A forced change shows no menu: until it is done there is nowhere else to go."""
    forced = admin.must_change_password
    return ADMIN.render(
        "enterprise/password.html",
        status,
        title=gettext("Change password"),
        admin=admin,
        forced=forced,
        menu=None if forced else "password",
        errors=errors or {},
        error=error,
    )


def _safe_next(target: str | None) -> str:
    """Only a page of the portal: never another site (an open redirect)."""
    if target and target.startswith("/admin") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME
