"""Who reads the answer being made: the language (and the page to come back to) of the request at hand, kept in a
context variable that a middleware sets for each request, so every string a route, a form or a guard makes is in
the reader's language without being handed one — as the pages' CSRF token is (starter/web/cross_site.py).

Requests in different languages are answered concurrently, so nothing here is global: each request's task sees
its own ``Reader``. A route that learns the language of the order or account it is about says so with
``of_record`` before it makes its strings; the reader's own choice and their browser's still come first.

``gettext``, ``ngettext`` and ``pgettext`` translate at once; ``lazy_gettext`` marks a module's constant, translated
each time it is shown (a portal's words, a form's hints). Python code says ``gettext`` rather than ``_``, which
is too often a throwaway name in the same function."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from babel.support import LazyProxy
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

import translations
from models.languages import DEFAULT_LANGUAGE, SupportedLanguage
from starter.settings import Settings
from starter.web import cookie_policy
from starter.web.languages import LANGUAGE_COOKIE, page_language

Text = str | LazyProxy
"""A sentence for a person: a string, or a lazy one translated when it is shown."""


@dataclass(frozen=True)
class Reader:
    """What a request says of its reader, and the language that makes them read."""

    chosen: str | None = None
    """The language menu's cookie."""
    accept_language: str | None = None
    of_record: str | None = None
    """The language of the order or account the page is about, once the route knows it."""
    here: str = "/"
    """This page's path (and, for a GET, its query): where the language menu comes back to."""
    language: SupportedLanguage = DEFAULT_LANGUAGE
    time_zone: str = "UTC"
    """The zone the page's times are told in: the account's, once the route knows it."""

    @classmethod
    def of(cls, chosen: str | None, accept_language: str | None, here: str = "/") -> Reader:
        return cls(chosen, accept_language, None, here, page_language(chosen, accept_language))


NOBODY = Reader()
"""Outside a request (a script, a test): nobody chose anything, so English."""
_reader: ContextVar[Reader] = ContextVar("reader", default=NOBODY)


def reader() -> Reader:
    return _reader.get()


@contextmanager
def read_by(reader: Reader) -> Iterator[Reader]:
    """``reader`` reads what is made inside the block (a request's answer)."""
    token = _reader.set(reader)
    try:
        yield reader
    finally:
        _reader.reset(token)


def language() -> SupportedLanguage:
    return _reader.get().language


def of_record(tag: str | None) -> SupportedLanguage:
    """The order's or account's language tag (``sl``, ``zh-TW``): the page speaks it unless the reader chose
    another or their browser asks for one onramp speaks. The language now spoken."""
    now = _reader.get()
    language = page_language(now.chosen, now.accept_language, tag)
    _reader.set(replace(now, of_record=tag, language=language))
    return language


def in_zone(zone: str) -> None:
    """The page's times are told on ``zone``'s clock (the account's), each naming it."""
    _reader.set(replace(_reader.get(), time_zone=zone))


def gettext(message: str, **params: Any) -> str:
    return translations.gettext(language(), message, **params)


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    return translations.ngettext(language(), singular, plural, n, **params)


def pgettext(context: str, message: str, **params: Any) -> str:
    return translations.pgettext(language(), context, message, **params)


def lazy_gettext(message: str, **params: Any) -> LazyProxy:
    """``message`` in the language of whoever reads it when it is shown (a module's constant)."""
    return LazyProxy(gettext, message, enable_cache=False, **params)


class ReaderContext:
    """The middleware that tells each request's code who reads its answer."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.cookie = cookie_policy.name(settings, LANGUAGE_COOKIE)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        here = request.url.path
        if request.method in ("GET", "HEAD") and request.url.query:
            here += "?" + request.url.query
        with read_by(Reader.of(request.cookies.get(self.cookie), request.headers.get("accept-language"), here)):
            await self.app(scope, receive, send)
