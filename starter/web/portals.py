"""The enterprise admin's portal frame, which two processes' pages share: the admin's self-service (seed 000,
starter/web/enterprise/) and the seat portal (seed 002, starter/web/seat_orders/) live under /admin with one
layout, one menu and one login."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from starter.services import admin_auth
from starter.web.access import LoginPage, PasswordPage
from starter.web.account_services import account_services
from starter.web.guard import PageInstead
from starter.web.reading import lazy_gettext
from starter.web.rendering import Portal, redirect
from starter.web.said import said
from starter.web.vocabulary import edition_label, edition_name, not_supported, product_name, seat_status


def login_page(path: str | None) -> Response:
    """To the login page, and back to ``path`` (a portal page) after it."""
    if path and path.startswith("/admin"):
        return redirect("/admin/login?" + urlencode({"next": path}))
    return redirect("/admin/login")


def _not_logged_in(_: Exception, request: Request | None) -> Response:
    return login_page(request.url.path if request is not None and request.method == "GET" else None)


def _password_first(_: Exception, __: Request | None) -> Response:
    return redirect("/admin/password")


ADMIN = Portal(
    layout="enterprise/_layout.html",
    optional=("admin", "menu"),
    unavailable_title=lazy_gettext("The portal is unavailable right now"),
    unavailable=lazy_gettext(
        "We cannot reach the service that manages organizer accounts at the moment. Nothing was changed; "
        "please try again in a few minutes."
    ),
    back=("/admin", lazy_gettext("Back")),
    on={admin_auth.NotLoggedIn: _not_logged_in, admin_auth.PasswordChangeRequired: _password_first},
    globals={
        "edition_label": edition_label,
        "edition_name": edition_name,
        "said": said,
        "seat_status": seat_status,
        "product_name": product_name,
        "not_supported": not_supported,
        "account_services": account_services,
    },
)


async def to_login(_: Request, exc: Exception) -> Response:
    """A page's identity dependency found no live session (access.LoginPage)."""
    return login_page(exc.path if isinstance(exc, LoginPage) else None)


async def to_password_change(_: Request, __: Exception) -> Response:
    """A page's identity dependency found a first password still to be changed (access.PasswordPage)."""
    return redirect("/admin/password")


async def page_instead(_: Request, exc: Exception) -> Response:
    """A page's access dependency answered with its portal's page (access.on_page)."""
    assert isinstance(exc, PageInstead)
    return exc.response


PAGE_HANDLERS = {LoginPage: to_login, PasswordPage: to_password_change, PageInstead: page_instead}
"""The app's answers when a page's caller is not (fully) logged in, or has not proved a link or a booking."""
