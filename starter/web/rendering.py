"""How every page is made: one strict, autoescaping Jinja2 environment over starter/web/templates/ (one base
template, one form kit, one message page), the same security headers on every page, and each process's portal:
its layout (the header, menu and footer its people know), the context names its templates may leave out, and
the words its pages use when something goes wrong.

Every page speaks its reader's language (starter/web/reading.py): ``render`` puts it in the page's context as
``i18n`` (``lang``, ``dir`` and the language menu of base.html), and the templates' ``_``/``gettext``/``ngettext``
(Jinja's i18n extension, newstyle: every message a %-format string, its values escaped) and the filters read it
from there, so pages in different languages render side by side from the one environment."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2.runtime import Context
from markupsafe import Markup, escape

import translations
from models.languages import DEFAULT_LANGUAGE, FACTS, SupportedLanguage, supported
from starter.web import reading
from starter.web.cross_site import csrf_field
from starter.web.languages import choice_link
from starter.web.reading import Text, lazy_gettext
from translations import formats

WEB = Path(__file__).parent
TEMPLATES = WEB / "templates"
STATIC = WEB / "static"

SECURITY_HEADERS = {
    "Cache-Control": "no-store",  # pages carry personal data and live sessions
    "Referrer-Policy": "no-referrer",  # the URL carries the link's token
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    ),
}
PAGE_HEADERS = {**SECURITY_HEADERS, "Vary": "Accept-Language, Cookie"}
"""A page's headers: its language comes from the reader's browser and their language menu's cookie."""
BASE_OPTIONAL = ("error", "notice", "wide")
"""What base.html may be given: a sentence on top of the page (error or notice), a wide layout for tables."""


@dataclass(frozen=True)
class LanguageChoice:
    tag: str
    name: str
    """The language's name in itself."""
    href: str
    current: bool
    direction: str


@dataclass(frozen=True)
class PageLanguage:
    """What a page knows of its reader: their language, the page the language menu comes back to, and the zone
    its times are told in."""

    language: SupportedLanguage
    here: str = "/"
    time_zone: str = "UTC"

    @property
    def tag(self) -> str:
        """The BCP 47 tag of ``<html lang>`` (``zh-Hans``)."""
        return self.language.value

    @property
    def direction(self) -> str:
        return direction(self.language)

    @property
    def zone_name(self) -> str:
        """The name of the zone the page's times are in, for a sentence that says so."""
        return formats.zone_name(self.time_zone, self.language)

    @property
    def menu(self) -> list[LanguageChoice]:
        """Every language in its own name, the page's own marked."""
        return [
            LanguageChoice(
                language.value,
                facts.own_name,
                choice_link(language, self.here),
                language is self.language,
                direction(language),
            )
            for language, facts in FACTS.items()
        ]


def language_options() -> list[tuple[str, str]]:
    """Every language onramp speaks, for a form's choice: its tag and its name in itself."""
    return [(language.value, facts.own_name) for language, facts in FACTS.items()]


def page_tag(tag: str) -> str:
    """The tag of the language onramp speaks for ``tag`` (``zh-Hans`` for ``zh-CN``): a form's choice of it."""
    return (supported(tag) or DEFAULT_LANGUAGE).value


def direction(language: SupportedLanguage) -> str:
    """``dir`` of a text in ``language``."""
    return "rtl" if FACTS[language].right_to_left else "ltr"


def _page(context: Context) -> PageLanguage:
    """The page's language; a template imported without context asks the request's reader."""
    found = context.get("i18n")
    return found if isinstance(found, PageLanguage) else PageLanguage(reading.language())


@jinja2.pass_context
def _gettext(context: Context, message: str) -> str:
    text: str = translations.catalog(_page(context).language).gettext(message)
    return text


@jinja2.pass_context
def _ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    text: str = translations.catalog(_page(context).language).ngettext(singular, plural, n)
    return text


@jinja2.pass_context
def _pgettext(context: Context, message_context: str, message: str) -> str:
    text: str = translations.catalog(_page(context).language).pgettext(message_context, message)
    return text


@jinja2.pass_context
def _npgettext(context: Context, message_context: str, singular: str, plural: str, n: int) -> str:
    text: str = translations.catalog(_page(context).language).npgettext(message_context, singular, plural, n)
    return text


@jinja2.pass_context
def _when(context: Context, moment: datetime | None, zone: str | None = None) -> str:
    """A moment in a list, on the page's clock (``2026-12-01 09:30``, ``2026年12月1日 09:30``)."""
    page = _page(context)
    return formats.moment(moment, page.language, zone or page.time_zone) if moment else ""


