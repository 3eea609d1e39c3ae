"""What an account holds, named as the portals name it in the reader's language: the products are brand names
(GoTo Meeting is 会易通 in simplified Chinese, as seed 000 calls it), the editions are words (企业版, 标准版, 基础版)."""

from __future__ import annotations

from models import words
from models.accounts import CORPORATE_ACCOUNT_SERVICES, Edition, Product
from starter.web.account_services import account_services
from starter.web.reading import Text, gettext, lazy_gettext
from starter.web.said import named

PRODUCTS: dict[str, Text] = {Product.GOTO_MEETING.value: lazy_gettext("GoTo Meeting")}
"""The products with a name of their own in some language; the others are called what they are called."""
EDITIONS: dict[str, Text] = {
    Edition.ENTERPRISE.value: lazy_gettext("Enterprise"),
    Edition.STANDARD.value: lazy_gettext("Standard"),
    Edition.BASIC.value: lazy_gettext("Basic"),
}


def edition_label(product: Product | str, edition: Edition | str) -> str:
    """'GoTo Meeting Standard', '会易通标准版'; a product or edition this version does not know, as stored."""
    product, edition = str(product), str(edition)
    # Translators: a product and one of its editions, e.g. "GoTo Meeting Standard".
    return gettext(
        "%(product)s %(edition)s", product=PRODUCTS.get(product, product), edition=EDITIONS.get(edition, edition)
    )


def product_name(product: Product | str) -> str:
    """A product on its own: 'GoTo Meeting', '会易通'; the others are brand names, as they are."""
    return str(PRODUCTS.get(str(product), str(product)))


def edition_name(edition: Edition | str) -> str:
    """An edition on its own (a table's Edition column): 'Standard', '标准版'; one this version does not know, as
    stored."""
    return str(EDITIONS.get(str(edition), str(edition)))


def seat_status(status: str) -> str:
    """An order's status as the refusals name it ('service order', 'Service-Bestellung'); unknown, as stored."""
    for known, word in words.SEAT_ORDER.items():
        if known.value == status:
            return named(word)
    return status.replace("_", " ")


def reach_services() -> str:
    """The sentence after "contact Corporate Account Services": their e-mail, phone and hours (the settings')."""
    services = account_services()
    return gettext(
        "You can reach them at %(email)s or by phone at %(phone)s (%(hours)s).",
        email=str(services.email),
        phone=services.phone,
        hours=services.hours,
    )


def not_supported(product: Product) -> str:
    told = gettext(
        "%(product)s does not support seat additions here. Please contact %(services)s.",
        product=product.value,
        services=CORPORATE_ACCOUNT_SERVICES,
    )
    return f"{told} {reach_services()}"
