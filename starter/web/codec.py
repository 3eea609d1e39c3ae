"""The remote codec endpoint (Temporal's protocol): the Web UI sends encrypted payloads, gets clear ones back.

Served only when a payload key is configured, and only to a bearer token holding the ``codec`` scope: whoever can
call it can read the payloads. The Web UI sends its user's access token when told to (README, "Who may call what").
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from google.protobuf import json_format
from starlette.types import ASGIApp, Receive, Scope, Send
from temporalio.api.common.v1 import Payloads
from temporalio.converter import PayloadCodec

from starter.codec import PayloadKeyError
from starter.web.access import CodecUser
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
async def decode(request: Request, caller: CodecUser, codec: Codec) -> Response:
    return await _convert(request, codec, decode=True)


@router.post("/encode", summary="Encrypt payloads (remote codec protocol)")
async def encode(request: Request, caller: CodecUser, codec: Codec) -> Response:
    return await _convert(request, codec, decode=False)


class CodecCors:
    """CORS for the codec routes alone: the Web UI's origins may call them with a bearer token (no cookies); no
    other route answers another origin's browser."""

    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=["POST", "OPTIONS"],
            allow_headers=["content-type", "x-namespace", "authorization"],
            allow_credentials=False,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(router.prefix + "/"):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def serve(app: FastAPI, codec: PayloadCodec, cors_origins: list[str]) -> None:
    """The endpoint, and the Web UI's origins allowed to call it from the browser."""
    app.state.codec = codec
    app.include_router(router)
    app.add_middleware(CodecCors, origins=cors_origins)
