"""An enterprise admin writes to Corporate Account Services from the portal (seed 002: "if you need more help,
contact Corporate Account Services"). One mail to the team's address (the settings'), Reply-To the admin, with the
account number, the customer name, the admin's name and e-mail and, when the admin chose one of the account's seat
orders, its number, status and quote total as onramp has them — never as the form says them.

The mail cannot be lost: its request is kept in its outbox row (``keep_request``) before SMTP is tried, and when
SMTP is away the worker's relay sends it once it answers (starter/services/mail_relay.py). Each message has an
outbox key of its own, so two messages sent at the same moment are two mails.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import aiosmtplib

from activities.mail_delivery import MailDelivery
from models.account_services_message import ServicesMessage
from models.common import Recipient
from models.mail import MailRequest
from models.refusals import Refusal
from models.seat_order_rules import no_seat_order
from starter.errors import NotFound
from starter.services.admin_auth import Admin
from starter.services.seat_portal import seat_orders
from starter.settings import Settings
from store import SessionFactory
from store.tables import Account, SeatOrderRow

log = logging.getLogger("onramp.account_services")

PURPOSE = "account_services"
TEMPLATE = "account_services_contact"
TEAM_LANGUAGE = "en"
"""The language the team reads the portal's messages in."""


class UnknownOrder(NotFound):
    """The chosen order is none of the account's seat orders: as for the seat-order API, another account's order
    reads as if it did not exist (404, naming the field)."""


@dataclass(frozen=True)
class Sent:
    to: str
    reply_to: str
    order_no: str | None
    delivered: bool
    """False: SMTP did not answer, and the worker's relay sends the mail once it does."""


@dataclass(frozen=True)
class OrderChoice:
    order_no: str
    status: str
    total: Decimal | None
    currency: str


async def order_choices(sessions: SessionFactory, account_no: str) -> list[OrderChoice]:
    """The seat orders an admin may attach: the account's newest, as the Subscriptions page lists them."""
    rows = await seat_orders(sessions, account_no)
    async with sessions() as session:
        account = await session.get(Account, account_no)
    currency = account.currency if account else ""
    return [OrderChoice(r.order_no, r.status, Decimal(r.total) if r.total else None, currency) for r in rows]


async def write(sessions: SessionFactory, settings: Settings, admin: Admin, wanted: ServicesMessage) -> Sent:
    """Mail ``wanted`` to Corporate Account Services; refused (field ``order_no``) when the order is not the
    account's."""
    order = await _order_facts(sessions, admin.account_no, wanted.order_no) if wanted.order_no else None
    services = settings.account_services()
    request = MailRequest(
        workflow_id=f"contact-{admin.account_no}-{secrets.token_hex(8)}",
        purpose=PURPOSE,
        sequence=1,
        recipient=Recipient(email=services.email, language=TEAM_LANGUAGE),
        reply_to=admin.email,
        template=TEMPLATE,
        context={
            "account_no": admin.account_no,
            "customer_name": admin.customer_name,
            "admin_name": admin.name,
            "admin_email": admin.email,
            "subject": wanted.subject,
            "message": wanted.message,
            "order": order,
        },
    )
    delivered = True
    try:
        await MailDelivery(sessions, settings.mail_config()).send(request, keep_request=True)
    except (aiosmtplib.SMTPException, OSError):  # kept in the outbox: the relay sends it once SMTP answers
        log.warning("message of account %s to Corporate Account Services waits for SMTP", admin.account_no)
        delivered = False
    return Sent(str(services.email), admin.email, wanted.order_no, delivered)


async def _order_facts(sessions: SessionFactory, account_no: str, order_no: str) -> dict[str, Any]:
    """The order as onramp has it: its number, status and quote total (with the quote's currency)."""
    async with sessions() as session:
        row = await session.get(SeatOrderRow, order_no)
        if row is None or row.account_no != account_no:
            raise UnknownOrder(no_seat_order(order_no), type=Refusal.NOT_FOUND, field="order_no")
        account = await session.get(Account, account_no)
    quote = row.quote or {}
    return {
        "order_no": row.order_no,
        "status": row.status,
        "total": str(quote.get("total") or row.total or "") or None,
        "currency": str(quote.get("currency") or (account.currency if account else "")),
    }
