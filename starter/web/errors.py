"""Every error the API can give, as JSON a person can read: the field named, never a stack trace."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from models.refusals import Refusal
from starter.client import TemporalUnreachable
from starter.errors import OnrampError

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
    """pydantic's errors as (dotted field path, message), dropping FastAPI's 'body' prefix."""
    problems = []
    for error in errors:
        if error.get("type") == "json_invalid":
            where = error.get("loc", ("body", "?"))[-1]
            reason = (error.get("ctx") or {}).get("error", "JSON decode error")
            problems.append(
                FieldProblem(field="body", message=f"The body is not valid JSON (at character {where}): {reason}")
            )
            continue
        location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
        problems.append(FieldProblem(field=".".join(location) or "body", message=message))
    return problems


def describe(problems: list[FieldProblem]) -> str:
    return "; ".join(f"{problem.field}: {problem.message}" for problem in problems)


def _json(status: int, body: ErrorBody, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content=body.model_dump(), headers=headers)


async def invalid_request(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError | ValidationError)
    problems = field_problems(list(exc.errors()))
    return _json(422, ErrorBody(error=Refusal.INVALID_INPUT, message=describe(problems), fields=problems))


async def refused(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, OnrampError)
    fields = [FieldProblem(field=exc.field, message=exc.message)] if exc.field else []
    return _json(exc.http_status, ErrorBody(error=exc.type, message=exc.message, fields=fields), exc.headers)


HTTP_ERRORS = {404: "NotFound", 405: "MethodNotAllowed", 413: "RequestTooLarge", 422: Refusal.INVALID_INPUT}


async def http_error(_: Request, exc: Exception) -> Response:
    """What the framework itself refuses (an unknown path, a body over the limit), in the same shape."""
    assert isinstance(exc, StarletteHTTPException)
    message = {413: "The request body is too large."}.get(exc.status_code, str(exc.detail))
    return _json(exc.status_code, ErrorBody(error=HTTP_ERRORS.get(exc.status_code, "Refused"), message=message))


async def unreachable(_: Request, exc: Exception) -> Response:
    return _json(503, ErrorBody(error="TemporalUnreachable", message=str(exc)))


async def unexpected(_: Request, exc: Exception) -> Response:
    log.exception("unexpected error")
    return _json(500, ErrorBody(error="InternalError", message="Something went wrong on our side; it has been logged."))


HANDLERS: dict[type[Exception], Callable[[Request, Exception], Awaitable[Response]]] = {
    RequestValidationError: invalid_request,
    ValidationError: invalid_request,
    OnrampError: refused,
    StarletteHTTPException: http_error,
    TemporalUnreachable: unreachable,
    Exception: unexpected,
}
"""What the API answers for each exception that reaches it: a JSON body a person can read, never a traceback."""


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such order."},
    409: {"model": ErrorBody, "description": "The order is not in a state where this step is allowed."},
    422: {"model": ErrorBody, "description": "Input that breaks a rule; `fields` names each field and why."},
    503: {"model": ErrorBody, "description": "Temporal cannot be reached."},
}
