"""What a partner's order page says (seeds 001/003), for the page and its JSON twin: the order's status, who is
setting up (in the words of the wizard's "who will set up" step), the dates and deadlines, and whether a new link
can be sent; the portal the order pages answer with, whose invalid-link page leads to asking for a new link."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from models.partner_order import PartnerOrderState, PartnerOrderStatus
from models.partner_order_page import PartnerOrderPage
from models.seed_rules import MAX_SET_UP_NOW_MAILS
from models.words import PARTNER_ORDER
from starter.services import partner_order_page
from starter.services.setup_wizard import CustomerSettingUp, LinkInvalid
from starter.web.partner_orders.wizard_views import customer_setting_up_page
from starter.web.reading import gettext, lazy_gettext, ngettext
from starter.web.rendering import Portal
from starter.web.said import named

REQUEST_PAGE = "/orders/link"


def link_gone_page(_: Exception | None = None, __: Request | None = None) -> Response:
    """An unknown, expired or superseded link: why, and the way to a fresh one."""
    return ORDER_PAGES.message(
        gettext("This link no longer works"),
        gettext(
            "It is unknown, has expired, or was replaced by a newer one (for example after the setup was handed to "
            "someone else, or after the order was provisioned). Use the newest Set Up Now e-mail you received, or "
            "ask for a new link with the order number and your e-mail address."
        ),
        404,
        link=(REQUEST_PAGE, gettext("Ask for a new link")),
    )


ORDER_PAGES = Portal(
    layout="partner_orders/_layout.html",
    optional=("order",),
    unavailable_title=lazy_gettext("The order is unavailable right now"),
    unavailable=lazy_gettext(
        "We cannot reach the service that runs the order at the moment. Nothing was changed; please try again in "
        "a few minutes."
    ),
    on={CustomerSettingUp: customer_setting_up_page, LinkInvalid: link_gone_page},
)


def setting_up(order: PartnerOrderState) -> str:
    """Who is setting up, as the wizard's step offered it."""
    wizard = order.wizard
    email = str(wizard.setup_by_email or order.provisioning_contact_email)
    if wizard.setup_by == "me":
        return gettext("%(email)s (Yes, I will set up)", email=email)
    if wizard.setup_by == "colleague":
        return gettext("A colleague, %(email)s (Another person in my company will set up)", email=email)
    if wizard.setup_by == "customer":
        return gettext("The customer's administrator, %(email)s (The customer will set up)", email=email)
    return gettext("Not chosen yet: the Set Up Now wizard asks who will set up.")


def new_link_note(order: PartnerOrderState) -> str | None:
    """Why "Send me a new link" is not offered, or None when it is."""
    if partner_order_page.new_link_allowed(order):
        return None
    if order.status is PartnerOrderStatus.AWAITING_START_DATE:
        return gettext("The Set Up Now e-mail goes out on the requested start date; a new link can be sent after it.")
    if order.status in partner_order_page.NEW_LINK_STATUSES:
        return ngettext(
            "This order has had %(num)d Set Up Now e-mail: no more are sent.",
            "This order has had %(num)d Set Up Now e-mails: no more are sent.",
            MAX_SET_UP_NOW_MAILS,
        )
    return gettext(
        "The order is %(status)s: no new Set Up Now link is sent.", status=named(PARTNER_ORDER[order.status])
    )


def page_of(order: PartnerOrderState) -> PartnerOrderPage:
    """The order as the page and the API tell it."""
    return PartnerOrderPage(
        order_id=order.order_id,
        offer=order.offer,
        status=order.status,
        status_text=named(PARTNER_ORDER[order.status]),
        partner_name=order.partner_name,
        customer_name=order.customer_name,
        purchased_services=order.purchased_services,
        time_zone=order.time_zone,
        requested_start_date=order.requested_start_date,
        set_up_now_sent_at=order.set_up_now_sent_at,
        escalates_at=order.escalates_at,
        escalated=order.escalated,
        closes_at=order.closes_at,
        setup_by=order.wizard.setup_by,
        setting_up=setting_up(order),
        provisioning_contact_email=order.provisioning_contact_email,
        account_representative_email=order.account_representative_email,
        new_link_allowed=partner_order_page.new_link_allowed(order),
    )


def new_link_sent(to: str) -> str:
    return gettext("We sent a new Set Up Now e-mail to %(email)s. The links you already have keep working.", email=to)


def fresh_link_answer() -> str:
    """The one answer to a request by order number and address, whether or not they match."""
    return gettext(
        "If the order number and the address match an order that is waiting to be set up, a new Set Up Now link "
        "is on its way to that address. Links sent before keep working."
    )
