"""What a quote and a receipt say, as text in their reader's language, before anything is drawn: the title, the
facts at the top, who is billed, the lines, the totals and the closing notes.

Every number is the quote's or the charge's own, written the reader's way (translations/formats.py, as the pages
and the mails write them): a document can only show what the order holds. Moments are told in UTC with the zone
named, as the receipt mail does: the workflow that queues the mail knows no account's zone, and the attachment and
the portal's download are the same document."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from documents import numbers
from documents.facts import Customer, QuoteFacts, ReceiptFacts
from documents.words import (
    ACCOUNT_NUMBER,
    AMOUNT,
    BILLED_TO,
    CHARGE_REFERENCE,
    CHARGED,
    CONTINUED,
    CURRENCY,
    CUSTOMER,
    DATE_PAID,
    DAYS_TO_RENEWAL,
    DISCOUNT,
    NAMED_TAX,
    NEW_SEATS,
    ORDER_NUMBER,
    PAID,
    PAID_BY_CARD,
    PRODUCT,
    PROMOTION,
    PRORATED,
    QUOTE,
    QUOTE_DATE,
    QUOTE_NUMBER,
    RECEIPT,
    RECEIPT_NUMBER,
    SUBTOTAL,
    TAX,
    TOTAL,
    UNIT_PRICE,
    VALID_UNTIL,
    Words,
)
from models.languages import SupportedLanguage
from models.seat_order import Quote
from models.seat_order_requests import BillingAddress
from translations import formats, locale_of

ZONE = "UTC"
Kind = Literal["words", "data", "code"]
"""What a string is, which decides its direction on a right-to-left page: ``words`` (a translated label or sentence)
read right to left; ``data`` (a name, an address, an amount) the way its own first letter reads, as ``<bdi>`` does
in a page; a ``code`` (a number, a reference) left to right."""


@dataclass(frozen=True)
class Fact:
    label: str
    value: str
    kind: Kind = "data"
    """``code`` for a number or reference (``Q-SO-…-1``): read left to right in every language."""


@dataclass(frozen=True)
class Column:
    heading: str
    share: float
    """Its part of the table's width."""
    numeric: bool = True
    kind: Kind = "data"


@dataclass(frozen=True)
class Total:
    label: str
    value: str
    strong: bool = False


@dataclass(frozen=True)
class Sheet:
    """One document, every word of it written: the drawing (documents/drawing.py) only places it."""

    language: SupportedLanguage
    title: str
    number: str
    facts: tuple[Fact, ...]
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    totals: tuple[Total, ...]
    notes: tuple[str, ...] = ()
    billed_to: tuple[str, ...] = field(default=())
    billed_to_label: str = ""
    continued: str = ""
    """What a second page's top says (a quote has at most 20 lines, so one page is the rule)."""


def quote_sheet(facts: QuoteFacts) -> Sheet:
    words = Words(facts.customer.reads)
    quote = facts.quote
    number = numbers.quote_number(facts.order_no, quote)
    return Sheet(
        language=words.language,
        title=words.say(QUOTE),
        number=number,
        facts=(
            Fact(words.say(QUOTE_NUMBER), number, kind="code"),
            Fact(words.say(QUOTE_DATE), formats.day(quote.quoted_at.date(), words.language)),
            Fact(words.say(VALID_UNTIL), formats.zoned(quote.expires_at, words.language, ZONE)),
            Fact(words.say(ORDER_NUMBER), facts.order_no, kind="code"),
            *_customer(words, facts.customer),
        ),
        columns=_columns(words),
        rows=_rows(words, quote),
        totals=_totals(words, quote),
        notes=(words.say(PRORATED), words.say(CURRENCY, currency=quote.currency)),
        continued=words.say(CONTINUED, document=words.say(QUOTE), number=number),
    )


