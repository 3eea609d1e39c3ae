"""The choices of the calling and meeting settings pages (seeds 001/003, step 11): every ISO 3166 country named in
the reader's language, and the time zones a person picks from. What is accepted is the models' (models/countries.py,
models/common.py): a list only spares the partner from typing a code."""

from __future__ import annotations

from models.common import place_zones
from models.countries import ISO_COUNTRIES
from starter.web.reading import gettext, language
from translations import locale_of


def countries() -> list[tuple[str, str]]:
    """("", "-- Please choose --") first, then every country by its code, named in the reader's language, by name."""
    names = locale_of(language()).territories
    named = sorted(((code, str(names.get(code, code))) for code in ISO_COUNTRIES), key=lambda pair: pair[1].casefold())
    return [("", gettext("-- Please choose --")), *named]


def country_name(code: str) -> str:
    return str(locale_of(language()).territories.get(code, code)) if code else ""


def time_zones(*kept: str | None) -> list[tuple[str, str]]:
    """The IANA names, as the account's preferences list them (America/New York), and any zone in ``kept`` (the
    order's, a saved one) the list leaves out (US/Eastern), so a page never shows another zone than the one set."""
    zones = place_zones()
    extra = sorted({zone for zone in kept if zone and zone not in zones})
    return [(zone, zone.replace("_", " ")) for zone in (*extra, *zones)]
