"""Who may use the console: an operator signed in at /console/login (starter/services/console_sessions.py), with
orders:read to look and orders:act to act. The declarations (starter/web/access.py's ``declares``) are what every
console route depends on; without a session a page leads to the sign-in and back."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request

from starter.services import callers
from starter.services.callers import Caller, Scope
from starter.services.console_sessions import COOKIE, Signer
from starter.settings import Settings
from starter.web import cookie_policy
from starter.web.access import Access, Rule, declares, on_page
from starter.web.audit import identify
from starter.web.console.portal import CONSOLE, NotSignedIn

PATH = "/console"
"""The console's cookie is sent to its own pages only."""


def signer(request: Request) -> Signer:
    """The app's session signer, made on first use from the settings."""
    state = request.app.state
    found: Signer | None = getattr(state, "console_signer", None)
    if found is None:
        settings: Settings = state.settings
        found = state.console_signer = Signer.of(settings.console_key(), settings.console_session_minutes)
    return found


def session_caller(request: Request) -> Caller | None:
    """The operator the console cookie names, when it is a live session."""
    return signer(request).caller(cookie_policy.read(request, COOKIE, PATH))


@functools.cache
def console(needed: Scope) -> Callable[..., Awaitable[Caller]]:
    """A console page's declaration: a live console session holding ``needed``; else the sign-in page (no
    session) or a page saying what is missing (403)."""

    @declares(Rule(Access.CONSOLE, needed.value))
    async def console_operator(request: Request) -> Caller:
        caller = session_caller(request)
        if caller is None:
            raise NotSignedIn(request.url.path if request.method == "GET" else None)
        identify(request.scope, caller.actor)
        if needed.value not in caller.scopes:
            raise callers.missing_scope(needed.value)
        return caller

    console_operator.__name__ = f"console_{needed.name.lower()}"
    return on_page(CONSOLE, console_operator)


ConsoleReader = Annotated[Caller, Depends(console(Scope.READ))]
ConsoleActor = Annotated[Caller, Depends(console(Scope.ACT))]
