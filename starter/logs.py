"""Logs: one handler on the root logger, readable lines (dev) or one JSON object a line (``ONRAMP_LOG_FORMAT=json``).

Every line carries what ties it to the rest where it exists: ``workflow_id`` and ``run_id`` (the workflow a line is
about, or the one whose activity is running), ``activity`` and ``attempt`` inside an activity, and ``trace_id`` /
``span_id`` of the current OpenTelemetry span (starter/telemetry.py). onramp's own lines say what happened in words
and pass their facts as ``extra`` fields (``route``, ``status``, ``duration_ms``, ``purpose``, …), which the JSON
lines carry as keys. No line carries a token, a password or a mail address: the request lines name the route's
template (starter/web/request_log.py), the mail lines its purpose (activities/mail_delivery.py).
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import IO, Any

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter
from temporalio import activity

from starter.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s%(context)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
CONTEXT_KEYS = ("workflow_id", "run_id", "activity", "attempt", "trace_id")
"""What the readable lines show after the message, in this order (the JSON lines carry every field)."""


class LogContext(logging.Filter):
    """Adds the workflow, run, activity and trace a record belongs to, where it has them, and ``context`` (the same
    as ``key=value`` words) for the readable lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        found: dict[str, Any] = {}
        temporal = getattr(record, "temporal_workflow", None) or getattr(record, "temporal_activity", None)
        if isinstance(temporal, dict):  # temporalio's workflow.logger and activity.logger put theirs here
            found["workflow_id"] = temporal.get("workflow_id")
            found["run_id"] = temporal.get("run_id") or temporal.get("workflow_run_id")
        if activity.in_activity():
            info = activity.info()
            found.update(
                workflow_id=info.workflow_id,
                run_id=info.workflow_run_id,
                activity=info.activity_type,
                attempt=info.attempt,
            )
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            found.update(trace_id=format(span.trace_id, "032x"), span_id=format(span.span_id, "016x"))
        for key, value in found.items():
            if value is not None and getattr(record, key, None) is None:
                setattr(record, key, value)
        words = [f"{key}={getattr(record, key)}" for key in CONTEXT_KEYS if getattr(record, key, None) is not None]
        record.context = f"  [{' '.join(words)}]" if words else ""
        return True


class OnrampJsonFormatter(JsonFormatter):
    """The JSON lines: time (ISO 8601, UTC), level, logger, message, then the record's fields (not the readable
    ``context``)."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def add_fields(self, log_record: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]) -> None:
        super().add_fields(log_record, record, message_dict)
        log_record.pop("context", None)
        log_record.pop("color_message", None)  # uvicorn's copy of the message with terminal colours


def handler(settings: Settings, stream: IO[str] | None = None) -> logging.Handler:
    """The handler for ``settings.log_format``, writing to ``stream`` (standard error by default)."""
    made = logging.StreamHandler(stream or sys.stderr)
    made.addFilter(LogContext())
    if settings.log_format == "json":
        made.setFormatter(
            OnrampJsonFormatter(
                JSON_FIELDS,
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
                json_ensure_ascii=False,
            )
        )
    else:
        made.setFormatter(logging.Formatter(TEXT_FORMAT))
    return made


def configure(settings: Settings, *, quiet: tuple[str, ...] = ()) -> None:
    """The process's logging: the root logger at ``ONRAMP_LOG_LEVEL`` with the one handler (replacing any), and the
    loggers in ``quiet`` only from warnings up."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler(settings))
    root.setLevel(settings.log_level.upper())
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
