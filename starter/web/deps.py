"""What a route needs besides its input, as FastAPI dependencies: the settings, the Temporal client, the database
session factory, and who is calling. Every route takes them from here (``Depends``), so none reaches into the app
for them, and each route's signature says who may call it."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import Depends, Request
from temporalio.client import Client
from temporalio.converter import PayloadCodec

from starter.client import connect
from starter.services import admin_auth
from starter.settings import Settings
from store import SessionFactory


class TemporalConnection:
    """The app's Temporal client, connected on first use (``await temporal()``), so the API starts, and says so,
    while Temporal is down. A route awaits it after FastAPI has validated the route's input: bad input is a 422
    even while Temporal is down."""

    def __init__(self, settings: Settings, client: Client | None = None) -> None:
        self._settings = settings
        self._client = client
        self._lock = asyncio.Lock()

    async def __call__(self) -> Client:
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    self._client = await connect(self._settings, quick=True)
        return self._client


# The dependencies are coroutines even where they only read: FastAPI runs a plain function on a worker thread,
# a hop per dependency per request on every step's path.


async def settings(request: Request) -> Settings:
    found: Settings = request.app.state.settings
    return found


async def sessions(request: Request) -> SessionFactory:
    found: SessionFactory = request.app.state.sessions
    return found


async def temporal(request: Request) -> TemporalConnection:
    found: TemporalConnection = request.app.state.temporal
    return found


async def payload_codec(request: Request) -> PayloadCodec:
    found: PayloadCodec = request.app.state.codec
    return found


AppSettings = Annotated[Settings, Depends(settings)]
Codec = Annotated[PayloadCodec, Depends(payload_codec)]
Sessions = Annotated[SessionFactory, Depends(sessions)]
Temporal = Annotated[TemporalConnection, Depends(temporal)]


# ---------------------------------------------------------------------------------------------- who is calling


class LoginPage(Exception):
    """A page of the admin portal needs a login: the browser goes to the login page, then back to ``path``."""

    def __init__(self, path: str | None = None) -> None:
        super().__init__(path)
        self.path = path


class PasswordPage(Exception):
    """The admin's first password must be changed first: every portal page leads to the change page."""


async def admin_session(request: Request) -> admin_auth.Admin | None:
    """The enterprise admin of the session cookie, when it is a live session."""
    return await admin_auth.current(await sessions(request), request.cookies.get(admin_auth.COOKIE))


async def logged_in(admin: Annotated[admin_auth.Admin | None, Depends(admin_session)]) -> admin_auth.Admin:
    """The API: any live session (the password change needs no more); else 401."""
    if admin is None:
        raise admin_auth.NotLoggedIn()
    return admin


async def portal_admin(admin: Annotated[admin_auth.Admin, Depends(logged_in)]) -> admin_auth.Admin:
    """The API: a live session whose first password has been changed; else 401 or 403."""
    if admin.must_change_password:
        raise admin_auth.PasswordChangeRequired()
    return admin


async def page_logged_in(
    request: Request, admin: Annotated[admin_auth.Admin | None, Depends(admin_session)]
) -> admin_auth.Admin:
    """A page: any live session; else the login page (and back here after it, for a page one reads)."""
    if admin is None:
        raise LoginPage(request.url.path if request.method == "GET" else None)
    return admin


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
