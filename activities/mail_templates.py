"""The e-mails: one set of templates, `mail_templates/<name>.{subject.txt,txt,html}` (the HTML layout and the parts
the mails share under `common/`), every string marked for the `mails` catalog and read in the recipient's language.

The recipient's language tag (``sl``, ``zh-TW``, ``ar-EG``: what their order or booking carries) is mapped to one of
the languages onramp speaks (models/languages.py), English when it is none of them: there is one set of templates
and no folder per language to fall back from. One environment renders every language side by side, as the pages'
does (starter/web/rendering.py): gettext (Jinja's i18n extension, newstyle: a message is a %-format string and its
values are escaped in HTML), the filters and the layout's ``lang`` and ``dir`` read the language from the render
context's ``i18n``. Dates, times, money and numbers are written the recipient's locale's way (translations/
formats.py), times on the clock of the order's or the site's zone and with its name; the values come from the
context as the workflows write them (activities/mail_values.py).

In an HTML mail, e-mail addresses, numbers and links are isolated left to right (``<bdi dir="ltr">``), so they read
whole inside Arabic sentences.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import jinja2
from jinja2.runtime import Context
from markupsafe import Markup

import translations
from activities import mail_values, mail_words
from models.languages import DEFAULT_LANGUAGE, FACTS, SupportedLanguage, supported
from translations import formats

TEMPLATES = Path(__file__).parent / "mail_templates"
PARTS = (".subject.txt", ".txt", ".html")


class MailTemplateMissing(LookupError):
    pass


class Catalog(Protocol):
    def gettext(self, message: str, /) -> str: ...
    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...
    def pgettext(self, context: str, message: str, /) -> str | object: ...
    def npgettext(self, context: str, singular: str, plural: str, n: int, /) -> str | object: ...


Catalogs = Callable[[SupportedLanguage], Catalog]


def mail_catalog(language: SupportedLanguage) -> Catalog:
    catalog: Catalog = translations.catalog(language, translations.MAILS)
    return catalog


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str
    language: str
    """The language the mail is written in (its ``Content-Language``): ``zh-Hant`` for a recipient's ``zh-TW``."""


@dataclass(frozen=True)
class MailLanguage:
    """What a mail knows of its reader's language: ``i18n`` in every template's context."""

    language: SupportedLanguage

    @property
    def tag(self) -> str:
        """``<html lang>``: the BCP 47 tag of the language the mail is written in."""
        return self.language.value

    @property
    def direction(self) -> str:
        return "rtl" if FACTS[self.language].right_to_left else "ltr"

    @property
    def end(self) -> str:
        """The ``align`` of a table's amounts: the side a line of text ends on (mail clients know no ``end``)."""
        return "left" if FACTS[self.language].right_to_left else "right"


def reader_language(tag: str) -> SupportedLanguage:
    """The language a recipient reads: the one onramp speaks for their tag, else English."""
    return supported(tag) or DEFAULT_LANGUAGE


class MailTemplates:
    def __init__(self, root: Path = TEMPLATES, catalogs: Catalogs = mail_catalog) -> None:
        """Every language's catalog is compiled here, when the worker starts: a broken one stops it then rather
        than failing a mail."""
        for language in SupportedLanguage:
            catalogs(language)
        self._env = mail_environment(root, catalogs)

    def render(self, name: str, language: str, context: dict[str, Any]) -> RenderedMail:
        """The mail ``name`` in the language the recipient's tag ``language`` asks for."""
        reader = reader_language(language)
        try:
            subject, text, html = (self._env.get_template(f"{name}{part}") for part in PARTS)
        except jinja2.TemplateNotFound:
            raise MailTemplateMissing(f"no e-mail template '{name}'") from None
        values = {**context, "i18n": MailLanguage(reader)}
        try:
            return RenderedMail(
                subject=" ".join(subject.render(values).split()),
                text=text.render(values),
                html=html.render(values),
                language=reader.value,
            )
        except (ValueError, TypeError, ArithmeticError) as err:  # a value the filters cannot read
            raise jinja2.TemplateRuntimeError(f"a value of the e-mail's context cannot be written: {err}") from err


@functools.cache
def default_templates() -> MailTemplates:
    """The templates every mail delivery shares (compiled once per process)."""
    return MailTemplates()


