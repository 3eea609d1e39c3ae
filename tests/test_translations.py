"""The gettext catalogs: every string the code and the templates mark is in the template (.pot) and translated in
every language's .po (English, the source language, may leave it to the msgid), nothing fuzzy, every plural form
there, the same placeholders as the msgid; and the formats each locale writes dates and money in."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import translations
from models.languages import SupportedLanguage
from starter.web.languages import choice_link, safe_next
from translations import formats

L = SupportedLanguage
ROOT = Path(__file__).parent.parent
TRANSLATED = [language for language in SupportedLanguage if language is not L.ENGLISH]
PLURAL_FORMS = {
    L.ENGLISH: 2,
    L.SIMPLIFIED_CHINESE: 1,
    L.TRADITIONAL_CHINESE: 1,
    L.GERMAN: 2,
    L.SLOVENIAN: 4,
    L.ARABIC: 6,
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
COUNTS = frozenset({"num", "count"})
"""The placeholder of the number a plural form is chosen by: a form may say it in words ("two characters")."""

Key = tuple[str | None, str | tuple[str, ...]]


DOMAINS = pytest.mark.parametrize("domain", translations.DOMAINS)
LANGUAGES = pytest.mark.parametrize("language", list(SupportedLanguage))


def template(domain: str = translations.MESSAGES) -> Catalog:
    with translations.template_file(domain).open("rb") as pot:
        return read_po(pot)


def po(language: SupportedLanguage, domain: str = translations.MESSAGES) -> Catalog:
    with translations.catalog_file(language, domain).open("rb") as file:
        return read_po(file, locale=translations.locale_of(language))


def key(message: Message) -> Key:
    return (message.context, message.id)


def keys(catalog: Catalog) -> set[Key]:
    return {key(message) for message in catalog if message.id}


def forms(message: Message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def names(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


@DOMAINS
def test_the_template_is_what_the_code_and_the_templates_mark(domain: str) -> None:
    """Run `pybabel extract` and `pybabel update` (translations/__init__.py) when this fails."""
    with translations.mapping_file(domain).open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    extracted: set[Key] = set()
    for _, _, message, _, context in extract_from_dir(str(ROOT), method_map, options_map):
        extracted.add((context, message if isinstance(message, str) else tuple(message)))
    written = keys(template(domain))
    assert not extracted - written, f"marked but not in translations/{domain}.pot: {sorted(extracted - written)}"
    assert not written - extracted, f"in translations/{domain}.pot but no longer marked: {sorted(written - extracted)}"


@DOMAINS
@LANGUAGES
def test_every_language_has_every_message_and_no_other(language: SupportedLanguage, domain: str) -> None:
    catalog, expected = po(language, domain), keys(template(domain))
    assert not expected - keys(catalog), f"{language}: not in its .po (run pybabel update): {expected - keys(catalog)}"
    assert not keys(catalog) - expected, f"{language}: not in the .pot any more: {keys(catalog) - expected}"
    assert not catalog.obsolete, f"{language}: obsolete entries (#~): {list(catalog.obsolete)}"


@DOMAINS
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated_and_none_is_fuzzy(language: SupportedLanguage, domain: str) -> None:
    catalog = po(language, domain)
    untranslated = [key(m) for m in catalog if m.id and not all(forms(m))]
    fuzzy = [key(m) for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"{language}: untranslated: {untranslated}"
    assert not fuzzy, f"{language}: fuzzy (check the translation, then remove the flag): {fuzzy}"


@DOMAINS
def test_english_is_the_source_language_and_nothing_in_it_is_fuzzy(domain: str) -> None:
    """English may leave a message to its msgid; what it says instead is a copy edit, never a guess."""
    assert not [key(m) for m in po(L.ENGLISH, domain) if m.id and m.fuzzy]


@DOMAINS
@LANGUAGES
def test_each_language_has_its_plural_forms(language: SupportedLanguage, domain: str) -> None:
    catalog = po(language, domain)
    assert catalog.num_plurals == PLURAL_FORMS[language]
    assert f"nplurals={PLURAL_FORMS[language]};" in catalog.plural_forms
    short = [key(m) for m in catalog if m.pluralizable and m.string and len(forms(m)) != catalog.num_plurals]
    assert not short, f"{language}: messages without all {catalog.num_plurals} plural forms: {short}"
    assert not [(key(m), errors) for m, errors in catalog.check()], f"{language}: Babel's checks"


@DOMAINS
@LANGUAGES
def test_a_translation_uses_the_placeholders_of_its_msgid(language: SupportedLanguage, domain: str) -> None:
    wrong = []
    for message in po(language, domain):
        if not message.id:
            continue
        if message.pluralizable:
            allowed = names(message.id[0]) | names(message.id[1])
            needed = allowed - COUNTS
        else:
            allowed = needed = names(message.id)
        for text in forms(message):
            if text and not (needed <= names(text) <= allowed):
                wrong.append((message.id, text))
    assert not wrong, f"{language}: placeholders differ from the msgid's: {wrong}"


def test_the_catalogs_compile_and_choose_the_plural_form_by_the_number() -> None:
    translations.preload()
    slovenian = [
        translations.ngettext(L.SLOVENIAN, "%(num)d order.", "%(num)d orders.", n) for n in (1, 2, 3, 5, 101, 102)
    ]
    assert slovenian == ["1 naročilo.", "2 naročili.", "3 naročila.", "5 naročil.", "101 naročilo.", "102 naročili."]
    arabic = {translations.ngettext(L.ARABIC, "Use at least %(num)d character.", "", n) for n in (0, 1, 2, 3, 11, 100)}
    assert len(arabic) == 6
    assert translations.ngettext(L.SIMPLIFIED_CHINESE, "%(num)d order.", "%(num)d orders.", 7) == "共 7 个订单。"
    assert translations.ngettext(L.ENGLISH, "%(num)d order.", "%(num)d orders.", 1) == "1 order."
    assert translations.gettext(L.GERMAN, "The invitation was sent again to %(who)s.", who="a@b.example") == (
        "Die Einladung wurde erneut an a@b.example gesendet."
    )


def test_the_seeds_own_words_are_the_simplified_chinese_ones() -> None:
    chinese = {m.id: m.string for m in po(L.SIMPLIFIED_CHINESE) if m.id and not m.context}
    assert chinese["GoTo Meeting account information"] == "会易通账号信息"
    assert chinese["Re-invite"] == "再次邀请"
    assert chinese["Clear filters"] == "清空条件"
    assert chinese["Export orders (CSV)"].startswith("导出订单")
    assert chinese["GoTo Meeting product list"] == "会易通产品列表"


# ------------------------------------------------------------------------------------------------ formats

MOMENT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        (L.ENGLISH, "2026-12-01 09:30"),
        (L.SIMPLIFIED_CHINESE, "2026年12月1日 09:30"),
        (L.GERMAN, "01.12.2026, 09:30"),
        (L.SLOVENIAN, "1. dec. 2026, 09:30"),
    ],
)
def test_a_moment_is_written_the_locales_way(language: SupportedLanguage, shown: str) -> None:
    assert formats.moment(MOMENT, language) == shown


def test_a_moment_is_told_on_the_readers_clock_with_its_zone_named() -> None:
    assert formats.zoned(MOMENT, L.ENGLISH) == "2026-12-01 09:30 UTC"
    assert formats.zoned(MOMENT, L.SIMPLIFIED_CHINESE, "Asia/Shanghai") == "2026年12月1日 17:30 中国时间"
    assert formats.day(date(2026, 12, 1), L.TRADITIONAL_CHINESE) == "2026年12月1日"


def test_money_and_percentages_in_the_locales_digits() -> None:
    assert formats.money(Decimal("1234.56"), "EUR", L.GERMAN) == "1.234,56\xa0€"
    assert formats.money(Decimal("2400"), "USD", L.ENGLISH) == "2,400.00 USD"
    assert formats.money(Decimal("5"), "JPY", L.ENGLISH) == "5 JPY"
    assert formats.percent(Decimal("0.22"), L.ENGLISH) == "22%"
    assert formats.percent(Decimal("0.095"), L.GERMAN) == "9,5\xa0%"


# ------------------------------------------------------------------------------------------------ the menu


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "admin",
        "//evil.example/",
        "///evil.example",
        "/\\evil.example",
        "https://evil.example/admin",
        "/\t/evil.example",
        "/admin\r\nSet-Cookie: x=1",
        "/" + "a" * 3000,
    ],
)
def test_the_menu_leads_back_only_to_a_page_of_this_site(target: str | None) -> None:
    assert safe_next(target) == "/"


def test_the_menu_leads_back_to_the_page_whole() -> None:
    assert safe_next("/admin/orders?order_no=1&promotion=%3D1") == "/admin/orders?order_no=1&promotion=%3D1"
    assert safe_next("/activate/abc-DEF_123") == "/activate/abc-DEF_123"
    link = choice_link(L.ARABIC, "/setup/tok3n?step=2&x=1")
    assert link == "/language/ar?next=/setup/tok3n%3Fstep%3D2%26x%3D1"
