"""The admin portal's words for what its lists show: an organizer account's status, the values of the order list
(seed 000: 账号增加, 集团, 无), the order list's column headings, and what remains of each edition's licenses."""

from __future__ import annotations

from models.admin import LicenseCount
from models.organizer import OrganizerStatus
from starter.services import order_list
from starter.web.reading import Text, gettext, language, lazy_gettext, ngettext, pgettext
from starter.web.vocabulary import edition_label
from translations import formats

STATUSES: dict[OrganizerStatus, Text] = {
    OrganizerStatus.PENDING: lazy_gettext("pending"),
    OrganizerStatus.INVITED: lazy_gettext("invited"),
    OrganizerStatus.ACTIVE: lazy_gettext("active"),
    OrganizerStatus.REMOVED: lazy_gettext("removed"),
    OrganizerStatus.REFUSED: lazy_gettext("refused"),
    OrganizerStatus.ABANDONED: lazy_gettext("abandoned"),
}
ORDER_VALUES: dict[str, Text] = {
    "account increase": lazy_gettext("account increase"),
    "Group": lazy_gettext("Group"),
    order_list.NONE: lazy_gettext("None"),
}
"""The order list's stored words (its kind, its customer type); a value not here is shown as stored."""


def export_wording(time_zone: str) -> order_list.Wording:
    """The export in the reader's language, as the order list shows it."""
    return order_list.Wording(
        titles=order_headings(time_zone),
        word=lambda stored: str(ORDER_VALUES.get(stored, stored)),
        edition=lambda line: edition_label(line.product, line.edition),
        yes_no=lambda yes: (
            pgettext("an order that can be used", "Yes") if yes else pgettext("an order that can be used", "No")
        ),
        sheet=gettext("My orders"),
    )


def order_headings(time_zone: str) -> list[str]:
    """The order list's columns (the export's headings), in the reader's language, the date's naming the zone."""
    return order_list.headings(gettext, formats.zone_name(time_zone, language()))


def left(count: LicenseCount) -> str:
    """'GoTo Meeting Enterprise: 1 left' (the seed's 剩余, what remains)."""
    return ngettext(
        "%(edition)s: %(num)d left",
        "%(edition)s: %(num)d left",
        count.remaining,
        edition=edition_label(count.product, count.edition),
    )


def remaining(counts: list[LicenseCount]) -> str:
    """What remains of every edition, on one line."""
    return " · ".join(left(count) for count in counts) or gettext("No licenses on this account.")


def license_option(count: LicenseCount) -> str:
    """An edition in the create form's list, with what remains of it."""
    label = edition_label(count.product, count.edition)
    if not count.remaining:
        return gettext("%(edition)s (none left)", edition=label)
    return ngettext("%(edition)s (%(num)d left)", "%(edition)s (%(num)d left)", count.remaining, edition=label)
