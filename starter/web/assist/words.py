"""What the Webex Assist pages (seed 004) name, in the reader's language: the packages and what their table says
(marked in models/assist_packages.py, which the API and the CLI show in English, and translated here where a page
shows them), a booking's status, how long a session lasts, and its dates and times on the booking's own clock with
the zone named.

English keeps the session's label the workflow writes (``Thu 10 Dec 2026, 15:00-16:00 (Asia/Taipei)``), which the
customer's mails, the CLI and the refusals show too; every other language writes it the locale's way
(``2026年12月10日 15:00`` to ``16:00 台北時間``, the times joined by CLDR's en dash)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from markupsafe import Markup

import translations
from models.assist import AssistStatus, PriceLine
from models.assist_packages import ADD_ON_NAMES, COVERAGE_TEXT, PACKAGES, AddOn, Coverage, Package
from models.assist_time import SessionTime
from models.languages import DEFAULT_LANGUAGE
from starter.web import reading
from starter.web.reading import Text, gettext, lazy_gettext, ngettext
from translations import formats

STATUS_LABELS: dict[AssistStatus, Text] = {
    AssistStatus.DRAFT: lazy_gettext("Order not submitted"),
    AssistStatus.CONFIRMED: lazy_gettext("Confirmed"),
    AssistStatus.LIVE: lazy_gettext("In progress: the producer has started the session"),
    AssistStatus.COMPLETED: lazy_gettext("Completed"),
    AssistStatus.CANCELLED: lazy_gettext("Cancelled"),
    AssistStatus.ABANDONED: lazy_gettext("Not finished (lapsed)"),
}


def marked(text: str) -> str:
    """A text models/assist_packages.py marks (a package's name, a row of the comparison table), as its reader
    reads it; one the catalog does not know, as it is."""
    return str(translations.catalog(reading.language()).gettext(text))


def package_name(package: Package | str) -> str:
    """'Event Center Premium', 'Event Center 高級協助服務'."""
    return marked(PACKAGES[Package(package)].name)


def add_on_name(add_on: AddOn) -> str:
    return marked(ADD_ON_NAMES[add_on])


def price_item(line: PriceLine) -> str:
    """What a price line is for: the standard fee, extra time with its hours, or an add-on."""
    if line.add_on is None:
        return gettext("Standard fee")
    name = add_on_name(line.add_on)
    if line.add_on is AddOn.EXTRA_TIME:
        hours = ngettext("%(num)d hour", "%(num)d hours", line.quantity)
        # Translators: an add-on and how much of it, e.g. "Extra time for an event longer than 1 hour (7 hours)".
        return gettext("%(add_on)s (%(amount)s)", add_on=name, amount=hours)
    return name


def coverage(cell: Coverage) -> str:
    return marked(COVERAGE_TEXT[cell])


def status_label(status: AssistStatus) -> str:
    return str(STATUS_LABELS[status])


def duration(minutes: int) -> str:
    """'1 hour 30 minutes', '1 小時 30 分鐘': a session's length in hours and the minutes over."""
    hours, rest = divmod(minutes, 60)
    if not rest:
        return ngettext("%(num)d hour", "%(num)d hours", hours)
    spare = ngettext("%(num)d minute", "%(num)d minutes", rest)
    if not hours:
        return spare
    # Translators: a length of time in hours and minutes, e.g. "1 hour 30 minutes".
    return gettext("%(hours)s %(minutes)s", hours=ngettext("%(num)d hour", "%(num)d hours", hours), minutes=spare)


def session_label(session: SessionTime) -> str:
    """When a session runs, from its start to its end, on its own clock with the zone named."""
    language = reading.language()
    if language is DEFAULT_LANGUAGE:
        return session.label()
    return formats.span(session.starts_at, session.ends_at, language, session.time_zone)


def moment(value: datetime, zone: str) -> str:
    """A deadline on the booking's clock, with the zone named ('2026-11-30 15:00 Taipei Time')."""
    return formats.zoned(value, reading.language(), zone)


def day(value: date) -> str:
    return formats.day(value, reading.language())


def zone_name(zone: str) -> str:
    """'Taipei Time', '台北時間'."""
    return formats.zone_name(zone, reading.language())


def percent(whole: int) -> str:
    """A share given in whole percent (the policy's 50), as the locale writes it: '50%', '50 %'."""
    return formats.percent(Decimal(whole) / 100, reading.language())


def ltr(text: object) -> Markup:
    """An address, a site or a number kept left to right inside a sentence that may read right to left (Arabic):
    an element with ``dir`` is isolated from the text around it."""
    return Markup('<span dir="ltr">{}</span>').format(text)
