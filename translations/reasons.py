"""A refusal's reason (models/refusals.py) in its reader's language, from the refusals catalog: the key, or the
form of it the count chooses, with its parameters filled: its words (a status, a step) translated in their
context, its phrases rendered the same way, its lists joined as the locale joins them. A key the catalog does not know (an older workflow's sentence) reads as it is, in English."""

from __future__ import annotations

from datetime import datetime

from babel.lists import format_list

from models.languages import DEFAULT_LANGUAGE, SupportedLanguage
from models.refusals import Param, Reason, When, Word
from translations import REFUSALS, catalog, formats, locale_of


def said(reason: Reason, language: SupportedLanguage) -> str:
    words = catalog(language, REFUSALS)
    if reason.plural is not None:
        text: str = words.ngettext(reason.key, reason.plural, reason.count if reason.count is not None else 1)
    else:
        text = words.gettext(reason.key)
    return text % {name: _param(value, language) for name, value in reason.params.items()}


def _param(value: Param, language: SupportedLanguage) -> int | str:
    if isinstance(value, Word):
        return str(catalog(language, REFUSALS).pgettext(value.context, value.text))
    if isinstance(value, Reason):
        return said(value, language)
    if isinstance(value, When):
        return _when(value, language)
    if isinstance(value, list):
        items = [said(item, language) for item in value]
        return ", ".join(items) if language is DEFAULT_LANGUAGE else format_list(items, locale=locale_of(language))
    return value


def _when(value: When, language: SupportedLanguage) -> str:
    if not isinstance(value.at, datetime):
        return formats.day(value.at, language)
    if value.until is not None:
        return formats.span(value.at, value.until, language, value.zone)
    if value.named:
        return formats.zoned(value.at, language, value.zone)
    return formats.moment(value.at, language, value.zone)
