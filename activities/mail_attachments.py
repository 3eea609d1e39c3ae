"""The files a mail carries, declared per template: ``ATTACHMENTS`` maps a template's name to what makes its files
from the mail's context, in the recipient's language. The mail delivery asks here and attaches what it is given,
knowing no template; a template not listed carries nothing.

A file is made when the mail is sent, from the context the workflow queued, like the mail's text: nothing but the
context crosses the workflow's history, and every try of the same mail carries the same file (the documents are
drawn deterministically). A context queued before a field existed makes a file without it (documents/facts.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import documents
from activities import calendar_entries
from documents import Customer, ReceiptFacts
from models.seat_order import ChargeResult, Quote
from models.seat_order_requests import BillingAddress


@dataclass(frozen=True)
class Attachment:
    file_name: str
    media_type: str
    data: bytes


Builder = Callable[[dict[str, Any], str], list[Attachment]]
"""(the mail's context, the recipient's language tag) → the files."""


def seat_order_receipt(context: dict[str, Any], language: str) -> list[Attachment]:
    """The receipt mail's receipt PDF (seed 002: "a confirmation e-mail with the receipt"); none when the context
    holds no approved charge to show."""
    facts = _receipt(context, language)
    if facts is None:
        return []
    number = documents.receipt_number(facts.order_no)
    return [Attachment(documents.file_name(number), documents.MEDIA_TYPE, documents.receipt_pdf(facts))]


def assist_calendar_request(context: dict[str, Any], language: str) -> list[Attachment]:
    """The Webex Assist confirmation's and every move's calendar entry (issue 15, item 12): the booking's event as
    it now stands; none for a mail queued before the workflow wrote the entry's keys."""
    return _calendar_entry(context, language, "REQUEST")


def assist_calendar_cancel(context: dict[str, Any], language: str) -> list[Attachment]:
    """The cancelled mail's entry, which takes the booking's event off the customer's calendar."""
    return _calendar_entry(context, language, "CANCEL")


ATTACHMENTS: dict[str, Builder] = {
    "seat_order_receipt": seat_order_receipt,
    "assist_confirmation": assist_calendar_request,
    "assist_rescheduled": assist_calendar_request,
    "assist_cancelled": assist_calendar_cancel,
}


def declares(template: str) -> bool:
    return template in ATTACHMENTS


def attachments(template: str, context: dict[str, Any], language: str) -> list[Attachment]:
    builder = ATTACHMENTS.get(template)
    return builder(context, language) if builder is not None else []


def _receipt(context: dict[str, Any], language: str) -> ReceiptFacts | None:
    """The receipt's facts as SeatOrderWorkflow's ``_mail_context`` writes them."""
    quote, charge = context.get("quote"), context.get("charge")
    if not quote or not charge:
        return None
    paid = ChargeResult.model_validate(charge)
    if paid.outcome != "approved":
        return None
    card = context.get("card") or {}
    address = context.get("billing_address")
    completed_at = context.get("completed_at")
    return ReceiptFacts(
        order_no=str(context["order_no"]),
        quote=Quote.model_validate(quote),
        charge=paid,
        customer=Customer(
            account_no=str(context.get("account_no", "")), name=str(context.get("customer_name", "")), language=language
        ),
        paid_at=datetime.fromisoformat(completed_at) if completed_at else None,
        billed_to=BillingAddress.model_validate(address) if address else None,
        card_brand=card.get("brand"),
        card_last4=card.get("last4"),
    )


def _calendar_entry(context: dict[str, Any], language: str, method: calendar_entries.Method) -> list[Attachment]:
    data = calendar_entries.entry(context, language, method)
    if data is None:
        return []
    name = calendar_entries.file_name(str(context["reservation_no"]))
    return [Attachment(name, calendar_entries.media_type(method), data)]
