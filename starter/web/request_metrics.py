"""Every HTTP request counted and timed by its route template (/setup/{token}/…), never by its path: link tokens,
order numbers and e-mail addresses live in paths, and a label per path would also grow without bound. Recorded by
the request middleware (starter/web/request_log.py), which sees the status the client got."""

from __future__ import annotations

from starter.metrics import HTTP_REQUESTS, HTTP_SECONDS

UNMATCHED = "unmatched"
"""The route label of a request no route matched (a 404 or 405 of the router)."""


def record(method: str, template: str | None, status: int, seconds: float) -> None:
    route = template or UNMATCHED
    HTTP_REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    HTTP_SECONDS.labels(method=method, route=route).observe(seconds)
