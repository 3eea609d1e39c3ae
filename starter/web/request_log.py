"""One log line per HTTP request (method, route template, status, time in ms), its metrics
(starter/web/request_metrics.py), and the app's traces when tracing is on.

The line names the route's template (``/setup/{token}/role``), never the path a link's token is in; a request that
matched no route names its path with any token taken out (starter/web/redaction.py). The trace id comes with the line
when tracing is on (starter/logs.py), and the request's span carries the same redacted path.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.trace import Span
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from starter import telemetry
from starter.web import request_metrics
from starter.web.redaction import redact

log = logging.getLogger("onramp.http")

UNTRACED = "/livez,/readyz,/healthz,/metrics,/static/"
"""Paths with no span of their own: the probes, the metrics scrape and the static files would drown the traces."""
URL_ATTRIBUTES = ("http.target", "http.url", "url.path", "url.full")


def route_template(scope: Scope) -> str | None:
    """The matched route's path template (``/api/partner-orders/{order_id}``), None when no route matched."""
    route = scope.get("route")
    path = getattr(route, "path", None) or getattr(route, "path_format", None)  # a mount's prefix: /static
    return path if isinstance(path, str) else None


class RequestLog:
    """The outermost of onramp's middlewares: it sees the status the client gets, 500s included, and logs and
    counts the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the server answers when the app raises before it starts a response

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            _log(scope, status, seconds * 1000)
            request_metrics.record(str(scope.get("method", "")), route_template(scope), status, seconds)


def _log(scope: Scope, status: int, duration_ms: float) -> None:
    template = route_template(scope)
    shown = template or redact(str(scope.get("path", "")))
    method = str(scope.get("method", ""))
    fields: dict[str, Any] = {
        "method": method,
        "route": template,
        "status": status,
        "duration_ms": round(duration_ms, 1),
    }
    if template is None:
        fields["path"] = shown
    level = logging.WARNING if status >= 500 else logging.INFO
    log.log(level, "%s %s %d %.1f ms", method, shown, status, duration_ms, extra=fields)


def _redact_span(span: Span, scope: dict[str, Any]) -> None:
    """The request span's URL attributes without a link's token (the span's name is the route template already)."""
    attributes = getattr(span, "attributes", None) or {}
    for key in URL_ATTRIBUTES:
        value = attributes.get(key)
        if isinstance(value, str):
            span.set_attribute(key, redact(value))


def instrument(app: FastAPI) -> None:
    """Trace the app's requests when tracing is on (starter/telemetry.py); nothing otherwise."""
    if telemetry.tracing_on():
        FastAPIInstrumentor.instrument_app(
            app, server_request_hook=_redact_span, excluded_urls=UNTRACED, exclude_spans=["receive", "send"]
        )
