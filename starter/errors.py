"""Errors every client-side entry point (CLI, HTTP API) turns into a clear message; never a traceback."""

from __future__ import annotations

from models.refusals import Reason, Refusal, verbatim


class OnrampError(Exception):
    """A business refusal or a missing thing, with a reason for a person and an HTTP status for the API.

    ``reason`` is what the API and the pages render in their reader's language (starter/web/said.py); ``message``
    is it in English, for the CLI and the logs. A plain string is a sentence with no key in the refusals catalog
    (Temporal's own words, an operator's tool): every language shows it as it is."""

    http_status = 400
    headers: dict[str, str] | None = None

    def __init__(self, reason: Reason | str, *, type: str = Refusal.REFUSED, field: str | None = None) -> None:
        self.reason = reason if isinstance(reason, Reason) else verbatim(reason)
        self.message = self.reason.english()
        super().__init__(self.message)
        self.type = type
        self.field = field


class NotFound(OnrampError):
    http_status = 404


class StepRefused(OnrampError):
    """The workflow refused a step (its Update validator or handler raised a non-retryable ApplicationError)."""

    http_status = 409
