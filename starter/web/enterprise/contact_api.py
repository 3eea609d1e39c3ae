"""``POST /api/admin/contact``, the twin of the contact page (contact_pages.py): ``{subject, message, order_no?}``
mails Corporate Account Services, Reply-To the admin, with the account and the chosen seat order attached. The
account's own admin only (a session whose first password has been changed); at most ``ONRAMP_RATE_LIMIT_CONTACT``
messages per account (429 with ``Retry-After`` above it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from models.account_services_message import ServicesMessage, ServicesMessageSent
from starter.web.access import PortalAdmin
from starter.web.deps import AppSettings, Sessions
from starter.web.enterprise.contact import confirmation, send
from starter.web.errors import ERROR_RESPONSES, ErrorBody

RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    401: {"model": ErrorBody, "description": "Not logged in."},
    403: {"model": ErrorBody, "description": "The first password must be changed first."},
    404: {"model": ErrorBody, "description": "``order_no`` is none of the account's seat orders."},
    429: {"model": ErrorBody, "description": "The account has sent many messages already: wait for Retry-After."},
}

router = APIRouter(prefix="/api/admin", tags=["enterprise admin"], responses=RESPONSES)


@router.post(
    "/contact",
    status_code=202,
    response_model=ServicesMessageSent,
    summary="Write to Corporate Account Services (the account and the chosen seat order go along)",
)
async def write(
    body: ServicesMessage, request: Request, admin: PortalAdmin, sessions: Sessions, settings: AppSettings
) -> ServicesMessageSent:
    """202: the mail is sent, or kept and sent by the worker's relay once SMTP answers. 404 names ``order_no``
    when it is none of the account's seat orders."""
    sent = await send(request, sessions, settings, admin, body)
    return ServicesMessageSent(
        to=sent.to, reply_to=sent.reply_to, order_no=sent.order_no, message=confirmation(sent.to, sent.reply_to)
    )
