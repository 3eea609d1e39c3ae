"""A partner's order page as JSON, the twins of the pages (order_pages.py), under "partner's orders" in the docs:

- ``GET /api/orders/{token}``: the order of a Set Up Now link that still works (status, who is setting up, dates
  and deadlines); it changes nothing.
- ``POST /api/orders/{token}/new-link``: "Send me a new link": the workflow mails a fresh link to the current
  provisioning contact (409 with the reason when it cannot); the link is never in the answer.
- ``POST /api/orders/link`` ``{order_id, email}``: 202 with the same answer whether or not the pair matches; a
  matching pair's link is mailed once the answer is out.
"""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends

from models.partner_order_page import FreshLinkRequest, LinkRequested, PartnerOrderPage
from starter.services import partner_order_page
from starter.web import reading
from starter.web.access import PUBLIC
from starter.web.deps import Sessions, Temporal
from starter.web.errors import ERROR_RESPONSES
from starter.web.partner_orders.order_views import fresh_link_answer, new_link_sent, page_of
from starter.web.partner_orders.setup_link import LinkOf
from starter.web.rate_limits import Limit, limited

router = APIRouter(prefix="/api/orders", tags=["partner's orders"], responses=ERROR_RESPONSES)


@router.post(
    "/link",
    status_code=202,
    response_model=LinkRequested,
    summary="Ask for a fresh Set Up Now link by order id and contact address (the same answer either way)",
    dependencies=[PUBLIC, Depends(limited(Limit.FINDING))],
)
async def ask_for_link(
    body: FreshLinkRequest, sessions: Sessions, temporal: Temporal, background: BackgroundTasks
) -> LinkRequested:
    if await partner_order_page.fresh_link_due(sessions, body.order_id, str(body.email)):
        background.add_task(partner_order_page.send_fresh_link, await temporal(), body.order_id, str(body.email))
    return LinkRequested(message=fresh_link_answer())


@router.get(
    "/{token}",
    response_model=PartnerOrderPage,
    summary="The link's order: status, who is setting up, dates and deadlines",
    dependencies=[Depends(limited(Limit.LINKS))],
)
async def get_order(link: LinkOf, temporal: Temporal) -> PartnerOrderPage:
    order = await partner_order_page.state(await temporal(), link)
    reading.of_record(order.language)
    return page_of(order)


@router.post(
    "/{token}/new-link",
    status_code=202,
    response_model=LinkRequested,
    summary="Send me a new link: a fresh Set Up Now e-mail to the current provisioning contact",
    dependencies=[Depends(limited(Limit.LINKS))],
)
async def new_link(link: LinkOf, temporal: Temporal) -> LinkRequested:
    client = await temporal()
    order = await partner_order_page.state(client, link)
    reading.of_record(order.language)
    sent = await partner_order_page.new_link(client, link)
    return LinkRequested(message=new_link_sent(str(sent.to)))
