"""Whether a request for a fresh Set Up Now link by order id and contact address (a partner's order page, seeds
001/003) is one the order's workflow should answer with a mail: the address is the order's current provisioning
contact, the Set Up Now e-mail is out and the order is not yet set up, and the partner has not left the order to the
customer. One statement whatever the answer, so neither its result nor its timing tells whether an order exists."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.setup_tokens import CUSTOMER
from store.tables import PartnerOrder

FRESH_LINK_STATUSES = ("awaiting_setup", "awaiting_org_confirmation")
"""The statuses whose resend the workflow accepts (models/partner_order.py BEFORE_SET_UP, once the mail is out)."""


def normalized(email: str) -> str:
    """Addresses compare as people type them: the case of an address is not its identity."""
    return email.strip().lower()


async def fresh_link_due(session: AsyncSession, order_id: str, email: str) -> bool:
    """True when ``email`` is the current provisioning contact of the open order ``order_id`` and a new link may go
    to it. An order the partner handed to the customer answers False: its partner links have ended, and the
    customer's administrator is not the one asking."""
    found = await session.scalar(
        select(PartnerOrder.order_id).where(
            PartnerOrder.order_id == order_id,
            func.lower(PartnerOrder.provisioning_contact_email) == normalized(email),
            PartnerOrder.status.in_(FRESH_LINK_STATUSES),
            (PartnerOrder.setup_by.is_(None)) | (PartnerOrder.setup_by != CUSTOMER),
        )
    )
    return found is not None
