"""Every error the API can give, as JSON a person can read: the field named, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError

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


def _json(status: int, body: ErrorBody) -> JSONResponse:
    return JSONResponse(status_code=status, content=body.model_dump())


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = field_problems(list(exc.errors()))
        return _json(422, ErrorBody(error=Refusal.INVALID_INPUT, message=describe(problems), fields=problems))

    @app.exception_handler(ValidationError)
    async def _invalid_model(_: Request, exc: ValidationError) -> JSONResponse:
        problems = field_problems(list(exc.errors()))
        return _json(422, ErrorBody(error=Refusal.INVALID_INPUT, message=describe(problems), fields=problems))

    @app.exception_handler(OnrampError)
    async def _refused(_: Request, exc: OnrampError) -> JSONResponse:
        fields = [FieldProblem(field=exc.field, message=exc.message)] if exc.field else []
        return _json(exc.http_status, ErrorBody(error=exc.type, message=exc.message, fields=fields))

    @app.exception_handler(TemporalUnreachable)
    async def _unreachable(_: Request, exc: TemporalUnreachable) -> JSONResponse:
        return _json(503, ErrorBody(error="TemporalUnreachable", message=str(exc)))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return _json(
            500, ErrorBody(error="InternalError", message="Something went wrong on our side; it has been logged.")
        )


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such order."},
    409: {"model": ErrorBody, "description": "The order is not in a state where this step is allowed."},
    422: {"model": ErrorBody, "description": "Input that breaks a rule; `fields` names each field and why."},
    503: {"model": ErrorBody, "description": "Temporal cannot be reached."},
}
