"""The gettext catalogs every page and mail is written in: ``translations/<locale>/LC_MESSAGES/<domain>.po``, one per
supported language and domain (the pages' ``messages``, the ``mails``, the ``refusals``), made from
``translations/<domain>.pot``, which Babel extracts from the code and the templates (``translations/<domain>.cfg``).

The pages (starter/web) and the mails (activities) read the same catalogs through ``catalog(language)``: each
``.po`` is compiled in memory the first time its language is asked for (``preload`` compiles them all at start-up,
so a broken catalog stops the app before it serves a page), and no ``.mo`` file is ever built or committed.

Every message is a %-format string with named placeholders (``"Welcome, %(name)s"``, a literal percent sign as
``%%``), in the code as in the templates (Jinja's newstyle gettext formats every message the same way).

After marking, changing or removing a string — in Python ``gettext("…")``, ``ngettext``, ``pgettext`` or
``lazy_gettext`` (a page's: starter/web/reading.py) or ``N_("…")`` (marked here, translated where it is shown); in a
template ``{{ _("…") }}``, ``ngettext``, ``pgettext`` or ``{% trans %}``; a ``Translators:`` comment just above it
reaches the translator — extract and merge, then translate what is new or fuzzy in each ``.po``::

    for domain in messages mails refusals; do
        uv run pybabel extract -F translations/$domain.cfg -o translations/$domain.pot --project=onramp \\
            -c Translators: --add-location=file . &&
        uv run pybabel update -D $domain -i translations/$domain.pot -d translations --ignore-obsolete
    done

tests/test_translations.py fails while a string is missing from the ``.pot``, untranslated or fuzzy in a ``.po``,
short of a plural form, or uses other placeholders than its msgid. A new language: add it to
models/languages.py, then for each domain ``uv run pybabel init -D <domain> -i translations/<domain>.pot -d
translations -l <locale>``.
"""

from __future__ import annotations

import functools
from io import BytesIO
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from models.languages import SupportedLanguage

CATALOGS = Path(__file__).parent
MESSAGES, MAILS, REFUSALS = "messages", "mails", "refusals"
DOMAINS = (MESSAGES, MAILS, REFUSALS)
"""One catalog per kind of text, each extracted by its own ``translations/<domain>.cfg``: the pages' words, the
e-mails', and the refusals' (what a step that breaks a rule says, wherever it is shown)."""
DOMAIN = MESSAGES


def template_file(domain: str = MESSAGES) -> Path:
    """The domain's ``.pot``, what ``pybabel extract`` writes."""
    return CATALOGS / f"{domain}.pot"


def mapping_file(domain: str = MESSAGES) -> Path:
    """Where Babel looks for the domain's strings."""
    return CATALOGS / f"{domain}.cfg"


TEMPLATE = template_file(MESSAGES)


def locale_of(language: SupportedLanguage) -> Locale:
    """Babel's locale for a language (``zh-Hans`` → ``zh_Hans``): its catalog's folder, its formats."""
    return Locale.parse(language.value, sep="-")


def catalog_file(language: SupportedLanguage, domain: str = MESSAGES) -> Path:
    return CATALOGS / str(locale_of(language)) / "LC_MESSAGES" / f"{domain}.po"


@functools.cache
def catalog(language: SupportedLanguage, domain: str = MESSAGES) -> Translations:
    """The language's messages of ``domain``, compiled from its ``.po`` (fuzzy entries left out: they await a
    translator)."""
    with catalog_file(language, domain).open("rb") as po:
        messages = read_po(po, locale=locale_of(language), domain=domain)
    compiled = BytesIO()
    write_mo(compiled, messages, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=domain)


def preload() -> None:
    """Every language's catalogs, compiled now rather than on a first page."""
    for language in SupportedLanguage:
        for domain in DOMAINS:
            catalog(language, domain)


def N_(message: str) -> str:
    """Marks ``message`` for the catalogs where it is defined (a table's heading) and leaves it as it is: it is
    translated where it is shown, in the reader's language."""
    return message


def gettext(language: SupportedLanguage, message: str, **params: Any) -> str:
    """``message`` in ``language``, its placeholders filled."""
    text: str = catalog(language).gettext(message)
    return text % params


def ngettext(language: SupportedLanguage, singular: str, plural: str, n: int, **params: Any) -> str:
    """The form of the message for ``n`` in ``language`` (``%(num)d`` is ``n`` unless given)."""
    params.setdefault("num", n)
    text: str = catalog(language).ngettext(singular, plural, n)
    return text % params


def pgettext(language: SupportedLanguage, context: str, message: str, **params: Any) -> str:
    """``message`` as it reads in ``context`` (a short word that reads differently elsewhere)."""
    return str(catalog(language).pgettext(context, message)) % params
