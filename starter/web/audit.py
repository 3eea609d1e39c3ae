"""The audit trail of the HTTP side: every request that may change something (not GET, HEAD or OPTIONS) leaves a
row saying who (the actor its access declaration proved, starter/web/access.py), what (the route's method and path
template, so no link token is ever written), on what (the business key in the path, or the one the declaration
found) and how it ended (the status).

It is a plain ASGI middleware: the row is written after the response has gone out, so no caller waits for it.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from datetime import UTC, datetime
from functools import partial
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from store import audit
from store.transactions import run_transaction

log = logging.getLogger("onramp.audit")

READS = frozenset({"GET", "HEAD", "OPTIONS"})
TARGETS = ("order_id", "order_no", "account_no", "reservation_no", "email")
"""Path parameters that name what is acted on, in the order they are looked for (a token never is one)."""


def state_of(scope: MutableMapping[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = scope.setdefault("state", {})
    return found


def identify(scope: MutableMapping[str, Any], actor: str, target: str | None = None) -> None:
    """Called by an access declaration: who the caller proved to be, and (when the path does not say) what for."""
    state = state_of(scope)
    state["audit_actor"] = actor
    if target is not None:
        state["audit_target"] = target


class AuditTrail:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in READS:
            await self.app(scope, receive, send)
            return
        status = {"code": 500}

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            await self._record(scope, status["code"])

    async def _record(self, scope: Scope, status: int) -> None:
        route = scope.get("route")
        if route is None:  # no route matched: a 404 or 405 of the router, nothing was acted on
            return
        state = state_of(scope)
        params = scope.get("path_params") or {}
        target = state.get("audit_target") or next((str(params[k]) for k in TARGETS if k in params), None)
        app = scope["app"]
        try:
            await run_transaction(
                app.state.sessions,
                partial(
                    audit.record,
                    at=datetime.now(UTC),
                    actor=state.get("audit_actor", "anonymous"),
                    action=f"{scope['method']} {getattr(route, 'path', '?')}",
                    target=target,
                    outcome=str(status),
                    via="api",
                ),
            )
        except Exception:  # the answer has gone out; a lost audit row is logged, not raised
            log.exception("an audit row could not be written")
