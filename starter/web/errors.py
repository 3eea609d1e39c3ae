"""Every error the API can give, as JSON a person can read: the field named, never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from temporalio.client import RPCTimeoutOrCancelledError, WorkflowQueryRejectedError
from temporalio.service import RPCError

from models.refusals import Refusal, because, because_n
from starter import temporal_errors
from starter.client import TemporalUnreachable
from starter.errors import OnrampError
from starter.web import reading
from starter.web.field_errors import reason_for
from starter.web.said import said

log = logging.getLogger("onramp.api")


class FieldProblem(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    """The body of every 4xx/5xx answer."""

    error: str
    message: str
    fields: list[FieldProblem] = []


def field_problems(errors: list[Any]) -> list[FieldProblem]:
    """pydantic's errors as (dotted field path, message in the reader's language), dropping FastAPI's 'body'
    prefix."""
    problems = []
    for error in errors:
        if error.get("type") == "json_invalid":
            where = error.get("loc", ("body", "?"))[-1]
            reason = (error.get("ctx") or {}).get("error", "JSON decode error")
            invalid = because(
                "The body is not valid JSON (at character %(where)s): %(reason)s", where=str(where), reason=str(reason)
            )
            problems.append(FieldProblem(field="body", message=said(invalid)))
            continue
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        problems.append(
            FieldProblem(field=".".join(location) or "body", message=said(reason_for(error, reading.language())))
        )
    return problems


def describe(problems: list[FieldProblem]) -> str:
    return "; ".join(f"{problem.field}: {problem.message}" for problem in problems)


def _json(status: int, body: ErrorBody, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content=body.model_dump(), headers=headers)


MAX_LISTED_PROBLEMS = 20
"""A 422 names at most this many problems and says how many more there are: a body with a million bad entries
gets a short answer, not a long one."""


async def invalid_request(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError | ValidationError)
    errors = list(exc.errors())
    problems = field_problems(errors[:MAX_LISTED_PROBLEMS])
    message = describe(problems)
    more = len(errors) - MAX_LISTED_PROBLEMS
    if more > 0:
        message += "; " + said(
            because_n("and %(num)d more problem not listed", "and %(num)d more problems not listed", more)
        )
    return _json(422, ErrorBody(error=Refusal.INVALID_INPUT, message=message, fields=problems))


async def refused(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, OnrampError)
    message = said(exc)
    fields = [FieldProblem(field=exc.field, message=message)] if exc.field else []
    return _json(exc.http_status, ErrorBody(error=exc.type, message=message, fields=fields), exc.headers)


HTTP_ERRORS = {
    400: "InvalidBody",
    404: "NotFound",
    405: "MethodNotAllowed",
    413: "RequestTooLarge",
    422: Refusal.INVALID_INPUT,
}

UNREADABLE_BODY = because("The body cannot be read: send JSON as UTF-8 text, nested at most a few hundred levels deep.")


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this path: Starlette's own 405 names only the first route's."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        path = getattr(route, "path", None)
        if path and compile_path(path)[0].fullmatch(request.url.path):
            methods |= set(getattr(route, "methods", None) or ())
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted(methods))


TOO_LARGE = because("The request body is too large.")
NO_ROUTE = because("There is no page or API route at this address: check it, or see /docs for the API's routes.")


def _message_of(exc: StarletteHTTPException) -> str:
    """The exception's own sentence, or, where the framework gave only the status's phrase ("Not Found"), ours."""
    if exc.status_code == 413:
        return said(TOO_LARGE)
    if exc.status_code == 404 and exc.detail == HTTPStatus.NOT_FOUND.phrase:
        return said(NO_ROUTE)
    return str(exc.detail)


async def http_error(request: Request, exc: Exception) -> Response:
    """What the framework itself refuses (an unknown path, a body over the limit, a body it cannot parse), in the
    same shape. FastAPI's 400 is a body that is not UTF-8 or nests too deep for the JSON parser."""
    assert isinstance(exc, StarletteHTTPException)
    error = HTTP_ERRORS.get(exc.status_code, "Refused")
    if exc.status_code == 400:
        unreadable = said(UNREADABLE_BODY)
        return _json(
            400, ErrorBody(error=error, message=unreadable, fields=[FieldProblem(field="body", message=unreadable)])
        )
    message = _message_of(exc)
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405:
        headers["Allow"] = allowed_methods(request)
        message = said(
            because("%(method)s is not served here; use %(allowed)s.", method=request.method, allowed=headers["Allow"])
        )
    return _json(exc.status_code, ErrorBody(error=error, message=message), headers or None)


async def unreachable(_: Request, exc: Exception) -> Response:
    retry = {"Retry-After": temporal_errors.UNAVAILABLE_RETRY_AFTER}
    return _json(503, ErrorBody(error="TemporalUnreachable", message=str(exc)), retry)


async def temporal_condition(request: Request, exc: Exception) -> Response:
    """Temporal's errors that escaped a service (a start, a describe): its known conditions are 429/503."""
    condition = temporal_errors.translated(exc, step=request.method not in ("GET", "HEAD"))
    if condition is None:
        return await unexpected(request, exc)
    return await refused(request, condition)


INTERNAL_ERROR = because("Something went wrong on our side; it has been logged.")


def internal_error() -> JSONResponse:
    return _json(500, ErrorBody(error="InternalError", message=said(INTERNAL_ERROR)))


async def unexpected(_: Request, exc: Exception) -> Response:
    log.exception("unexpected error")
    return internal_error()


class Unexpected:
    """The last resort: an exception no handler named becomes the 500 body, and the server is not told of it.

    Starlette's own last resort answers and then raises again, and the server closes the connection without
    ``Connection: close``, so the client's next request on that keep-alive connection fails. Here the exception
    stops: it is logged once, the answer is sent whole, and the connection lives on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def sending(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, sending)
        except Exception:
            log.exception("unexpected error")
            if started:  # the answer is half sent: nothing but closing can tell the client
                raise
            await internal_error()(scope, receive, send)


HANDLERS: dict[type[Exception], Callable[[Request, Exception], Awaitable[Response]]] = {
    RequestValidationError: invalid_request,
    ValidationError: invalid_request,
    OnrampError: refused,
    StarletteHTTPException: http_error,
    TemporalUnreachable: unreachable,
    RPCError: temporal_condition,
    RPCTimeoutOrCancelledError: temporal_condition,
    WorkflowQueryRejectedError: temporal_condition,
}
"""What the API answers for each exception that reaches it: a JSON body a person can read, never a traceback."""


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body cannot be read: not UTF-8, or nested too deep."},
    404: {"model": ErrorBody, "description": "No such order, or no route at this address."},
    405: {"model": ErrorBody, "description": "Not served with this method; `Allow` names the methods that are."},
    409: {"model": ErrorBody, "description": "The order is not in a state where this step is allowed."},
    422: {"model": ErrorBody, "description": "Input that breaks a rule; `fields` names each field and why."},
    429: {"model": ErrorBody, "description": "Temporal asks to slow down; `Retry-After` says when to try again."},
    503: {
        "model": ErrorBody,
        "description": "Temporal cannot be reached or did not answer in time (`Retry-After`); the message says "
        "whether the step may have been applied.",
    },
}
