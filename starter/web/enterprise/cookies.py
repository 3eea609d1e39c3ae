"""The admin's session cookie, which the JSON API's login and the login page both set. It holds only the session's
random id; HttpOnly keeps it from scripts, SameSite=Lax from other sites' forms, and Secure keeps it on HTTPS when
the portal is served over HTTPS."""

from __future__ import annotations

from fastapi import Request, Response

from starter.services import admin_auth as auth


def set_session_cookie(response: Response, request: Request, cookie: str) -> None:
    response.set_cookie(
        auth.COOKIE,
        cookie,
        max_age=auth.SESSION_HOURS * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def forget_session_cookie(response: Response) -> None:
    response.delete_cookie(auth.COOKIE, path="/", httponly=True, samesite="lax")