def receipt_sheet(facts: ReceiptFacts) -> Sheet:
    words = Words(facts.customer.reads)
    quote, charge = facts.quote, facts.charge
    number = numbers.receipt_number(facts.order_no)
    paid = [Fact(words.say(DATE_PAID), formats.day(facts.paid_at.date(), words.language))] if facts.paid_at else []
    if facts.card_brand and facts.card_last4:
        paid_by = words.say(PAID_BY_CARD, brand=facts.card_brand, last4=facts.card_last4)
    else:
        paid_by = words.say(PAID)
    return Sheet(
        language=words.language,
        title=words.say(RECEIPT),
        number=number,
        facts=(
            Fact(words.say(RECEIPT_NUMBER), number, kind="code"),
            *paid,
            Fact(words.say(ORDER_NUMBER), facts.order_no, kind="code"),
            Fact(words.say(QUOTE_NUMBER), numbers.quote_number(facts.order_no, quote), kind="code"),
            *_customer(words, facts.customer),
        ),
        billed_to=_address(facts.billed_to, words.language),
        billed_to_label=words.say(BILLED_TO),
        columns=_columns(words),
        rows=_rows(words, quote),
        totals=(
            *_totals(words, quote),
            Total(words.say(CHARGED), formats.money(charge.amount, charge.currency, words.language), strong=True),
        ),
        notes=(
            paid_by,
            words.say(CHARGE_REFERENCE, reference=charge.reference),
            words.say(CURRENCY, currency=charge.currency),
        ),
        continued=words.say(CONTINUED, document=words.say(RECEIPT), number=number),
    )


def _customer(words: Words, customer: Customer) -> tuple[Fact, ...]:
    found = [Fact(words.say(ACCOUNT_NUMBER), customer.account_no, kind="code")]
    if customer.name:
        found.append(Fact(words.say(CUSTOMER), customer.name))
    return tuple(found)


def _columns(words: Words) -> tuple[Column, ...]:
    return (
        Column(words.say(PRODUCT), 0.27, numeric=False, kind="words"),
        Column(words.say(NEW_SEATS), 0.09),
        Column(words.say(UNIT_PRICE), 0.16),
        Column(words.say(DAYS_TO_RENEWAL), 0.15),
        Column(words.say(AMOUNT), 0.17),
        Column(words.say(DISCOUNT), 0.16),
    )


def _rows(words: Words, quote: Quote) -> tuple[tuple[str, ...], ...]:
    language, currency = words.language, quote.currency
    return tuple(
        (
            words.edition(line.product.value, line.edition.value),
            formats.number(line.new_seats, language),
            formats.money(line.unit_price, currency, language),
            formats.number(line.days_to_renewal, language),
            formats.money(line.amount, currency, language),
            _less(line.discount, currency, language),
        )
        for line in quote.lines
    )


def _totals(words: Words, quote: Quote) -> tuple[Total, ...]:
    language, currency = words.language, quote.currency
    found = [Total(words.say(SUBTOTAL), formats.money(quote.subtotal, currency, language))]
    if quote.promotion is not None:
        promotion = quote.promotion
        label = words.say(
            PROMOTION,
            code=promotion.code,
            name=promotion.name,
            percent=formats.percent(promotion.percent_off / 100, language),
        )
        found.append(Total(label, _less(quote.discount, currency, language)))
    rate = formats.percent(quote.tax_rate, language)
    tax = words.say(NAMED_TAX, tax=quote.tax_name, rate=rate) if quote.tax_name else words.say(TAX, rate=rate)
    found.append(Total(tax, formats.money(quote.tax, currency, language)))
    found.append(Total(words.say(TOTAL), formats.money(quote.total, currency, language), strong=True))
    return tuple(found)


def _less(amount: Decimal, currency: str, language: SupportedLanguage) -> str:
    """A discount: what is taken off, as a negative amount in the locale's way when there is something to take."""
    return formats.money(-amount if amount else amount, currency, language)


def _address(address: BillingAddress | None, language: SupportedLanguage) -> tuple[str, ...]:
    """The billing address as a letter shows it, the country named in the reader's language."""
    if address is None:
        return ()
    country = locale_of(language).territories.get(address.country, address.country)
    return (address.company, address.street, f"{address.postal_code} {address.city}", country)
