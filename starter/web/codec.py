"""The remote codec endpoint (Temporal's protocol): the Web UI sends encrypted payloads, gets clear ones back.

Served only when a payload key is configured. In production it belongs behind the operators' single sign-on, like
the Web UI itself: whoever can call it can read the payloads.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from google.protobuf import json_format
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


def serve(app: FastAPI, codec: PayloadCodec, cors_origins: list[str]) -> None:
    """The endpoint, and the Web UI's origins allowed to call it from the browser."""
    app.state.codec = codec
    app.include_router(router)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=cors_origins,
        allow_methods=["POST", "OPTIONS"],
        allow_headers=["content-type", "x-namespace", "authorization"],
        allow_credentials=True,
    )
