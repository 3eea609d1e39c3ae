"""Who may call each route, written as data: every route depends on exactly one declaration from here.

A declaration is a FastAPI dependency that proves its caller and carries a ``Rule`` (``__access__``): public, a link
token, the enterprise admin's session, the Assist customer's proof, or a bearer token with a scope. The app refuses
to start with a route that declares nothing (``require_declared``), and tests/test_access.py walks the app's routes
and calls each one without, and with the wrong, credentials. `onramp routes` prints the same table.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from starter.services import admin_auth, callers
from starter.services.callers import Caller, Scope
from starter.web import cookie_policy, reading
from starter.web.audit import identify
from starter.web.deps import Sessions
from starter.web.guard import PageInstead, answer
from starter.web.rendering import Portal

F = TypeVar("F", bound=Callable[..., Any])


class Access(StrEnum):
    PUBLIC = "public"
    LINK = "link"
    ADMIN = "admin session"
    CUSTOMER = "customer proof"
    SCOPE = "scope"
    CONSOLE = "operator console session"
    """The operators' console's pages: a session signed in with a credential holding the scope (starter/web/console)."""


@dataclass(frozen=True)
class Rule:
    access: Access
    detail: str = ""
    """The scope a token must hold, or what the link, session or proof is."""

    def __str__(self) -> str:
        return f"{self.access.value}: {self.detail}" if self.detail else self.access.value


def on_page(portal: Portal, dependency: F) -> F:
    """``dependency`` for a page: what it raises is answered with the portal's page for it, not the API's JSON."""

    @functools.wraps(dependency)
    async def proving(*args: Any, **kwargs: Any) -> Any:
        try:
            return await dependency(*args, **kwargs)
        except Exception as err:
            raise PageInstead(answer(portal, err, None)) from err

    return proving  # type: ignore[return-value]


def declares(rule: Rule) -> Callable[[F], F]:
    """Marks a dependency as the route's declaration of who may call it."""

    def mark(dependency: F) -> F:
        dependency.__access__ = rule  # type: ignore[attr-defined]
        return dependency

    return mark


# ---------------------------------------------------------------------------------------------- public


@declares(Rule(Access.PUBLIC))
async def public() -> None:
    """Anyone: the route shows nothing that is not public, or is itself the way in (login, find my booking)."""


PUBLIC = Depends(public)
"""For ``dependencies=[PUBLIC]`` on a route that anyone may call."""


# ---------------------------------------------------------------------------------------------- bearer tokens

_bearer = HTTPBearer(auto_error=False, description="An onramp API key (onr_…) or an identity provider's JWT.")


async def bearer_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    sessions: Sessions,
) -> Caller | None:
    """The machine client or operator the request's bearer token proves, if it carries a valid one."""
    if credentials is None:
        return None
    settings = request.app.state.settings
    return await callers.caller_of(
        sessions,
        request.app.state.identity,
        credentials.credentials,
        keys=settings.accepts_api_keys,
        cache=request.app.state.key_cache,
    )


@functools.cache
def scope(needed: Scope) -> Callable[..., Awaitable[Caller]]:
    """A bearer token holding ``needed``: 401 without a valid token, 403 with one that lacks the scope."""

    @declares(Rule(Access.SCOPE, needed.value))
    async def caller_with_scope(request: Request, caller: Annotated[Caller | None, Depends(bearer_caller)]) -> Caller:
        if caller is None:
            raise callers.NotAuthenticated()
        identify(request.scope, caller.actor)
        if needed.value not in caller.scopes:
            raise callers.missing_scope(needed.value)
        return caller

    caller_with_scope.__name__ = f"scope_{needed.name.lower()}"
    return caller_with_scope


Intake = Annotated[Caller, Depends(scope(Scope.INTAKE))]
Reader = Annotated[Caller, Depends(scope(Scope.READ))]
Operator = Annotated[Caller, Depends(scope(Scope.ACT))]
AccountsAdmin = Annotated[Caller, Depends(scope(Scope.ACCOUNTS))]


# ---------------------------------------------------------------------------------------------- the admin session


class LoginPage(Exception):
    """A page of the admin portal needs a login: the browser goes to the login page, then back to ``path``."""

    def __init__(self, path: str | None = None) -> None:
        super().__init__(path)
        self.path = path


