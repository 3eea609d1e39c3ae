"""Contracts of a partner's order page (seeds 001/003): what the page's JSON twin answers about the order (status,
who is setting up, dates and deadlines), and the request for a fresh Set Up Now link by order id and contact
address, whose answer is the same sentence whether or not the pair matches."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import AwareDatetime, EmailStr, Field

from models.common import Contract
from models.partner_order import Offer, OrderId, PartnerOrderStatus, Service


class FreshLinkRequest(Contract):
    """ "Send me a new link" without a link: the order id and the provisioning contact's address. A matching pair
    has the order's workflow mail a fresh Set Up Now link to that address; the link is never shown."""

    order_id: OrderId = Field(description="The Commerce Workspace order number, e.g. CCW-1001.")
    email: EmailStr = Field(max_length=320, description="The order's provisioning contact e-mail address.")


class LinkRequested(Contract):
    message: str = Field(description="What happens next; the same sentence whether or not the order matched.")


class PartnerOrderPage(Contract):
    """One order as its link's holder sees it; times are aware, the page tells them in ``time_zone``."""

    order_id: str
    offer: Offer
    status: PartnerOrderStatus
    status_text: str = Field(description="The status in the reader's language.")
    partner_name: str
    customer_name: str
    purchased_services: list[Service]
    time_zone: str = Field(description="The order's IANA time zone: its dates and deadlines are told in it.")
    requested_start_date: date
    set_up_now_sent_at: AwareDatetime | None = None
    escalates_at: AwareDatetime = Field(description="The account representative is alerted unless set up by then.")
    escalated: bool
    closes_at: AwareDatetime = Field(description="The order line closes unless provisioned by then.")
    setup_by: Literal["me", "colleague", "customer"] | None = Field(
        default=None, description="Who sets up, once chosen in the wizard."
    )
    setting_up: str = Field(description="Who is setting up, in the reader's language.")
    provisioning_contact_email: EmailStr
    account_representative_email: EmailStr
    new_link_allowed: bool = Field(
        description="Whether 'Send me a new link' can send one now (the Set Up Now e-mail is out, not set up yet)."
    )
