"""The HTTP API and the web pages as one FastAPI app: every process's routers, the operations routes, one error
shape, one static folder, the language menu, and the codec endpoint when payloads are encrypted."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from temporalio.client import Client

import translations
from starter.client import data_converter
from starter.services import identity_provider
from starter.services.callers import KeyCache
from starter.services.login_throttle import LoginThrottle
from starter.settings import Settings
from starter.web import access, codec, docs, errors, language_menu, operations, portals, reading, redaction
from starter.web.account_services import AccountServicesContext
from starter.web.assist import api as assist_api
from starter.web.assist import pages as assist_pages
from starter.web.audit import AuditTrail
from starter.web.console import pages as console_pages
from starter.web.cross_site import CrossSiteGuard
from starter.web.deps import TemporalConnection
from starter.web.enterprise import accounts_api
from starter.web.enterprise import api as enterprise_api
from starter.web.enterprise import pages as enterprise_pages
from starter.web.partner_orders import api as partner_orders_api
from starter.web.partner_orders import join_pages, order_api, order_pages, wizard_api, wizard_pages
from starter.web.rate_limits import RateLimits
from starter.web.rendering import STATIC
from starter.web.request_log import RequestLog, instrument
from starter.web.seat_orders import api as seat_orders_api
from starter.web.seat_orders import pages as seat_order_pages
from store import SessionFactory, make_engine, make_session_factory


def create_app(settings: Settings, client: Client | None = None, sessions: SessionFactory | None = None) -> FastAPI:
    """``client`` and ``sessions`` may be given (dev stack, tests); otherwise they come from the settings."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = None
        if sessions is None:
            engine = make_engine(settings.database_url)
            app.state.sessions = make_session_factory(engine)
        yield
        if engine is not None:
            await engine.dispose()

    app = FastAPI(
        title="onramp",
        version="0.1.0",
        summary="Order and onboarding processes for conferencing services, run as durable Temporal workflows.",
        lifespan=lifespan,
        exception_handlers={**errors.HANDLERS, **portals.PAGE_HANDLERS},
        max_body_size=settings.max_body_bytes,
        docs_url=None,  # served by docs.router, declared public like every route
        redoc_url=None,
        openapi_url=None,
    )
    redaction.install()
    translations.preload()
    app.state.settings = settings
    app.state.temporal = TemporalConnection(settings, client)
    app.state.sessions = sessions
    app.state.identity = identity_provider.from_settings(settings)
    app.state.login_throttle = LoginThrottle()
    app.state.key_cache = KeyCache(settings.api_key_cache_seconds)
    app.state.rate_limits = RateLimits(settings)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _include_routes(app)
    converter = data_converter(settings)
    if converter.payload_codec is not None:
        codec.serve(app, converter.payload_codec, codec.origins(settings))
    app.add_middleware(AuditTrail)
    app.add_middleware(CrossSiteGuard, settings=settings)
    app.add_middleware(reading.ReaderContext, settings=settings)  # outside the guard: its refusals are read too
    app.add_middleware(AccountServicesContext, settings=settings)  # whom the footer and the refusals name
    app.add_middleware(errors.Unexpected)
    app.add_middleware(RequestLog)  # outside Unexpected: logged and counted with the status the client got, a 500 too
    instrument(app)  # traces, when on: outermost of all
    access.require_declared(app)
    return app


def _include_routes(app: FastAPI) -> None:
    """Every process's routes: its JSON API (in the OpenAPI docs) and its pages (not in them)."""
    app.include_router(operations.router)
    app.include_router(docs.router)
    app.include_router(language_menu.router)  # every page: the reader's choice of language
    app.include_router(partner_orders_api.router)
    app.include_router(wizard_api.router)  # partner orders: the wizard's JSON API
    app.include_router(wizard_pages.router)  # partner orders: the wizard's pages
    app.include_router(join_pages.router)  # partner orders: an existing organization's administrator answers
    app.include_router(order_api.router)  # partner orders: a partner's order page as JSON
    app.include_router(order_pages.router)  # partner orders: a partner's order page, and asking for a new link
    app.include_router(accounts_api.router)  # enterprise: billing accounts
    app.include_router(enterprise_api.router)  # enterprise: the admin portal's JSON API and the organizer activation
    app.include_router(enterprise_pages.router)  # enterprise: the admin portal's pages
    app.include_router(seat_orders_api.router)  # seat orders: the JSON API
    app.include_router(seat_order_pages.router)  # seat orders: the seat portal's pages
    app.include_router(assist_api.router)  # assist: the JSON API
    app.include_router(assist_pages.router)  # assist: the pages
    app.include_router(console_pages.router)  # the operators' console: queues and an order's actions
