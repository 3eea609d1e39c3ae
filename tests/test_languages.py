"""The reader's language: the six onramp speaks, told from the tags people's browsers and orders carry."""

from __future__ import annotations

import pytest

from models.languages import FACTS, SupportedLanguage, supported
from starter.web.languages import accepted, page_language

L = SupportedLanguage


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("en", L.ENGLISH),
        ("en-GB", L.ENGLISH),
        ("de-AT", L.GERMAN),
        ("DE_ch", L.GERMAN),
        ("sl-SI", L.SLOVENIAN),
        ("ar-EG", L.ARABIC),
        ("zh", L.SIMPLIFIED_CHINESE),
        ("zh-CN", L.SIMPLIFIED_CHINESE),
        ("zh-SG", L.SIMPLIFIED_CHINESE),
        ("zh-Hans", L.SIMPLIFIED_CHINESE),
        ("zh-TW", L.TRADITIONAL_CHINESE),
        ("zh-HK", L.TRADITIONAL_CHINESE),
        ("zh-Hant", L.TRADITIONAL_CHINESE),
        ("zh-Hant-CN", L.TRADITIONAL_CHINESE),
        ("zh-Hans-TW", L.SIMPLIFIED_CHINESE),
    ],
)
def test_a_tag_maps_to_the_language_its_reader_reads(tag: str, language: SupportedLanguage) -> None:
    assert supported(tag) is language


@pytest.mark.parametrize("tag", ["", "-", "fr", "pt-BR", "english", "x-klingon"])
def test_a_language_onramp_does_not_speak_is_none(tag: str) -> None:
    assert supported(tag) is None


def test_every_language_has_its_own_name_and_only_arabic_reads_right_to_left() -> None:
    assert set(FACTS) == set(SupportedLanguage)
    assert FACTS[L.SLOVENIAN].own_name == "Slovenščina"
    assert FACTS[L.TRADITIONAL_CHINESE].own_name == "繁體中文"
    assert [language for language, facts in FACTS.items() if facts.right_to_left] == [L.ARABIC]


def test_accept_language_is_read_by_weight_then_order() -> None:
    header = "fr-CH, fr;q=0.9, de;q=0.7, zh-TW;q=0.9, *;q=0.5, ar;q=0"
    assert accepted(header) == ["fr-CH", "fr", "zh-TW", "de"]


def test_a_malformed_weight_counts_as_not_wanted() -> None:
    assert accepted("de;q=abc, sl;q=2, ar") == ["ar"]


def test_the_menu_choice_wins_then_the_browser_then_the_order() -> None:
    assert page_language("ar", "de-DE,de;q=0.9", "sl") is L.ARABIC
    assert page_language(None, "fr-FR, zh-HK;q=0.8", "sl") is L.TRADITIONAL_CHINESE
    assert page_language(None, "fr-FR, pt;q=0.8", "sl") is L.SLOVENIAN
    assert page_language("klingon", None, None) is L.ENGLISH
    assert page_language(None, "", "zh-CN") is L.SIMPLIFIED_CHINESE
