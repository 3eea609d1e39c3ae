"""The languages onramp's users read: the seeds' five and English. Said once here, used by the pages (the language
menu, ``lang`` and ``dir``), the mails and the API's messages.

A person's language arrives as whatever tag their browser or their order carries (``zh-TW``, ``de-AT``, ``ar-EG``,
``zh-Hant-HK``); ``supported`` maps it to the one onramp speaks, or None. Chinese is told apart by its script, which
the region implies where the tag names none: Taiwan, Hong Kong and Macau read traditional characters, everyone else
simplified."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SupportedLanguage(StrEnum):
    ENGLISH = "en"
    SIMPLIFIED_CHINESE = "zh-Hans"
    TRADITIONAL_CHINESE = "zh-Hant"
    GERMAN = "de"
    SLOVENIAN = "sl"
    ARABIC = "ar"


@dataclass(frozen=True)
class LanguageFacts:
    own_name: str
    """The language's name in itself, as the language menu shows it."""
    right_to_left: bool = False


FACTS: dict[SupportedLanguage, LanguageFacts] = {
    SupportedLanguage.ENGLISH: LanguageFacts("English"),
    SupportedLanguage.SIMPLIFIED_CHINESE: LanguageFacts("简体中文"),
    SupportedLanguage.TRADITIONAL_CHINESE: LanguageFacts("繁體中文"),
    SupportedLanguage.GERMAN: LanguageFacts("Deutsch"),
    SupportedLanguage.SLOVENIAN: LanguageFacts("Slovenščina"),
    SupportedLanguage.ARABIC: LanguageFacts("العربية", right_to_left=True),
}

DEFAULT_LANGUAGE = SupportedLanguage.ENGLISH

TRADITIONAL_REGIONS = frozenset({"TW", "HK", "MO"})
"""Where Chinese is written in traditional characters when the tag names no script."""


def supported(tag: str) -> SupportedLanguage | None:
    """The supported language a BCP 47 tag asks for (case and ``_`` forgiven), or None."""
    parts = [part for part in tag.strip().replace("_", "-").split("-") if part]
    if not parts:
        return None
    language = parts[0].lower()
    if language == "zh":
        return _chinese(parts[1:])
    for candidate in SupportedLanguage:
        if candidate.value == language:
            return candidate
    return None


def _chinese(subtags: list[str]) -> SupportedLanguage:
    for subtag in subtags:
        if subtag.lower() == "hant":
            return SupportedLanguage.TRADITIONAL_CHINESE
        if subtag.lower() == "hans":
            return SupportedLanguage.SIMPLIFIED_CHINESE
    regions = {subtag.upper() for subtag in subtags if len(subtag) == 2}
    if regions & TRADITIONAL_REGIONS:
        return SupportedLanguage.TRADITIONAL_CHINESE
    return SupportedLanguage.SIMPLIFIED_CHINESE
