"""The pseudo-locale check of issue 13: English pages rendered from a pseudo-translation (every message wrapped in
⟦…⟧, every ASCII letter swapped for an accented look-alike), so that any plain English still on a page is text that
never went through a catalog: a hard-coded string, an unmarked one, or a value shown without its translation.

``pseudo_catalogs`` builds the pseudo-translation from the ``.pot`` files at test time (so it always covers what
the code marks today); ``install`` puts it in place of English for the pages' domains; ``PageChecker`` reads each
page a test walks through and keeps every visible text that still holds plain letters and is not data.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from io import BytesIO
from string import ascii_lowercase, ascii_uppercase
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

import httpx
import jinja2
import pytest
from babel.dates import get_timezone_name
from babel.messages.catalog import Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import list_currencies
from babel.support import Translations

import translations
from models import china_divisions
from models.account_services import AccountServices
from models.accounts import CORPORATE_ACCOUNT_SERVICES, Product
from models.languages import FACTS, SupportedLanguage
from models.service_settings import CALLING_PLANS
from starter.web.partner_orders.wizard_forms import LANGUAGES as MEETING_LANGUAGES
from starter.web.partner_orders.wizard_forms import SERVICE_LABELS
from starter.web.rendering import TEMPLATE_ENVIRONMENT, TEMPLATES
from starter.web.vocabulary import PRODUCTS

ENGLISH = SupportedLanguage.ENGLISH
PSEUDO_DOMAINS = (translations.MESSAGES, translations.REFUSALS)
"""The domains pages read (the mails' domain is no page's)."""
OPEN, CLOSE = "⟦", "⟧"
ACCENTS = str.maketrans(
    ascii_lowercase + ascii_uppercase,
    "ȧƀçđëƒĝĥïĵķľɱñöƥʠŕšŧüṽŵẋýž" + "ȦƁÇĐËƑĜĤÏĴĶĽṀÑÖƤǪŔŠŦÜṼŴẊÝŽ",
)
"""One accented look-alike per ASCII letter: a pseudo-translated text keeps its shape and holds no plain letter."""
KEPT = re.compile(
    r"%(?:\([^)]*\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]"  # %(name)s, %(num)d, %%
    r"|<[^>]*>"  # a tag with its attributes
    r"|&(?:[A-Za-z][A-Za-z0-9]*|#\d+|#[xX][0-9A-Fa-f]+);"  # an entity
)
"""What a translation must leave as it is: placeholders are filled after it, markup is the template's."""


# ---------------------------------------------------------------------------------------------- the pseudo catalog


def pseudo(text: str) -> str:
    """``Welcome, %(name)s`` → ``⟦Ŵëľçöɱë, %(name)s⟧``: every letter outside placeholders and markup accented."""
    parts, end = [], 0
    for kept in KEPT.finditer(text):
        parts += [text[end : kept.start()].translate(ACCENTS), kept.group()]
        end = kept.end()
    parts.append(text[end:].translate(ACCENTS))
    return OPEN + "".join(parts) + CLOSE


def _pseudo_message(message: Message) -> None:
    """Both forms of a plural (English has two), the one text otherwise; a context stays the message's own."""
    if isinstance(message.id, tuple | list):
        message.string = tuple(pseudo(form) for form in message.id)
    else:
        message.string = pseudo(message.id)
    message.flags.discard("fuzzy")


def pseudo_translations(domain: str) -> Translations:
    """The domain's ``.pot`` with every msgid pseudo-translated, compiled as translations.catalog compiles a
    ``.po``: what the code marks now, whatever the ``.po`` files hold."""
    with translations.template_file(domain).open("rb") as pot:
        messages = read_po(pot, locale=translations.locale_of(ENGLISH), domain=domain)
    for message in messages:
        if message.id:
            _pseudo_message(message)
    compiled = BytesIO()
    write_mo(compiled, messages, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=domain)


def pseudo_catalogs() -> dict[str, Translations]:
    return {domain: pseudo_translations(domain) for domain in PSEUDO_DOMAINS}


Catalog = Callable[..., Translations]
ONRAMP_PACKAGES = frozenset({"translations", "starter", "activities", "models", "workflows", "store"})


def _holders(real: Catalog) -> Iterator[tuple[ModuleType, str]]:
    """Every loaded module of onramp that holds ``translations.catalog`` under a name (``from translations import
    catalog``): patching only the package would leave them reading the real English."""
    for module in list(sys.modules.values()):
        if module is None or module.__name__.split(".")[0] not in ONRAMP_PACKAGES:
            continue
        for name, value in list(vars(module).items()):
            if value is real:
                yield module, name


