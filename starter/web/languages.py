"""Which language a page speaks to its reader: their own choice from the language menu (kept in a cookie) wins,
then what their browser asks for (``Accept-Language``, by its weights), then the language of the order or account
the page is about, then English.

The language menu is a link per language to ``/language/<tag>?next=<this page>``, which sets the cookie and leads
back: no script needed, and a page whose URL carries a link's token comes back whole."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from fastapi import Request, Response

from models.languages import DEFAULT_LANGUAGE, SupportedLanguage, supported
from starter.web import cookie_policy

LANGUAGE_COOKIE = "onramp_language"
MAX_ACCEPT_LANGUAGE = 40
"""The most entries of an Accept-Language header looked at: a browser sends a handful."""
MENU = "/language"
MAX_NEXT = 2000
"""The longest page address the menu leads back to (a URL a browser keeps)."""


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


def choice_link(language: SupportedLanguage, here: str) -> str:
    """The language menu's link to ``language``, back to ``here`` (its slashes kept, so the access log's token
    redaction still finds a link's token in it)."""
    return f"{MENU}/{language.value}?" + urlencode({"next": here}, safe="/")


def safe_next(target: str | None) -> str:
    """``target`` when it is a page of this site (``/admin/orders?order_no=1``), else ``/``: never another site
    (``//evil.example``, ``https://…``, ``/\\evil``), nor anything a browser would read otherwise than we do."""
    if not target or len(target) > MAX_NEXT or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(character.isspace() or not character.isprintable() for character in target):
        return "/"
    parts = urlsplit(target)
    return "/" if parts.scheme or parts.netloc else target


A_YEAR = 365 * 24 * 3600


def remember_choice(response: Response, request: Request, language: SupportedLanguage) -> None:
    """The reader chose ``language`` (in the menu, or as their own in a portal): every page speaks it now, for a
    year."""
    cookie_policy.put(response, request, LANGUAGE_COOKIE, language.value, max_age=A_YEAR)
