"""Errors every client-side entry point (CLI, HTTP API) turns into a clear message; never a traceback."""

from __future__ import annotations

from models.refusals import Refusal


class OnrampError(Exception):
    """A business refusal or a missing thing, with a message for a person and an HTTP status for the API."""

    http_status = 400
    headers: dict[str, str] | None = None

    def __init__(self, message: str, *, type: str = Refusal.REFUSED, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.type = type
        self.field = field


class NotFound(OnrampError):
    http_status = 404


class StepRefused(OnrampError):
    """The workflow refused a step (its Update validator or handler raised a non-retryable ApplicationError)."""

    http_status = 409
