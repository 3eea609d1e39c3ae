"""The HTTP API: order intake as Cisco Commerce Workspace calls it, order status, operator steps, health."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Request, Response
from pydantic import BaseModel
from sqlalchemy import text
from temporalio.client import Client

from activities.store import SessionFactory, make_engine, make_session_factory
from models.partner_order import (
    ChangeProvisioningContact,
    ContactChanged,
    MailQueued,
    PartnerOrderInput,
    PartnerOrderState,
    ResendSetUpMail,
    SendSetUpMailNow,
)
from starter import partner_orders
from starter.admin import install as install_admin_portal
from starter.api import accounts, assist, codec, errors, seat_orders, setup
from starter.assist_web import install as install_assist_pages
from starter.client import connect, data_converter
from starter.settings import Settings
from starter.web import pages


class StartedOrder(BaseModel):
    workflow_id: str
    created: bool
    state: PartnerOrderState


class Health(BaseModel):
    status: str
    temporal: str
    database: str


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
    )
    app.state.settings = settings
    app.state.client = client
    app.state.client_lock = asyncio.Lock()
    app.state.sessions = sessions
    errors.install(app)
    _routes(app)
    setup.install(app)
    accounts.install(app)
    seat_orders.install(app)
    assist.install(app)
    pages.install(app)
    install_admin_portal(app)
    install_assist_pages(app)
    converter = data_converter(settings)
    if converter.payload_codec is not None:
        origins = [origin.strip() for origin in settings.codec_cors_origins.split(",") if origin.strip()]
        codec.install(app, converter.payload_codec, origins)
    return app


async def temporal(request: Request) -> Client:
    """The Temporal client, connected on first use so the API starts (and says so) while Temporal is down.

    Handlers call it after FastAPI has validated their input: bad input is a 422 even while Temporal is down."""
    state = request.app.state
    if state.client is None:
        async with state.client_lock:
            if state.client is None:
                state.client = await connect(state.settings, quick=True)
    client: Client = state.client
    return client


def db(request: Request) -> SessionFactory:
    sessions: SessionFactory = request.app.state.sessions
    return sessions


Sessions = Annotated[SessionFactory, Depends(db)]


def _routes(app: FastAPI) -> None:
    responses = errors.ERROR_RESPONSES

    @app.post(
        "/api/partner-orders",
        status_code=201,
        response_model=StartedOrder,
        responses={
            200: {"model": StartedOrder, "description": "The order was known: its workflow is returned."},
            **responses,
        },
        tags=["partner orders"],
        summary="Take in a partner's Webex order (as Cisco Commerce Workspace submits it)",
    )
    async def post_partner_order(order: PartnerOrderInput, request: Request, response: Response) -> StartedOrder:
        started = await partner_orders.start(await temporal(request), app.state.settings, order)
        if not started.created:
            response.status_code = 200
        return StartedOrder(workflow_id=started.workflow_id, created=started.created, state=started.state)

    @app.get(
        "/api/partner-orders/{order_id}",
        response_model=PartnerOrderState,
        responses=responses,
        tags=["partner orders"],
        summary="The order's state: status, dates, deadlines, e-mails, escalation, timeline",
    )
    async def get_partner_order(order_id: str, request: Request) -> PartnerOrderState:
        return await partner_orders.status(await temporal(request), order_id)

    @app.post(
        "/api/partner-orders/{order_id}/resend",
        response_model=MailQueued,
        responses=responses,
        tags=["partner orders"],
        summary="Resend the Set Up Now e-mail (refused once the order is set up or closed)",
    )
    async def resend(order_id: str, http: Request, request: ResendSetUpMail | None = None) -> MailQueued:
        return await partner_orders.resend(await temporal(http), order_id, request or ResendSetUpMail())

    @app.post(
        "/api/partner-orders/{order_id}/send-now",
        response_model=MailQueued,
        responses=responses,
        tags=["partner orders"],
        summary="Send the Set Up Now e-mail before the requested start date",
    )
    async def send_now(order_id: str, http: Request, request: SendSetUpMailNow | None = None) -> MailQueued:
        return await partner_orders.send_now(await temporal(http), order_id, request or SendSetUpMailNow())

    @app.post(
        "/api/partner-orders/{order_id}/contact",
        response_model=ContactChanged,
        responses=responses,
        tags=["partner orders"],
        summary="Change the provisioning contact: earlier links stop working, the new contact gets one",
    )
    async def change_contact(order_id: str, request: ChangeProvisioningContact, http: Request) -> ContactChanged:
        return await partner_orders.change_contact(await temporal(http), order_id, request)

    @app.get("/healthz", response_model=Health, responses={503: {"model": Health}}, tags=["operations"])
    async def healthz(request: Request, response: Response, sessions: Sessions) -> Health:
        temporal_ok = database_ok = "ok"
        try:
            client = await temporal(request)
            await asyncio.wait_for(client.service_client.check_health(), timeout=3)
        except Exception as err:  # a health check reports, it does not raise
            temporal_ok = f"unreachable: {err}"
        try:
            async with sessions() as session:
                await session.execute(text("SELECT 1"))
        except Exception as err:
            database_ok = f"unreachable: {err}"
        healthy = temporal_ok == database_ok == "ok"
        response.status_code = 200 if healthy else 503
        return Health(status="ok" if healthy else "degraded", temporal=temporal_ok, database=database_ok)
