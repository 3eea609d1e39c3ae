"""The company address on the portal's pages (seed 000: 公司地址省 / 公司地址市): for a company in China, province
and city are two choices from the national list, the city's depending on the province; elsewhere two text fields.

The pages work without JavaScript (the page's CSP allows none), so the city list is the one of the province the
page was rendered with: after choosing another province the admin clicks **Show its cities** (or OK, which
refuses a city of the old province next to the city and shows the new province's). The options carry the
divisions' codes; the company stores, and the API returns, the list's names (models/accounts.py). Names are shown
in the reader's language: simplified or traditional characters, else pinyin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from models import china_divisions
from models.accounts import CHINA, CompanyInfo
from starter.web.reading import gettext, language
from translations import locale_of

NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"})
"""CLDR's two-letter regions that are no country one's company is in (the EU, pseudo-locales, 'unknown', ...)."""


def placeholder() -> str:
    """The seed's --请选择--: no choice yet."""
    return gettext("-- Please choose --")


def countries() -> list[tuple[str, str]]:
    """Every country by its ISO code, named in the reader's language: China first, then by name."""
    names = locale_of(language()).territories
    others = sorted(
        ((code, str(name)) for code, name in names.items() if len(code) == 2 and code.isalpha()),
        key=lambda pair: pair[1].casefold(),
    )
    return [(CHINA, str(names.get(CHINA, CHINA)))] + [
        (code, name) for code, name in others if code != CHINA and code not in NOT_COUNTRIES
    ]


def country_name(code: str) -> str:
    return str(locale_of(language()).territories.get(code, code))


def province_options() -> list[tuple[str, str]]:
    shown = language().value
    return [("", placeholder())] + [(p.code, p.shown(shown)) for p in china_divisions.provinces()]


def city_options(province: str) -> list[tuple[str, str]]:
    """The cities of the province written as ``province`` (a code or a name); none before one is chosen."""
    found = china_divisions.province(province) if province else None
    shown = language().value
    return [("", placeholder())] + [(c.code, c.shown(shown)) for c in (found.cities if found else ())]


def as_choices(values: Mapping[str, str]) -> dict[str, str]:
    """The form's values with a Chinese province and city as the codes its options carry (what is stored is the
    name; what was posted, a code). A value the list does not know stays as it is: no option is then selected."""
    chosen = dict(values)
    found = china_divisions.province(chosen.get("province", ""))
    if found is not None:
        chosen["province"] = found.code
        city = found.city(chosen.get("city", ""))
        if city is not None:
            chosen["city"] = city.code
    return chosen


@dataclass(frozen=True)
class ShownAddress:
    country: str
    province: str
    city: str


def shown(company: CompanyInfo) -> ShownAddress:
    """The address as the basic information shows it, in the reader's language."""
    province, city = company.province, company.city
    found = china_divisions.province(province) if company.country == CHINA else None
    if found is not None:
        tag = language().value
        province = found.shown(tag)
        city_found = found.city(city)
        city = city_found.shown(tag) if city_found else city
    return ShownAddress(country_name(company.country), province, city)
