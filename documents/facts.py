"""What a seat order's documents are made from: plain data, as the order's state and its receipt mail hold it.

The portal reads these from the order's workflow (its status Query) and the account; the receipt mail from the
context its workflow queued. Both hand the same facts here, so the PDF attached to the mail is the one the portal
downloads. Every field a receipt mail queued before the documents existed may lack is optional: a document shows
what it is given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from models.languages import DEFAULT_LANGUAGE, SupportedLanguage, supported
from models.seat_order import ChargeResult, Quote, SeatOrderState, SeatOrderStatus
from models.seat_order_requests import BillingAddress


@dataclass(frozen=True)
class Customer:
    """Whom the document is for: the account, its customer's name, and the billing contact's language tag."""

    account_no: str
    name: str
    language: str = DEFAULT_LANGUAGE.value

    @property
    def reads(self) -> SupportedLanguage:
        """The language the document is written in: the one onramp speaks for the tag, else English."""
        return supported(self.language) or DEFAULT_LANGUAGE


@dataclass(frozen=True)
class QuoteFacts:
    order_no: str
    quote: Quote
    customer: Customer


@dataclass(frozen=True)
class ReceiptFacts:
    """A completed order: its quote and what the gateway charged."""

    order_no: str
    quote: Quote
    charge: ChargeResult
    customer: Customer
    paid_at: datetime | None = None
    billed_to: BillingAddress | None = None
    card_brand: str | None = None
    card_last4: str | None = None


def quote_of(state: SeatOrderState, customer: Customer) -> QuoteFacts | None:
    """The order's quote, or None before Save cart & review made one."""
    if state.quote is None:
        return None
    return QuoteFacts(order_no=state.order_no, quote=state.quote, customer=customer)


def receipt_of(state: SeatOrderState, customer: Customer) -> ReceiptFacts | None:
    """The completed order's receipt, or None: an order is receipted once it is completed, its card charged."""
    charge = state.charge
    if state.status is not SeatOrderStatus.COMPLETED or state.quote is None or charge is None:
        return None
    if charge.outcome != "approved":
        return None
    return ReceiptFacts(
        order_no=state.order_no,
        quote=state.quote,
        charge=charge,
        customer=customer,
        paid_at=state.completed_at,
        billed_to=state.billing_address,
        card_brand=state.card.brand if state.card else None,
        card_last4=state.card.last4 if state.card else None,
    )
