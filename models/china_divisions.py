"""China's 34 province-level divisions and their cities (GB/T 2260), for the company address of seed 000: where
the country is China, the province is one of the list and the city one of that province's.

The data is models/china_divisions.json, written by tools/china_divisions.py (its docstring names the source
package, its version and the date of the national list). It is read once, when a Chinese address is first checked
or a form first lists the choices, never at import: workflows import the models in their sandbox.

A division is found by its code (310000), its name as the list writes it (上海市), without the generic part (上海),
in traditional characters (臺灣省) or in pinyin / English (Shanghai, Inner Mongolia, Xi'an), case and spaces
forgiven: what was stored before the list, or what an integration sends, keeps working, and is saved as the
list's name.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

DATA_FILE = "china_divisions.json"
GENERIC = re.compile(
    r"(?:省|市|特别行政区|特別行政區|(?:壮族|壯族|回族|维吾尔|維吾爾)?自治区|(?:壮族|壯族|回族|维吾尔|維吾爾)?自治區|地区|地區|盟)$"
)
"""The generic part of a name, which people leave out (浙江 for 浙江省, 上海 for 上海市)."""


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    """In simplified Chinese, as the national list writes it: what is stored and what the API returns."""
    traditional: str
    english: str
    """In pinyin, or the usual English name (Inner Mongolia, Hohhot)."""

    def shown(self, language: str) -> str:
        """The name a reader of ``language`` (a supported language's tag) reads."""
        if language == "zh-Hans":
            return self.name
        if language == "zh-Hant":
            return self.traditional
        return self.english

    def spellings(self) -> set[str]:
        """Every way of writing the division that finds it."""
        names = {self.code, self.name, self.traditional, self.english}
        names |= {GENERIC.sub("", name) for name in (self.name, self.traditional)}
        return {key(name) for name in names if name}


@dataclass(frozen=True)
class Province(Division):
    cities: tuple[Division, ...]

    def city(self, value: str) -> Division | None:
        """The province's city written as ``value``, or None."""
        return _cities(self.code).get(key(value))


def key(value: str) -> str:
    """How a written name is compared: case, spaces, apostrophes and hyphens forgiven (Xi'an, xian, XI AN)."""
    return re.sub(r"[\s'\u2019\-]", "", value).casefold()


@functools.cache
def provinces() -> tuple[Province, ...]:
    """Every province-level division, in the list's order (by code)."""
    data = json.loads(resources.files("models").joinpath(DATA_FILE).read_text(encoding="utf-8"))
    return tuple(
        Province(
            code=p["code"],
            name=p["zh"],
            traditional=p["zh_hant"],
            english=p["en"],
            cities=tuple(Division(c["code"], c["zh"], c["zh_hant"], c["en"]) for c in p["cities"]),
        )
        for p in data["provinces"]
    )


@functools.cache
def _provinces() -> dict[str, Province]:
    return {name: province for province in provinces() for name in province.spellings()}


@functools.cache
def _cities(province_code: str) -> dict[str, Division]:
    [province] = [p for p in provinces() if p.code == province_code]
    return {name: city for city in province.cities for name in city.spellings()}


def province(value: str) -> Province | None:
    """The province-level division written as ``value``, or None."""
    return _provinces().get(key(value))


@functools.cache
def _any_city() -> dict[str, Division]:
    return {name: city for province in provinces() for city in province.cities for name in city.spellings()}


def city_anywhere(value: str) -> Division | None:
    """A city of any province written as ``value`` (to name it in a refusal: a page posts its code), or None."""
    return _any_city().get(key(value))
