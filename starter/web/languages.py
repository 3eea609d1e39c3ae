"""Which language a page speaks to its reader: their own choice from the language menu (kept in a cookie) wins,
then what their browser asks for (``Accept-Language``, by its weights), then the language of the order or account
the page is about, then English."""

from __future__ import annotations

from models.languages import DEFAULT_LANGUAGE, SupportedLanguage, supported

LANGUAGE_COOKIE = "onramp_language"
MAX_ACCEPT_LANGUAGE = 40
"""The most entries of an Accept-Language header looked at: a browser sends a handful."""


def page_language(chosen: str | None, accept_language: str | None, of_record: str | None = None) -> SupportedLanguage:
    """The reader's language from the cookie's value, the header and the order's or account's language tag."""
    for candidate in (chosen, *accepted(accept_language or ""), of_record):
        if candidate:
            found = supported(candidate)
            if found is not None:
                return found
    return DEFAULT_LANGUAGE


def accepted(header: str) -> list[str]:
    """The tags of an Accept-Language header, most wanted first (weight 0 and ``*`` left out, ties in their order)."""
    weighted: list[tuple[float, int, str]] = []
    for position, entry in enumerate(header.split(",")[:MAX_ACCEPT_LANGUAGE]):
        tag, _, parameters = entry.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*":
            continue
        weight = _weight(parameters)
        if weight > 0:
            weighted.append((-weight, position, tag))
    return [tag for _, _, tag in sorted(weighted)]


def _weight(parameters: str) -> float:
    name, _, value = parameters.strip().partition("=")
    if name.strip().lower() != "q":
        return 1.0
    try:
        weight = float(value)
    except ValueError:
        return 0.0
    return weight if 0.0 <= weight <= 1.0 else 0.0