@jinja2.pass_context
def _zoned(context: Context, moment: datetime | None) -> str:
    """A deadline in a sentence, on the page's clock and naming its zone (``2026-12-01 09:30 UTC``,
    ``01.12.2026, 09:30 Mitteleuropäische Zeit``)."""
    page = _page(context)
    return formats.zoned(moment, page.language, page.time_zone) if moment else ""


RIGHT_TO_LEFT_SCRIPT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def _isolated(value: object) -> Markup:
    """A value set apart from the sentence around it, so it keeps its own direction (a phone number, an address,
    a name stays left to right on an Arabic page) — unless it is a phrase in a right-to-left script already (a
    name with the page's own words beside it), which then reads in the page's direction."""
    text = escape(str(value))
    return text if RIGHT_TO_LEFT_SCRIPT.search(str(value)) else Markup(f"<bdi>{text}</bdi>")


@jinja2.pass_context
def _day(context: Context, value: date | None) -> str:
    return formats.day(value, _page(context).language) if value else ""


@jinja2.pass_context
def _money(context: Context, amount: Decimal, currency: str = "USD") -> str:
    return formats.money(amount, currency, _page(context).language)


@jinja2.pass_context
def _percent(context: Context, rate: Decimal) -> str:
    return formats.percent(rate, _page(context).language)


def money(amount: Decimal, currency: str = "USD") -> str:
    """An amount in a sentence a route makes, in its reader's language (a page's template says ``| money``)."""
    return formats.money(amount, currency, reading.language())


def page_templates(root: Path = TEMPLATES) -> jinja2.Environment:
    """Every value escaped (nothing is marked safe), an unknown name an error, the filters the pages share, and
    gettext for the page's language (``{% trans %}`` blocks trimmed, as translations/messages.cfg extracts them)."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    environment.policies["ext.i18n.trimmed"] = True
    environment.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True, pgettext=_pgettext, npgettext=_npgettext
    )
    environment.filters.update(when=_when, zoned=_zoned, isolated=_isolated, day=_day, money=_money, percent=_percent)
    environment.globals["csrf_field"] = csrf_field
    return environment


TEMPLATE_ENVIRONMENT = page_templates()

ErrorPage = Callable[[Exception, Request | None], Response | None]


@dataclass(frozen=True)
class Portal:
    """One process's pages: the layout its templates extend, the names they may leave out, and how its guard
    answers what a page cannot do (``on``: the portal's own exceptions, tried first)."""

    layout: str
    optional: Iterable[str] = ()
    unavailable: Text = field(
        default_factory=lambda: lazy_gettext(
            "We cannot reach the service behind these pages at the moment. Nothing was changed; please try again "
            "in a few minutes."
        )
    )
    unavailable_title: Text = field(default_factory=lambda: lazy_gettext("This service is unavailable right now"))
    back: tuple[str, Text] | None = None
    on: Mapping[type[Exception], ErrorPage] = field(default_factory=dict)
    globals: Mapping[str, Any] = field(default_factory=dict)

    def render(
        self, name: str, status: int = 200, *, here: str | None = None, time_zone: str | None = None, **context: Any
    ) -> HTMLResponse:
        """The page ``name`` (a path under starter/web/templates/), with the security headers, in the reader's
        language. ``here``: the page the language menu comes back to, when it is not this request's (a POST that
        answers with another page); ``time_zone``: the zone the page's times are told in (the reader's account's
        when not given)."""
        reader = reading.reader()
        context.setdefault("i18n", PageLanguage(reader.language, here or reader.here, time_zone or reader.time_zone))
        for key in (*BASE_OPTIONAL, *self.optional):
            context.setdefault(key, None)
        context.setdefault("errors", {})
        context.setdefault("values", {})
        context.setdefault("layout", self.layout)
        html = TEMPLATE_ENVIRONMENT.get_template(name).render(**self.globals, **context)
        return HTMLResponse(html, status_code=status, headers=PAGE_HEADERS)

    def message(
        self, title: Text, text: Text, status: int = 200, *, link: tuple[str, Text] | None = None, **context: Any
    ) -> HTMLResponse:
        """A page that says one thing, with one link onwards."""
        return self.render("message.html", status, title=title, message=text, link=link, **context)


def redirect(url: str, query: Mapping[str, str] | None = None) -> RedirectResponse:
    """After a POST: to the next page (Post/Redirect/Get)."""
    target = f"{url}?{urlencode(query)}" if query else url
    return RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