def mail_environment(root: Path, catalogs: Catalogs) -> jinja2.Environment:
    """HTML escaped (text and subjects are not), an unknown name an error, ``{% trans %}`` trimmed (as
    translations/mails.cfg extracts it), and gettext and the filters for the language in the render context."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    environment.policies["ext.i18n.trimmed"] = True

    def catalog(context: Context) -> Catalog:
        return catalogs(_language(context))

    @jinja2.pass_context
    def gettext(context: Context, message: str) -> str:
        return catalog(context).gettext(message)

    @jinja2.pass_context
    def ngettext(context: Context, singular: str, plural: str, n: int) -> str:
        return catalog(context).ngettext(singular, plural, n)

    @jinja2.pass_context
    def pgettext(context: Context, message_context: str, message: str) -> str:
        return str(catalog(context).pgettext(message_context, message))

    @jinja2.pass_context
    def npgettext(context: Context, message_context: str, singular: str, plural: str, n: int) -> str:
        return str(catalog(context).npgettext(message_context, singular, plural, n))

    environment.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
    environment.filters.update(_locale_filters(catalog))
    environment.filters.update(amount=mail_values.amount, person=mail_words.person, column=column)
    environment.filters.update(strong=strong, ltr=ltr, link=link, mailto=mailto)
    return environment


def _language(context: Context) -> SupportedLanguage:
    found = context.get("i18n")
    if not isinstance(found, MailLanguage):
        raise jinja2.TemplateRuntimeError("a mail is rendered with its reader's language (MailTemplates.render)")
    return found.language


def _locale_filters(catalog: Callable[[Context], Catalog]) -> dict[str, Callable[..., str]]:
    """The filters that write a value in the reader's language."""

    def translate(context: Context) -> mail_words.Translate:
        return catalog(context).gettext

    @jinja2.pass_context
    def when(context: Context, value: datetime | str, zone: str | None = None) -> str:
        """A moment on the zone's clock with the zone's name: ``zone``, else the one its text names, else UTC."""
        found = mail_values.moment(value)
        return formats.zoned(found.at, _language(context), zone or found.zone or "UTC")

    @jinja2.pass_context
    def day(context: Context, value: datetime | str) -> str:
        return formats.day(mail_values.day(value), _language(context))

    @jinja2.pass_context
    def zone(context: Context, name: str) -> str:
        return formats.zone_name(name, _language(context))

    @jinja2.pass_context
    def session(context: Context, label: str) -> str:
        """An Assist session from its start to its end. English keeps the label the workflow wrote, which the
        booking's pages and the CLI show too."""
        language = _language(context)
        found = mail_values.session(label)
        if language is SupportedLanguage.ENGLISH or found is None:
            return label
        return formats.span(found.starts_at, found.ends_at, language, found.zone)

    @jinja2.pass_context
    def money(context: Context, value: Decimal | str, currency: str) -> str:
        return formats.money(mail_values.amount(value), currency, _language(context))

    @jinja2.pass_context
    def number(context: Context, value: int | Decimal | str) -> str:
        return formats.number(mail_values.amount(value), _language(context))

    @jinja2.pass_context
    def percent(context: Context, whole: int | Decimal | str) -> str:
        """A percentage given in whole percent (``50`` → ``50%``, ``50 %``)."""
        return formats.percent(mail_values.amount(whole) / 100, _language(context))

    @jinja2.pass_context
    def services(context: Context, values: Iterable[str]) -> str:
        return mail_words.services(values, translate(context))

    @jinja2.pass_context
    def product(context: Context, name: str, edition: str | None = None) -> str:
        return mail_words.product(name, edition, translate(context))

    @jinja2.pass_context
    def edition(context: Context, label: str) -> str:
        return mail_words.edition_label(label, translate(context))

    @jinja2.pass_context
    def package(context: Context, name: str) -> str:
        return mail_words.package(name, translate(context))

    @jinja2.pass_context
    def preparation(context: Context, kind: str) -> str:
        return mail_words.preparation(kind, translate(context))

    @jinja2.pass_context
    def gateway_reason(context: Context, reason: str) -> str:
        return mail_words.gateway_reason(reason, translate(context))

    return {
        "when": when,
        "day": day,
        "zone": zone,
        "session": session,
        "money": money,
        "number": number,
        "percent": percent,
        "services": services,
        "product": product,
        "edition": edition,
        "package": package,
        "preparation": preparation,
        "gateway_reason": gateway_reason,
    }


def column(label: str, width: int) -> str:
    """A text mail's label padded to ``width`` columns (a wide character takes two), so the values after it line
    up."""
    used = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in label)
    return label + " " * max(1, width - used)


def strong(value: object) -> Markup:
    """A value set in bold inside a translated sentence (escaped here, so the sentence takes it as it is)."""
    return Markup("<strong>%s</strong>") % value


def ltr(value: object) -> Markup:
    """A value that reads left to right whatever the sentence around it (an address, a number, a code)."""
    return Markup('<bdi dir="ltr">%s</bdi>') % value


def link(url: str, text: object | None = None) -> Markup:
    """A link, shown as its address (left to right) unless given a text (which reads the sentence's way)."""
    if text is None:
        return Markup('<a href="%s" dir="ltr">%s</a>') % (url, url)
    return Markup('<a href="%s">%s</a>') % (url, text)


def mailto(address: str) -> Markup:
    """An e-mail address to write to, left to right."""
    return Markup('<a href="mailto:%s" dir="ltr">%s</a>') % (address, address)
