"""The documents' words, marked ``N_`` for the pages' ``messages`` catalog and translated where a document is made,
in its reader's language. Where the quote page says the same thing (its table's headings, the tax line, the
promotion line) the document uses the page's very message, so the two read alike in every language."""

from __future__ import annotations

import unicodedata
from typing import Any

import translations
from models.accounts import Edition, Product
from models.languages import FACTS, SupportedLanguage
from translations import N_

QUOTE = N_("Quote")
RECEIPT = N_("Receipt")
QUOTE_NUMBER = N_("Quote number")
RECEIPT_NUMBER = N_("Receipt number")
ORDER_NUMBER = N_("Order number")
QUOTE_DATE = N_("Date")
VALID_UNTIL = N_("Valid until")
DATE_PAID = N_("Date paid")
ACCOUNT_NUMBER = N_("Account number")
CUSTOMER = N_("Customer")
BILLED_TO = N_("Billed to")

PRODUCT = N_("Product")
NEW_SEATS = N_("New seats")
UNIT_PRICE = N_("Yearly price per seat")
DAYS_TO_RENEWAL = N_("Days to renewal")
AMOUNT = N_("Amount (prorated)")
DISCOUNT = N_("Discount")

SUBTOTAL = N_("Subtotal")
PROMOTION = N_("Promotion %(code)s: %(name)s (%(percent)s off)")
# Translators: a tax by its country's name and its rate, e.g. "MwSt (19%)".
NAMED_TAX = N_("%(tax)s (%(rate)s)")
TAX = N_("Tax (%(rate)s)")
TOTAL = N_("Total")
CHARGED = N_("Amount charged")

PRORATED = N_("Each amount is the yearly price per seat × new seats × days to the renewal date / 365.")  # noqa: RUF001
CURRENCY = N_("All amounts are in %(currency)s.")
PAID_BY_CARD = N_("Paid by %(brand)s card ending %(last4)s.")
PAID = N_("Paid by card.")
CHARGE_REFERENCE = N_("Charge reference: %(reference)s")
CONTINUED = N_("%(document)s %(number)s, continued")

PRODUCTS = {Product.GOTO_MEETING.value: N_("GoTo Meeting")}
"""The products with a name of their own in some language (会易通); the others are brand names."""
EDITIONS = {
    Edition.ENTERPRISE.value: N_("Enterprise"),
    Edition.STANDARD.value: N_("Standard"),
    Edition.BASIC.value: N_("Basic"),
}
# Translators: a product and one of its editions, e.g. "GoTo Meeting Standard".
PRODUCT_EDITION = N_("%(product)s %(edition)s")


class Words:
    """The catalog of one language: ``say(KEY, **values)`` is the message in it, its placeholders filled."""

    def __init__(self, language: SupportedLanguage) -> None:
        self.language = language

    def say(self, message: str, **values: Any) -> str:
        if FACTS[self.language].right_to_left:
            values = {name: _closed(value) for name, value in values.items()}
        return translations.gettext(self.language, message, **values)

    def edition(self, product: str, edition: str) -> str:
        """'GoTo Meeting Enterprise', '会易通企业版'; a product or edition this version does not know, as stored."""
        return self.say(
            PRODUCT_EDITION,
            product=self.say(PRODUCTS[product]) if product in PRODUCTS else product,
            edition=self.say(EDITIONS[edition]) if edition in EDITIONS else edition,
        )


RIGHT_TO_LEFT_MARK = "\u200f"


def _closed(value: Any) -> Any:
    """A left-to-right value (``MwSt``, ``Visa``) in a right-to-left sentence, followed by a right-to-left mark: the
    brackets and stops after it then belong to the sentence, not to the value ("MwSt (19%)" reads as the tax and its
    rate, not as "(MwSt (19%"). The mark draws nothing (documents/fonts.py drops it once the line is ordered)."""
    if isinstance(value, str) and any(unicodedata.bidirectional(char) == "L" for char in value):
        return value + RIGHT_TO_LEFT_MARK
    return value
