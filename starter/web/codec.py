"""The remote codec endpoint (Temporal's protocol): the Web UI sends encrypted payloads, gets clear ones back.

Served only when a payload key is configured, and only to a bearer token holding the ``codec`` scope: whoever can
call it can read the payloads. The Web UI sends its user's access token when told to (README, "Who may call what").
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from google.protobuf import json_format
from starlette import types as asgi
from temporalio.api.common.v1 import Payloads
from temporalio.converter import PayloadCodec

from starter.codec import PayloadKeyError
from starter.services.callers import Caller, Scope
from starter.settings import Settings
from starter.web.access import Access, Rule, bearer_caller, declares, scope
from starter.web.deps import Codec

router = APIRouter(prefix="/codec", tags=["operations"])


async def _convert(request: Request, codec: PayloadCodec, decode: bool) -> Response:
    try:
        payloads = json_format.Parse(await request.body(), Payloads())
    except json_format.ParseError as err:
        raise HTTPException(422, f"not a Payloads message: {err}") from None
    try:
        converted = await (codec.decode if decode else codec.encode)(payloads.payloads)
    except (PayloadKeyError, ValueError) as err:
        raise HTTPException(422, str(err)) from None
    body = json_format.MessageToJson(Payloads(payloads=converted))
    return Response(content=body, media_type="application/json")


@router.post("/decode", summary="Decrypt payloads for the Temporal Web UI (remote codec protocol)")
async def decode(request: Request, caller: CodecCaller, codec: Codec) -> Response:
    return await _convert(request, codec, decode=True)


@router.post("/encode", summary="Encrypt payloads (remote codec protocol)")
async def encode(request: Request, caller: CodecCaller, codec: Codec) -> Response:
    return await _convert(request, codec, decode=False)


LOOPBACK = frozenset({"127.0.0.1", "::1"})


@declares(Rule(Access.SCOPE, f"{Scope.CODEC.value} (under `onramp dev`: also the local Web UI)"))
async def codec_caller(request: Request, caller: Annotated[Caller | None, Depends(bearer_caller)]) -> Caller:
    """A token with the codec scope; under `onramp dev` the embedded Web UI, which has no login to take a token
    from, may call from this machine without one."""
    settings = request.app.state.settings
    local = request.client is not None and request.client.host in LOOPBACK
    if (
        caller is None
        and settings.environment == "dev"
        and local
        and request.headers.get("origin") in origins(settings)
    ):
        return Caller(name="temporal-ui", scopes=frozenset({Scope.CODEC.value}), via="dev")
    return await scope(Scope.CODEC)(request, caller)


def origins(settings: Settings) -> list[str]:
    return [origin.strip() for origin in settings.codec_cors_origins.split(",") if origin.strip()]


CodecCaller = Annotated[Caller, Depends(codec_caller)]


class CodecCors:
    """CORS for the codec routes alone: the Web UI's origins may call them with a bearer token (no cookies); no
    other route answers another origin's browser."""

    def __init__(self, app: asgi.ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=["POST", "OPTIONS"],
            allow_headers=["content-type", "x-namespace", "authorization"],
            allow_credentials=False,
        )

    async def __call__(self, scope: asgi.Scope, receive: asgi.Receive, send: asgi.Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(router.prefix + "/"):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def serve(app: FastAPI, codec: PayloadCodec, cors_origins: list[str]) -> None:
    """The endpoint, and the Web UI's origins allowed to call it from the browser."""
    app.state.codec = codec
    app.include_router(router)
    app.add_middleware(CodecCors, origins=cors_origins)
