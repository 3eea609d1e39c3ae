"""Partner orders over HTTP (seeds 001 and 003): intake as Cisco Commerce Workspace submits it, the order's state,
and the operators' steps (send now, resend, change the provisioning contact)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from models.mail import MailQueued
from models.partner_order import (
    ChangeProvisioningContact,
    ContactChanged,
    PartnerOrderInput,
    PartnerOrderPolicy,
    PartnerOrderState,
    ResendSetUpMail,
    SendSetUpMailNow,
)
from starter.services import partner_orders
from starter.services.callers import Scope, as_operator
from starter.web import params
from starter.web.access import Intake, Operator, Reader
from starter.web.audit import identify
from starter.web.deps import AppSettings, Temporal
from starter.web.errors import ERROR_RESPONSES

router = APIRouter(prefix="/api/partner-orders", tags=["partner orders"], responses=ERROR_RESPONSES)


class StartedOrder(BaseModel):
    workflow_id: str
    created: bool
    state: PartnerOrderState


@router.post(
    "",
    status_code=201,
    response_model=StartedOrder,
    responses={200: {"model": StartedOrder, "description": "The order was known: its workflow is returned."}},
    summary="Take in a partner's Webex order (as Cisco Commerce Workspace submits it)",
)
async def post_partner_order(
    order: PartnerOrderInput,
    request: Request,
    response: Response,
    caller: Intake,
    temporal: Temporal,
    settings: AppSettings,
) -> StartedOrder:
    identify(request.scope, caller.actor, order.order_id)
    if Scope.ACT.value not in caller.scopes:  # timers and limits are the operators' to set, not a machine client's
        order = order.model_copy(update={"policy": PartnerOrderPolicy()})
    started = await partner_orders.start(await temporal(), settings, order)
    if not started.created:
        response.status_code = 200
    return StartedOrder(workflow_id=started.workflow_id, created=started.created, state=started.state)


@router.get(
    "/{order_id}",
    response_model=PartnerOrderState,
    summary="The order's state: status, dates, deadlines, e-mails, escalation, timeline",
)
async def get_partner_order(order_id: params.OrderId, caller: Reader, temporal: Temporal) -> PartnerOrderState:
    return await partner_orders.status(await temporal(), order_id)


@router.post(
    "/{order_id}/resend",
    response_model=MailQueued,
    summary="Resend the Set Up Now e-mail (refused once the order is set up or closed)",
)
async def resend(
    order_id: params.OrderId, caller: Operator, temporal: Temporal, request: ResendSetUpMail | None = None
) -> MailQueued:
    return await partner_orders.resend(await temporal(), order_id, as_operator(request or ResendSetUpMail(), caller))


@router.post(
    "/{order_id}/send-now",
    response_model=MailQueued,
    summary="Send the Set Up Now e-mail before the requested start date",
)
async def send_now(
    order_id: params.OrderId, caller: Operator, temporal: Temporal, request: SendSetUpMailNow | None = None
) -> MailQueued:
    return await partner_orders.send_now(await temporal(), order_id, as_operator(request or SendSetUpMailNow(), caller))


@router.post(
    "/{order_id}/contact",
    response_model=ContactChanged,
    summary="Change the provisioning contact: earlier links stop working, the new contact gets one",
)
async def change_contact(
    order_id: params.OrderId, request: ChangeProvisioningContact, caller: Operator, temporal: Temporal
) -> ContactChanged:
    return await partner_orders.change_contact(await temporal(), order_id, as_operator(request, caller))
