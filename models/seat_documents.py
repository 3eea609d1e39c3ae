"""The numbers of a seat order's documents (seed 002's quote and receipt), said once for the workflow that mails the
receipt, the documents that print them and the pages that name the files. A quote carries its own number
(``Q-<order no>-<n>``: the order's n-th quote); an order is paid once, so its receipt is numbered after it:
``R-<order no>``. Made from the order number alone, a document downloaded twice has one number."""

from __future__ import annotations

from models.seat_order import Quote

RECEIPT_PREFIX = "R-"
QUOTE_PREFIX = "Q-"


def nth_quote_number(order_no: str, n: int) -> str:
    """The number the order's ``n``-th quote gets when it is made."""
    return f"{QUOTE_PREFIX}{order_no}-{n}"


def quote_number(order_no: str, quote: Quote) -> str:
    """The quote's own number; a quote made before quotes were numbered is named after its order."""
    return quote.number or f"{QUOTE_PREFIX}{order_no}"


def receipt_number(order_no: str) -> str:
    return f"{RECEIPT_PREFIX}{order_no}"