def install(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pseudo catalogs stand for English's ``messages`` and ``refusals`` until the test ends (the monkeypatch
    undoes it); every other language and domain reads its real catalog. The names patched, for the record."""
    real: Catalog = translations.catalog
    catalogs = pseudo_catalogs()

    def catalog(language: SupportedLanguage, domain: str = translations.MESSAGES) -> Translations:
        if language is ENGLISH and domain in catalogs:
            return catalogs[domain]
        return real(language, domain)

    patched = []
    for module, name in _holders(real):
        monkeypatch.setattr(module, name, catalog)
        patched.append(f"{module.__name__}.{name}")
    return patched


@dataclass
class PseudoEnglish:
    patched: list[str]
    """Where the catalogs were put in place (``translations.catalog`` and whoever imported it by name)."""
    templates: set[str] = field(default_factory=set)
    """Every template a page was rendered from meanwhile (its layouts and imports too)."""

    def unwalked(self, folder: str) -> list[str]:
        """The pages of a portal's template folder (``enterprise``) that no page of the walk was rendered from:
        a page added later and not walked fails the test rather than going unchecked."""
        pages = [f"{folder}/{page.name}" for page in (TEMPLATES / folder).glob("*.html") if page.name[0] != "_"]
        return sorted(page for page in pages if page not in self.templates)


def _record_templates(monkeypatch: pytest.MonkeyPatch, into: set[str]) -> None:
    real = TEMPLATE_ENVIRONMENT.get_template

    def get_template(name: str | jinja2.Template, *args: Any, **kwargs: Any) -> jinja2.Template:
        into.add(str(name))
        return real(name, *args, **kwargs)

    monkeypatch.setattr(TEMPLATE_ENVIRONMENT, "get_template", get_template)


@contextmanager
def pseudo_english() -> Iterator[PseudoEnglish]:
    """``install`` for a block (what a test sets up before it, over the API in English, stays out of it), with
    the templates the block renders recorded."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        installed = PseudoEnglish(install(monkeypatch))
        _record_templates(monkeypatch, installed.templates)
        yield installed


# ---------------------------------------------------------------------------------------------- what is data


@cache
def babel_english() -> frozenset[str]:
    """What Babel's English locale data writes on a page: month and day names (every width), the countries' names
    (the company's country), and the zones' names as translations/formats.py asks for them ("China Time"), plus
    the IANA names themselves (as they are, and with spaces for underscores, as a list of zones shows them)."""
    locale = translations.locale_of(ENGLISH)
    words: set[str] = {str(name) for name in locale.territories.values()}
    for names in (locale.months, locale.days):
        for context in names.values():
            for width in context.values():
                words.update(str(name) for name in width.values())
    for zone in available_timezones():
        words.update((zone, zone.replace("_", " ")))  # as a list of zones may show it: America/New York
        name = get_timezone_name(ZoneInfo(zone), width="long", zone_variant="generic", locale=locale)
        if name:
            words.add(str(name))
    return frozenset(words)


WEBEX_SITES = ".webex.com"
NAMES = frozenset(
    {product.value for product in Product if product.value not in PRODUCTS}
    | {CORPORATE_ACCOUNT_SERVICES}
    | {str(AccountServices().email), AccountServices().phone, AccountServices().hours}
    | {str(label) for label in SERVICE_LABELS.values()}
    | set(CALLING_PLANS.values())
    | {WEBEX_SITES}
    | {division.english for province in china_divisions.provinces() for division in (province, *province.cities)}
)
"""Names onramp shows as they are in every language, by design: the products without a name of their own in any
language (starter/web/vocabulary.py: only GoTo Meeting has one, 会易通), the Corporate Account Services team (its
translators keep it as it is) and how to reach it (settings, shown as they are), the Webex services (starter/web/partner_orders/wizard_forms.py: brand names, the same
in every language) and the calling plans (models/service_settings.py), the domain of the Webex sites, and China's provinces and cities in pinyin (the data's names,
models/china_divisions.json, shown to a reader of neither Chinese)."""
LANGUAGE_NAMES = frozenset(facts.own_name for facts in FACTS.values()) | frozenset(MEETING_LANGUAGES.values())
"""The language menu and the language choices name each language in itself (the wizard's meeting languages too)."""
CURRENCIES = frozenset(list_currencies())
"""Currency codes, as English money is written (``650.00 USD``)."""
PLAIN = re.compile(r"[A-Za-z]{2,}")
"""A run of two or more plain letters: English a translation would have accented."""


