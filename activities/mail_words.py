"""The names a mail shows for what an order holds, in the recipient's language: the services a partner bought, a
product and its edition, a Webex Assist package, a card gateway's reason. A mail's context carries them as the
workflows know them (``meetings``, ``GoTo Meeting Standard``, ``Event Center Premium``, ``insufficient funds``); a
name not in these tables is shown as it is (a brand name the catalog need not know).

``M_`` marks a word for the mails' catalog: translations/mails.cfg extracts it from this module, and the pages'
catalog, which reads every module under activities/ for its own keywords, leaves it alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from models.accounts import Edition, Product
from models.assist import PreparationKind
from models.assist_packages import PACKAGES, Package
from models.partner_order import Service

Translate = Callable[[str], str]


def M_(message: str) -> str:
    """Marks a mail's word for the catalog; it is translated where the mail shows it."""
    return message


SERVICES: dict[str, str] = {
    Service.MEETINGS.value: M_("meetings"),
    Service.CALLING.value: M_("calling"),
    Service.MESSAGING.value: M_("messaging"),
    Service.WEBINARS.value: M_("webinars"),
    Service.DEVICES.value: M_("devices"),
}
PRODUCTS: dict[str, str] = {Product.GOTO_MEETING.value: M_("GoTo Meeting")}
"""The products with a name of their own in some language (GoTo Meeting is 会易通 in simplified Chinese, as seed 000
calls it); the others are brand names."""
EDITIONS: dict[str, str] = {
    Edition.ENTERPRISE.value: M_("Enterprise"),
    Edition.STANDARD.value: M_("Standard"),
    Edition.BASIC.value: M_("Basic"),
}
PACKAGE_NAMES: dict[str, str] = {
    PACKAGES[Package.MEETING_CENTER_PREMIUM].name: M_("Meeting Center Premium"),
    PACKAGES[Package.TRAINING_CENTER_PREMIUM].name: M_("Training Center Premium"),
    PACKAGES[Package.EVENT_CENTER_STANDARD].name: M_("Event Center Standard"),
    PACKAGES[Package.EVENT_CENTER_PREMIUM].name: M_("Event Center Premium"),
}
PREPARATIONS: dict[str, str] = {
    PreparationKind.PLANNING_CALL.value: M_("Planning call (15 minutes)"),
    PreparationKind.REHEARSAL.value: M_("Rehearsal (up to 1 hour)"),
    PreparationKind.EXTRA_REHEARSAL.value: M_("Extra rehearsal (1.5 hours)"),
}
GATEWAY_REASONS: dict[str, str] = {"insufficient funds": M_("insufficient funds")}
"""What the built-in sandbox gateway says when it declines a card; another gateway's words are shown as it says
them."""
# Translators: a product and one of its editions, e.g. "GoTo Meeting Standard".
PRODUCT_EDITION = M_("%(product)s %(edition)s")
# Translators: what stands between two items of a list, e.g. the services "meetings, calling".
LIST_SEPARATOR = M_(", ")


def services(values: Iterable[str], translate: Translate) -> str:
    """``meetings, calling``; ``会议、通话``."""
    return translate(LIST_SEPARATOR).join(_word(SERVICES, value, translate) for value in values)


def product(name: str, edition: str | None, translate: Translate) -> str:
    """``GoTo Meeting Standard``, ``会易通标准版``: a product and its edition."""
    if edition is None:
        return _word(PRODUCTS, name, translate)
    return translate(PRODUCT_EDITION) % {
        "product": _word(PRODUCTS, name, translate),
        "edition": _word(EDITIONS, edition, translate),
    }


def edition_label(label: str, translate: Translate) -> str:
    """A product and edition as one label (``GoTo Meeting Standard``, models.organizer.edition_label), translated
    when it names a product and an edition this module knows."""
    for name in Product:
        for edition in Edition:
            if label == f"{name.value} {edition.value}":
                return product(name.value, edition.value, translate)
    return label


def person(first_name: str, last_name: str) -> str:
    """A person's name as its own script writes it: a Chinese name family name first and unspaced (林怡君), any
    other given name first (Ada Lovelace), whatever the language of the sentence around it."""
    if _chinese(first_name) and _chinese(last_name):
        return f"{last_name}{first_name}"
    return f"{first_name} {last_name}"


def package(name: str, translate: Translate) -> str:
    return _word(PACKAGE_NAMES, name, translate)


def preparation(kind: str, translate: Translate) -> str:
    return _word(PREPARATIONS, kind, translate)


def gateway_reason(reason: str, translate: Translate) -> str:
    return _word(GATEWAY_REASONS, reason, translate)


def _word(table: dict[str, str], value: str, translate: Translate) -> str:
    return translate(table[value]) if value in table else value


def _chinese(name: str) -> bool:
    return bool(name) and all(_ideograph(char) for char in name if not char.isspace())


def _ideograph(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" or "\U00020000" <= char <= "\U0003134f"
