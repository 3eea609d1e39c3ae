"""Every HTTP request counted and timed by its route template (/setup/{token}/…), never by its path: link tokens,
order numbers and e-mail addresses live in paths, and a label per path would also grow without bound."""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from starter.metrics import HTTP_REQUESTS, HTTP_SECONDS

UNMATCHED = "unmatched"
"""The route label of a request no route matched (a 404 or 405 of the router)."""


class RequestMetrics:
    """Pure ASGI middleware: the status is the one the client got, the route the one the router matched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # what the client gets when the app raises before it answers

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = route_template(scope)
            method = str(scope["method"])
            HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
            HTTP_SECONDS.labels(method=method, route=route).observe(time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    """The matched route's path template (a mount's prefix, e.g. /static), else ``unmatched``."""
    route = scope.get("route")
    path = getattr(route, "path", None) or getattr(route, "path_format", None)
    return str(path) if path else UNMATCHED