@cache
def _pattern(data: frozenset[str]) -> re.Pattern[str]:
    """Every datum, longest first, never the start or the end of a longer word: a boundary is asked for only where
    the datum's own edge is a letter (``kranj-1a2b3c4e`` and ``.webex.com`` side by side are both data)."""
    return re.compile("|".join(_bounded(datum) for datum in sorted({d for d in data if d}, key=len, reverse=True)))


def _bounded(datum: str) -> str:
    before = r"(?<![A-Za-z])" if datum[0].isascii() and datum[0].isalpha() else ""
    after = r"(?![A-Za-z])" if datum[-1].isascii() and datum[-1].isalpha() else ""
    return before + re.escape(datum) + after


# ---------------------------------------------------------------------------------------------- reading a page

SKIPPED = frozenset({"script", "style", "template"})
ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
BUTTON_INPUTS = frozenset({"submit", "button", "reset"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})


class VisibleText(HTMLParser):
    """A page's texts a person reads or hears: its text nodes outside <script>, <style> and <head> (but its
    <title>), and the attributes a screen reader or a tooltip says; each as (where, text)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[tuple[str, str]] = []
        self._open: list[str] = []
        self.feed(html)
        self.close()

    def _hidden(self) -> bool:
        if SKIPPED & set(self._open):
            return True
        return "head" in self._open and "title" not in self._open

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in VOID:
            self._open.append(tag)
        if self._hidden():
            return
        attributes = dict(attrs)
        for name in ATTRIBUTES:
            if attributes.get(name):
                self.texts.append((f"<{tag} {name}>", str(attributes[name])))
        if tag == "input" and attributes.get("type") in BUTTON_INPUTS and attributes.get("value"):
            self.texts.append((f"<{tag} value>", str(attributes["value"])))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index] == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        text = " ".join(data.split())
        if text and not self._hidden():
            self.texts.append((f"<{self._open[-1] if self._open else ''}>", text))


@dataclass(frozen=True)
class Leftover:
    page: str
    where: str
    text: str
    plain: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.page}: {self.where} {self.text!r} (plain: {', '.join(self.plain)})"


@dataclass
class PageChecker:
    """Keeps every page a test walks through and, at the end, what is left untranslated on them: the pages are read
    once the test knows all its ``data`` (an order number is learnt from the page that first shows it)."""

    data: set[str] = field(default_factory=set)
    pages: list[tuple[str, str]] = field(default_factory=list)

    def know(self, *values: object) -> None:
        """Values that are data: shown as entered, in every language."""
        self.data.update(str(value) for value in values if value is not None and str(value))

    def check(self, response: httpx.Response, *, status: int | None = None) -> httpx.Response:
        """One page: it must be HTML (and have ``status``, when given), and is read at the end. The response, for
        the walk to go on from."""
        page = f"{response.request.method} {response.url.path} → {response.status_code}"
        assert "text/html" in response.headers.get("content-type", ""), f"{page}: not a page"
        assert status is None or response.status_code == status, f"{page}: {response.text[:1500]}"
        self.pages.append((page, response.text))
        return response

    def leftovers(self) -> list[Leftover]:
        """Each text with plain letters once the data is taken out, said once (the layout's on its first page)."""
        allowed = _pattern(frozenset(self.data) | NAMES | LANGUAGE_NAMES | CURRENCIES | babel_english())
        found: dict[tuple[str, str], Leftover] = {}
        for page, html in self.pages:
            for where, text in VisibleText(html).texts:
                plain = tuple(PLAIN.findall(allowed.sub(" ", text)))
                if plain and (where, text) not in found:
                    found[(where, text)] = Leftover(page, where, text, plain)
        return list(found.values())

    def assert_clean(self, unwalked: Iterable[str] = ()) -> None:
        """No text left untranslated, and no page of the portal left out of the walk (``PseudoEnglish.unwalked``)."""
        assert self.pages, "no page was checked"
        left, missed = self.leftovers(), list(unwalked)
        report = "\n".join(str(leftover) for leftover in left)
        assert not left, f"{len(left)} untranslated texts on {len(self.pages)} pages:\n{report}" + (
            f"\nand no page walked from {', '.join(missed)}" if missed else ""
        )
        assert not missed, f"no page of the walk was rendered from {', '.join(missed)}"
