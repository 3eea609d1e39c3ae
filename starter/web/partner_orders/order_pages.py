"""A partner's order page (seeds 001/003), usable without JavaScript:

    /orders/<token>            the order of any Set Up Now link that still works: status, who is setting up, the
                               dates and deadlines in the order's time zone, "Send me a new link" (a form POST)
    /orders/link               no link at hand: the order number and the provisioning contact's address; the same
                               answer whether or not they match, and a matching pair's link goes by mail only

Opening the page changes nothing (a mail scanner's GET). A link that no longer works gets a page that says why and
leads to /orders/link; a partner's link to an order left to the customer says that the customer is setting up.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request
from fastapi.responses import HTMLResponse, Response

from models.partner_order import FINAL_STATUSES
from models.partner_order_page import FreshLinkRequest
from starter.services import partner_order_page
from starter.services.setup_wizard import SetupLink
from starter.web import params, reading
from starter.web.access import PUBLIC, on_page
from starter.web.deps import Sessions, Temporal
from starter.web.forms import FormSpec, form_of, submit
from starter.web.guard import guarded
from starter.web.partner_orders.order_views import (
    ORDER_PAGES,
    REQUEST_PAGE,
    fresh_link_answer,
    new_link_note,
    new_link_sent,
    page_of,
)
from starter.web.partner_orders.setup_link import setup_link
from starter.web.partner_orders.wizard_forms import SERVICE_LABELS
from starter.web.rate_limits import Limit, limited
from starter.web.reading import gettext

router = APIRouter(include_in_schema=False)

REQUEST_FORM = FormSpec(fields=("order_id", "email"))
OrderLinkOf = Annotated[SetupLink, Depends(on_page(ORDER_PAGES, setup_link))]
"""The Set Up Now link as the page's credential; one that no longer works is the order pages' own page for it."""


@router.get(REQUEST_PAGE, response_class=HTMLResponse, dependencies=[PUBLIC])
@guarded(ORDER_PAGES)
async def request_page(request: Request) -> Response:
    return _request_form()


@router.post(
    REQUEST_PAGE,
    response_class=HTMLResponse,
    dependencies=[PUBLIC, Depends(on_page(ORDER_PAGES, limited(Limit.FINDING)))],
)
@guarded(ORDER_PAGES)
async def ask_for_link(
    request: Request, sessions: Sessions, temporal: Temporal, background: BackgroundTasks
) -> Response:
    """The same page for every pair; a matching one's link is sent by the workflow once this answer is out."""
    form = await form_of(request)
    values = {name: form.get(name, "") for name in REQUEST_FORM.fields}

    async def ask(wanted: FreshLinkRequest) -> Response:
        if await partner_order_page.fresh_link_due(sessions, wanted.order_id, str(wanted.email)):
            background.add_task(
                partner_order_page.send_fresh_link, await temporal(), wanted.order_id, str(wanted.email)
            )
        return ORDER_PAGES.message(gettext("Check your e-mail"), fresh_link_answer())

    return await submit(
        REQUEST_FORM,
        lambda: FreshLinkRequest.model_validate(values),
        ask,
        lambda errors, top, status: _request_form(status, values, errors, top),
    )


@router.get(
    "/orders/{token}", response_class=HTMLResponse, dependencies=[Depends(on_page(ORDER_PAGES, limited(Limit.LINKS)))]
)
@guarded(ORDER_PAGES)
async def show(token: params.Token, request: Request, temporal: Temporal, link: OrderLinkOf) -> Response:
    order = await partner_order_page.state(await temporal(), link)
    reading.of_record(order.language)
    return ORDER_PAGES.render(
        "partner_orders/order.html",
        time_zone=order.time_zone,
        title=gettext("Order %(order)s", order=order.order_id),
        order=order,
        view=page_of(order),
        services=[str(SERVICE_LABELS.get(service, service.value)) for service in order.purchased_services],
        note=new_link_note(order),
        token=token,
        wizard_open=order.status not in FINAL_STATUSES,
    )


@router.post(
    "/orders/{token}/new-link",
    response_class=HTMLResponse,
    dependencies=[Depends(on_page(ORDER_PAGES, limited(Limit.LINKS)))],
)
@guarded(ORDER_PAGES)
async def new_link(token: params.Token, request: Request, temporal: Temporal, link: OrderLinkOf) -> Response:
    """ "Send me a new link": the workflow's resend, refused with its reason (the page says it) when it cannot."""
    client = await temporal()
    order = await partner_order_page.state(client, link)
    reading.of_record(order.language)
    sent = await partner_order_page.new_link(client, link)
    return ORDER_PAGES.message(
        gettext("A new link is on its way"),
        new_link_sent(str(sent.to)),
        order=order,
        link=(f"/orders/{token}", gettext("Back to the order")),
    )


def _request_form(
    status: int = 200,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    error: str | None = None,
) -> HTMLResponse:
    return ORDER_PAGES.render(
        "partner_orders/order_link.html",
        status,
        title=gettext("Get a new Set Up Now link"),
        values=values or {},
        errors=errors or {},
        error=error,
    )
