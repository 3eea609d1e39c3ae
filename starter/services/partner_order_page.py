"""A partner's order page from the client side (seeds 001/003), shared by the page and its JSON twin.

- The page is reached with any Set Up Now link that still works (the link is the credential, as for the wizard):
  it shows the order's state from the workflow's status Query and changes nothing.
- "Send me a new link" is the operator's resend Update (models/partner_order.py ResendSetUpMail), asked by the
  link's holder: the workflow mails a fresh link to the current provisioning contact (after "the customer will set
  up", the customer's administrator, whose link it is), older links keep working, and the workflow's own rules
  apply (not before the Set Up Now e-mail is out, not once set up, at most MAX_SET_UP_NOW_MAILS e-mails).
- Without a link, anyone may ask by order id and contact address. The answer is the same whether or not the pair
  matches; the store decides with one statement either way (store/partner_order_contacts.py) and the resend runs
  after the answer (``send_fresh_link``), so neither the answer nor its timing tells whether the order exists.
  A pair that matches an order handed to the customer sends nothing: the partner's access has ended, and the
  customer's administrator did not ask.
"""

from __future__ import annotations

import logging

from temporalio.client import Client

from models.mail import MailQueued
from models.partner_order import PartnerOrderState, PartnerOrderStatus, ResendSetUpMail
from models.seed_rules import MAX_SET_UP_NOW_MAILS
from starter.services import partner_orders
from starter.services.setup_wizard import SetupLink
from store import SessionFactory, partner_order_contacts
from workflows.partner_order_operator import SET_UP_NOW, SET_UP_NOW_CUSTOMER

log = logging.getLogger("onramp.partner_orders")

NEW_LINK_STATUSES = frozenset({PartnerOrderStatus.AWAITING_SETUP, PartnerOrderStatus.AWAITING_ORG_CONFIRMATION})
"""Where the resend Update accepts a new link (its validator has the last word)."""


async def state(client: Client, link: SetupLink) -> PartnerOrderState:
    """The link's order as the workflow holds it (a finished one's result)."""
    return await partner_orders.status(client, link.order_id)


def new_link_allowed(order: PartnerOrderState) -> bool:
    """Whether "Send me a new link" can send one now: the page offers the button only then."""
    sent = sum(1 for mail in order.mails if mail.purpose in (SET_UP_NOW, SET_UP_NOW_CUSTOMER))
    return order.status in NEW_LINK_STATUSES and sent < MAX_SET_UP_NOW_MAILS


async def new_link(client: Client, link: SetupLink) -> MailQueued:
    """The link's holder asks for a fresh link: the resend Update, recorded in the timeline as theirs."""
    request = ResendSetUpMail(
        operator=f"link:{link.audience}", reason=f"{link.email} asked for a new link on the order's page"
    )
    return await partner_orders.resend(client, link.order_id, request)


async def fresh_link_due(sessions: SessionFactory, order_id: str, email: str) -> bool:
    """Whether a request by order id and address should have the workflow send a link (the caller answers the
    same either way, and sends it after answering)."""
    async with sessions() as session:
        return await partner_order_contacts.fresh_link_due(session, order_id, email)


async def send_fresh_link(client: Client, order_id: str, email: str) -> None:
    """After the answer: the resend Update for a pair that matched. A refusal (the mails are spent, the order
    moved on meanwhile) or Temporal being away sends nothing, and is logged without the address."""
    request = ResendSetUpMail(
        operator="order page",
        reason=f"{partner_order_contacts.normalized(email)} asked for a new link by order id and address",
    )
    try:
        await partner_orders.resend(client, order_id, request)
    except Exception as err:  # a background task: nobody is waiting for its answer
        log.info("no fresh Set Up Now link for order %s: %s", order_id, err)
