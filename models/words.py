"""The words a refusal names things by ("the order is %(status)s", "no %(edition)s licenses"), marked for the
refusals catalog with a context: each process's statuses (one context per process, so the same English word,
completed or refused, can be translated apart for an order, a booking and an account), the editions, and the one
product with a name of its own in a language (GoTo Meeting is 会易通 in seed 000), the Webex Assist packages, and a
card gateway's reasons. Other products are brand names, passed as they are."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from models.accounts import Edition, Product
from models.assist import AssistStatus
from models.assist_packages import Package
from models.organizer import OrganizerStatus
from models.partner_order import PartnerOrderStatus
from models.refusals import Param, Word, word
from models.seat_order import SeatOrderStatus

K = TypeVar("K", bound=StrEnum)

SEND_NOW = word("partner order step", "send the Set Up Now e-mail now")
RESEND = word("partner order step", "resend the Set Up Now e-mail")
CHANGE_CONTACT = word("partner order step", "change the provisioning contact")
"""The operator's steps on a partner order, as a refusal names them ("Cannot %(action)s: …")."""

PARTNER_ORDER: dict[PartnerOrderStatus, Word] = {
    PartnerOrderStatus.AWAITING_START_DATE: word("partner order status", "awaiting start date"),
    PartnerOrderStatus.AWAITING_SETUP: word("partner order status", "awaiting setup"),
    PartnerOrderStatus.AWAITING_ORG_CONFIRMATION: word("partner order status", "awaiting org confirmation"),
    PartnerOrderStatus.SET_UP: word("partner order status", "set up"),
    PartnerOrderStatus.PROVISIONED: word("partner order status", "provisioned"),
    PartnerOrderStatus.CLOSED: word("partner order status", "closed"),
    PartnerOrderStatus.HALTED: word("partner order status", "halted"),
}

SEAT_ORDER: dict[SeatOrderStatus, Word] = {
    SeatOrderStatus.CART: word("seat order status", "cart"),
    SeatOrderStatus.QUOTED: word("seat order status", "quoted"),
    SeatOrderStatus.PAYMENT: word("seat order status", "payment"),
    SeatOrderStatus.SERVICE_ORDER: word("seat order status", "service order"),
    SeatOrderStatus.PLACED: word("seat order status", "placed"),
    SeatOrderStatus.AWAITING_REVIEW: word("seat order status", "awaiting review"),
    SeatOrderStatus.COMPLETED: word("seat order status", "completed"),
    SeatOrderStatus.FAILED: word("seat order status", "failed"),
    SeatOrderStatus.DECLINED: word("seat order status", "declined"),
    SeatOrderStatus.SUPERSEDED: word("seat order status", "superseded"),
    SeatOrderStatus.EXPIRED: word("seat order status", "expired"),
    SeatOrderStatus.REFUSED: word("seat order status", "refused"),
}

ASSIST_BOOKING: dict[AssistStatus, Word] = {
    AssistStatus.DRAFT: word("booking status", "draft"),
    AssistStatus.CONFIRMED: word("booking status", "confirmed"),
    AssistStatus.LIVE: word("booking status", "live"),
    AssistStatus.COMPLETED: word("booking status", "completed"),
    AssistStatus.CANCELLED: word("booking status", "cancelled"),
    AssistStatus.ABANDONED: word("booking status", "abandoned"),
}

ORGANIZER: dict[OrganizerStatus, Word] = {
    OrganizerStatus.PENDING: word("organizer account status", "pending"),
    OrganizerStatus.INVITED: word("organizer account status", "invited"),
    OrganizerStatus.ACTIVE: word("organizer account status", "active"),
    OrganizerStatus.REMOVED: word("organizer account status", "removed"),
    OrganizerStatus.REFUSED: word("organizer account status", "refused"),
    OrganizerStatus.ABANDONED: word("organizer account status", "abandoned"),
}

EDITION: dict[Edition, Word] = {
    Edition.ENTERPRISE: word("edition", "Enterprise"),
    Edition.STANDARD: word("edition", "Standard"),
    Edition.BASIC: word("edition", "Basic"),
}

PRODUCT: dict[Product, Word] = {Product.GOTO_MEETING: word("product", "GoTo Meeting")}

ASSIST_PACKAGE: dict[Package, Word] = {
    Package.MEETING_CENTER_PREMIUM: word("assist package", "Meeting Center Premium"),
    Package.TRAINING_CENTER_PREMIUM: word("assist package", "Training Center Premium"),
    Package.EVENT_CENTER_STANDARD: word("assist package", "Event Center Standard"),
    Package.EVENT_CENTER_PREMIUM: word("assist package", "Event Center Premium"),
}
"""The Webex Assist packages, as a refusal names them (Event Center 標準協助服務 in traditional Chinese)."""
GATEWAY_REASON = "card gateway's reason"
"""The context of what a card gateway says when it declines: the sandbox gateway's words are in the catalog
(``insufficient funds``), another gateway's are shown as it says them."""
INSUFFICIENT_FUNDS = word("card gateway's reason", "insufficient funds")


def gateway_reason(text: str) -> Word:
    """A gateway's reason, translated when the catalog knows it."""
    return Word(context=GATEWAY_REASON, text=text)


def named(words: Mapping[K, Word], value: str) -> Param:
    """The word for ``value`` (an enum's value, as stored or sent); a value this version does not know, as it is."""
    for known, said in words.items():
        if known == value:
            return said
    return str(value)


def edition(value: str) -> Param:
    return named(EDITION, value)


def product(value: str) -> Param:
    return named(PRODUCT, value)
