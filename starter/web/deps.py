"""What a route needs besides its input, as FastAPI dependencies: the settings, the Temporal client, the database
session factory and the payload codec. Every route takes them from here (``Depends``), so none reaches into the
app for them; who is calling is starter/web/access.py."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import Depends, Request
from temporalio.client import Client
from temporalio.converter import PayloadCodec

from starter.client import connect
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
