"""How onramp's cookies are set: HttpOnly always, SameSite, and over HTTPS (the public URL's scheme, not the
request's, which a proxy in front may have changed) Secure with a name prefix the browser enforces: ``__Host-``
for a cookie of the whole site (Secure, Path=/, no Domain: no other host can set or shadow it), ``__Secure-`` for
one scoped to a path."""

from __future__ import annotations

from typing import Literal

from fastapi import Request, Response

from starter.settings import Settings

SameSite = Literal["lax", "strict"]


def over_https(settings: Settings) -> bool:
    return settings.public_base_url.lower().startswith("https://")


def name(settings: Settings, base: str, path: str = "/") -> str:
    if not over_https(settings):
        return base
    return ("__Host-" if path == "/" else "__Secure-") + base


def read(request: Request, base: str, path: str = "/") -> str | None:
    return request.cookies.get(name(request.app.state.settings, base, path))


def put(
    response: Response,
    request: Request,
    base: str,
    value: str,
    *,
    path: str = "/",
    max_age: int | None = None,
    samesite: SameSite = "lax",
) -> None:
    settings: Settings = request.app.state.settings
    response.set_cookie(
        name(settings, base, path),
        value,
        max_age=max_age,
        path=path,
        httponly=True,
        samesite=samesite,
        secure=over_https(settings),
    )


def forget(response: Response, request: Request, base: str, path: str = "/") -> None:
    settings: Settings = request.app.state.settings
    response.delete_cookie(
        name(settings, base, path), path=path, httponly=True, samesite="lax", secure=over_https(settings)
    )
