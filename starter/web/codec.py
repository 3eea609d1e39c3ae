"""The remote codec endpoint (Temporal's protocol): the Web UI sends encrypted payloads, gets clear ones back.

Served only when a payload key is configured, and only to a bearer token holding the ``codec`` scope: whoever can
call it can read the payloads. The Web UI sends its user's access token when told to (README, "Who may call what").
"""

from __future__ import annotations

from typing import Annotated, Any

from cryptography.exceptions import InvalidTag
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from google.protobuf import json_format
from google.protobuf.message import DecodeError
from starlette import types as asgi
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.converter import PayloadCodec

from models.common import SINGLE_LINE_PATTERN
from models.refusals import Refusal, because
from starter.codec import PayloadKeyError
from starter.errors import OnrampError
from starter.services.callers import Caller, Scope
from starter.settings import Settings
from starter.web.access import Access, Rule, bearer_caller, declares, scope
from starter.web.deps import Codec

router = APIRouter(prefix="/codec", tags=["operations"])


MAX_PAYLOADS = 10_000
_BASE64 = r"^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"


def _payloads_schema(bounded: bool) -> dict[str, Any]:
    """Temporal's Payloads message as protobuf JSON (bytes in base64). The routes read it themselves (it is
    protobuf, not a model), so its schema is stated here: with its bounds for the body, as it comes for the answer
    (a payload that was not encrypted comes back as it was sent)."""
    base64: dict[str, Any] = {"type": "string", "pattern": _BASE64}
    metadata: dict[str, Any] = {"type": "object", "additionalProperties": base64}
    payloads: dict[str, Any] = {"type": "array"}
    if bounded:
        base64["maxLength"] = 2_000_000
        metadata["propertyNames"] = {"maxLength": 200, "pattern": SINGLE_LINE_PATTERN}
        payloads["maxItems"] = MAX_PAYLOADS
    payloads["items"] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"metadata": metadata, "data": base64},
    }
    return {"type": "object", "additionalProperties": False, "properties": {"payloads": payloads}}


ERROR_BODY = {"$ref": "#/components/schemas/ErrorBody"}
"""Every refusal of the codec routes has the API's one error shape (starter/web/errors.py)."""

CODEC_OPENAPI = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": _payloads_schema(bounded=True)}}},
    "responses": {
        "200": {
            "description": "The payloads, converted.",
            "content": {"application/json": {"schema": _payloads_schema(bounded=False)}},
        },
        **{
            status: {"description": description, "content": {"application/json": {"schema": ERROR_BODY}}}
            for status, description in (
                ("400", "The body cannot be read: not UTF-8, or nested too deep."),
                ("401", "No bearer token, or one that is unknown, revoked or expired."),
                ("403", "A token without the codec scope."),
                ("405", "Only POST is served here; `Allow` says so."),
                ("422", "Not a Payloads message, or a payload this key cannot decrypt; `fields` names it."),
            )
        },
    },
}


class CannotDecrypt(OnrampError):
    """A body or payload the codec cannot convert: a 422 in the error shape of every route, naming the field."""

    http_status = 422


async def _convert(request: Request, codec: PayloadCodec, decode: bool) -> Response:
    try:
        payloads = json_format.Parse((await request.body()).decode(), Payloads())
    except UnicodeDecodeError:  # not UTF-8: the 400 of every route
        raise HTTPException(400) from None
    except json_format.ParseError as err:
        raise CannotDecrypt(
            because(
                "The body is not a Payloads message (Temporal's remote codec protocol): %(reason)s", reason=str(err)
            ),
            type=Refusal.INVALID_INPUT,
            field="body",
        ) from None
    if len(payloads.payloads) > MAX_PAYLOADS:
        raise CannotDecrypt(
            because("At most %(limit)s payloads are converted at once.", limit=str(MAX_PAYLOADS)),
            type=Refusal.INVALID_INPUT,
            field="payloads",
        )
    if decode:
        converted = [await _decrypted(codec, payload, index) for index, payload in enumerate(payloads.payloads)]
    else:
        try:
            converted = await codec.encode(payloads.payloads)
        except (PayloadKeyError, ValueError) as err:
            raise CannotDecrypt(str(err), type=Refusal.INVALID_INPUT, field="payloads") from None
    body = json_format.MessageToJson(Payloads(payloads=converted))
    return Response(content=body, media_type="application/json")


async def _decrypted(codec: PayloadCodec, payload: Payload, index: int) -> Payload:
    """One payload in the clear; one that cannot be is a 422 naming it (a key that is not configured, data changed
    or cut short, or sealed with another key of that id), never a 500."""
    try:
        [clear] = await codec.decode([payload])
    except ValueError as err:  # PayloadKeyError among them
        reason = str(err)
    except (InvalidTag, DecodeError):
        reason = "it was changed, or sealed with another key"
    else:
        return clear
    raise CannotDecrypt(
        f"payloads.{index} cannot be decrypted: {reason}", type=Refusal.INVALID_INPUT, field=f"payloads.{index}"
    )


@router.post(
    "/decode", summary="Decrypt payloads for the Temporal Web UI (remote codec protocol)", openapi_extra=CODEC_OPENAPI
)
async def decode(request: Request, caller: CodecCaller, codec: Codec) -> Response:
    return await _convert(request, codec, decode=True)


@router.post("/encode", summary="Encrypt payloads (remote codec protocol)", openapi_extra=CODEC_OPENAPI)
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
