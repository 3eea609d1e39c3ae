"""The admin's session cookie, which the JSON API's login and the login page both set. It holds only the session's
random id; HttpOnly keeps it from scripts, SameSite=Lax from other sites' forms, and over HTTPS it is Secure and
named __Host-onramp_admin (starter/web/cookie_policy.py)."""

from __future__ import annotations

from fastapi import Request, Response

from starter.services import admin_auth as auth
from starter.web import cookie_policy


def set_session_cookie(response: Response, request: Request, cookie: str) -> None:
    cookie_policy.put(response, request, auth.COOKIE, cookie, max_age=auth.SESSION_HOURS * 3600)


def session_cookie(request: Request) -> str | None:
    return cookie_policy.read(request, auth.COOKIE)


def forget_session_cookie(response: Response, request: Request) -> None:
    cookie_policy.forget(response, request, auth.COOKIE)


def client_address(request: Request) -> str:
    """The caller's address, as the server saw it (behind a proxy: as uvicorn's --proxy-headers passes it on)."""
    return request.client.host if request.client else "unknown"
