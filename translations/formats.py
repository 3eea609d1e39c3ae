"""Dates, times, money and percentages the way the reader's locale writes them, through Babel (CLDR): the same
functions for the pages' filters and, next, the mails.

A moment is shown to the minute, its date written out the locale's way (``2026年12月1日 09:30``, ``01.12.2026, 09:30``,
``1. dec. 2026, 09:30``), in the zone the reader or the account lives in, and, in a sentence, with that zone's
name. English keeps what onramp's English pages have always shown: ISO dates (``2026-12-01 09:30``, as the seed's
order list writes them) and the currency's code after the amount (``2,400.00 USD``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time, get_datetime_format, get_timezone_name
from babel.numbers import format_currency, format_decimal, format_percent

from models.languages import SupportedLanguage
from translations import locale_of

UTC_NAMES = frozenset({"UTC", "Etc/UTC"})
"""Zones written as "UTC" in every language (CLDR names them "Unknown Region (UTC) Time")."""
MOMENT_PATTERNS: dict[SupportedLanguage, str] = {SupportedLanguage.ENGLISH: "yyyy-MM-dd HH:mm"}
DAY_PATTERNS: dict[SupportedLanguage, str] = {SupportedLanguage.ENGLISH: "yyyy-MM-dd"}
CURRENCY_PATTERNS: dict[SupportedLanguage, str] = {SupportedLanguage.ENGLISH: "#,##0.00 ¤¤"}
CLOCK_PATTERNS: dict[SupportedLanguage, str] = {SupportedLanguage.ENGLISH: "HH:mm"}
"""A language's own way to write a moment, a day, money or a time of day, where onramp's is not its locale's
standard one."""
RANGE = "\u2013"
"""The en dash CLDR writes a range of times with."""


def moment(value: datetime, language: SupportedLanguage, zone: str = "UTC") -> str:
    """The date (medium length) and the time (to the minute) on the zone's clock, glued the locale's way."""
    local = value.astimezone(_zone(zone))
    locale = locale_of(language)
    if language in MOMENT_PATTERNS:
        return format_datetime(local, MOMENT_PATTERNS[language], tzinfo=None, locale=locale)
    glue = str(get_datetime_format("medium", locale=locale)).replace("'", "")
    time = format_time(local, "short", tzinfo=None, locale=locale)
    return glue.replace("{0}", time).replace("{1}", format_date(local, "medium", locale=locale))


def zoned(value: datetime, language: SupportedLanguage, zone: str = "UTC") -> str:
    """A moment with the name of the zone it is told in (a deadline in a sentence)."""
    return f"{moment(value, language, zone)} {zone_name(zone, language)}"


def span(start: datetime, end: datetime, language: SupportedLanguage, zone: str = "UTC") -> str:
    """From a start to an end on the zone's clock, with the zone's name (a booked session): the end's date is said
    only when it is not the start's (``10.12.2026, 15:00`` en dash ``16:00 Taipeh-Zeit``)."""
    local_end = end.astimezone(_zone(zone))
    if local_end.date() == start.astimezone(_zone(zone)).date():
        until = format_time(local_end, CLOCK_PATTERNS.get(language, "short"), tzinfo=None, locale=locale_of(language))
        return f"{moment(start, language, zone)}{RANGE}{until} {zone_name(zone, language)}"
    return f"{moment(start, language, zone)} {RANGE} {moment(end, language, zone)} {zone_name(zone, language)}"


def day(value: date, language: SupportedLanguage) -> str:
    return format_date(value, DAY_PATTERNS.get(language, "medium"), locale=locale_of(language))


def zone_name(zone: str, language: SupportedLanguage) -> str:
    """'UTC', 'China Time', '中欧时间': the zone's generic name in the language, or its IANA name if CLDR has none."""
    if zone in UTC_NAMES:
        return "UTC"
    name: str = get_timezone_name(_zone(zone), width="long", zone_variant="generic", locale=locale_of(language))
    return name or zone


def money(amount: Decimal, currency: str, language: SupportedLanguage) -> str:
    """The amount with the currency's own decimals, in the locale's digits, separators and symbol."""
    return format_currency(amount, currency, CURRENCY_PATTERNS.get(language), locale=locale_of(language))


def number(value: int | Decimal, language: SupportedLanguage) -> str:
    """A count or a quantity in the locale's digits and separators (1,234; 1.234)."""
    return format_decimal(value, locale=locale_of(language), decimal_quantization=False)


def percent(rate: Decimal, language: SupportedLanguage) -> str:
    """0.22 → '22%', '22 %'; every decimal the rate has is kept (9.5%)."""
    return format_percent(rate, locale=locale_of(language), decimal_quantization=False)


def _zone(zone: str) -> tzinfo:
    return UTC if zone in UTC_NAMES else ZoneInfo(zone)