class PasswordPage(Exception):
    """The admin's first password must be changed first: every portal page leads to the change page."""


def admin_actor(admin: admin_auth.Admin) -> str:
    return f"admin:{admin.email}"


async def admin_session(request: Request) -> admin_auth.Admin | None:
    """The enterprise admin of the session cookie, when it is a live session."""
    return await admin_auth.current(request.app.state.sessions, cookie_policy.read(request, admin_auth.COOKIE))


@declares(Rule(Access.ADMIN, "any live session"))
async def logged_in(
    request: Request, admin: Annotated[admin_auth.Admin | None, Depends(admin_session)]
) -> admin_auth.Admin:
    """The API: any live session (the password change needs no more); else 401."""
    if admin is None:
        raise admin_auth.NotLoggedIn()
    identify(request.scope, admin_actor(admin))
    reading.of_record(admin.language)
    reading.in_zone(admin.time_zone)
    return admin


@declares(Rule(Access.ADMIN, "first password changed"))
async def portal_admin(admin: Annotated[admin_auth.Admin, Depends(logged_in)]) -> admin_auth.Admin:
    """The API: a live session whose first password has been changed; else 401 or 403."""
    if admin.must_change_password:
        raise admin_auth.PasswordChangeRequired()
    return admin


@declares(Rule(Access.ADMIN, "any live session (page)"))
async def page_logged_in(
    request: Request, admin: Annotated[admin_auth.Admin | None, Depends(admin_session)]
) -> admin_auth.Admin:
    """A page: any live session; else the login page (and back here after it, for a page one reads)."""
    if admin is None:
        raise LoginPage(request.url.path if request.method == "GET" else None)
    identify(request.scope, admin_actor(admin))
    reading.of_record(admin.language)
    reading.in_zone(admin.time_zone)
    return admin


@declares(Rule(Access.ADMIN, "first password changed (page)"))
async def page_admin(admin: Annotated[admin_auth.Admin, Depends(page_logged_in)]) -> admin_auth.Admin:
    """A page: a live session whose first password has been changed; else the login or the change page."""
    if admin.must_change_password:
        raise PasswordPage()
    return admin


AdminSession = Annotated[admin_auth.Admin | None, Depends(admin_session)]
"""Whoever the session cookie names, if anyone (the login page asks)."""
LoggedIn = Annotated[admin_auth.Admin, Depends(logged_in)]
PortalAdmin = Annotated[admin_auth.Admin, Depends(portal_admin)]
PageLoggedIn = Annotated[admin_auth.Admin, Depends(page_logged_in)]
PageAdmin = Annotated[admin_auth.Admin, Depends(page_admin)]


# ---------------------------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class Declared:
    methods: tuple[str, ...]
    path: str
    rules: tuple[Rule, ...]
    in_docs: bool


def _rules(dependant: Dependant) -> Iterator[Rule]:
    """The declarations among a route's dependencies, at any depth (a declaration may depend on another)."""
    for dependency in dependant.dependencies:
        rule = getattr(dependency.call, "__access__", None)
        if isinstance(rule, Rule):
            yield rule
        else:
            yield from _rules(dependency)


def declared(app: FastAPI) -> list[Declared]:
    """Every route of the app with what it declares, straight from the app (its included routers too)."""
    table = []
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute):
            continue
        rules = tuple(dict.fromkeys(_rules(route.dependant)))
        methods = tuple(sorted(route.methods or ()))
        table.append(Declared(methods, str(route.path), rules, bool(route.include_in_schema)))
    return table


class UndeclaredRoute(RuntimeError):
    pass


def require_declared(app: FastAPI) -> None:
    """Every API route declares exactly one rule, and nothing but the static files is served outside routes."""
    wrong = [f"{' '.join(d.methods)} {d.path}" for d in declared(app) if len(d.rules) != 1]
    others = [
        getattr(route, "path", repr(route))
        for route in iter_route_contexts(app.routes)
        if not isinstance(route.original_route, APIRoute) and getattr(route, "path", None) != "/static"
    ]
    if wrong or others:
        raise UndeclaredRoute(
            "every route must declare who may call it (starter/web/access.py), exactly once: "
            + ", ".join(wrong + others)
        )
