"""How to reach Corporate Account Services, for whatever a request makes: the portal's footer, the sentences that
say to contact them, the contact form. It is the app's settings' (``ONRAMP_CORPORATE_ACCOUNT_SERVICES_*``), kept in
a context variable that a middleware sets for each request, as the reader is (starter/web/reading.py): a template
global or a sentence deep in a page's words reads it without every route handing it down."""

from __future__ import annotations

from contextvars import ContextVar

from starlette.types import ASGIApp, Receive, Scope, Send

from models.account_services import AccountServices
from starter.settings import Settings

DEFAULTS = AccountServices()
_services: ContextVar[AccountServices | None] = ContextVar("account_services", default=None)


def account_services() -> AccountServices:
    """The request's app's Corporate Account Services; outside a request (a script, a test), the defaults."""
    return _services.get() or DEFAULTS


class AccountServicesContext:
    """The middleware that tells each request's code how to reach Corporate Account Services."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.services = settings.account_services()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = _services.set(self.services)
        try:
            await self.app(scope, receive, send)
        finally:
            _services.reset(token)
