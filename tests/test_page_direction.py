"""Every page says its language and direction the one way: each page template reaches base.html, whose `<html>`
carries the reader's `lang` (and `dir="rtl"` for Arabic), and every portal renders it so in every language. With
the pseudo-locale walk (every visible text comes from a catalog) and the catalogs' completeness test (every
message translated, every plural form present), no page can fall back to English or read in the wrong
direction."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import nodes

from models.languages import FACTS, SupportedLanguage
from starter.web import reading
from starter.web.assist.portal import ASSIST
from starter.web.partner_orders.wizard_views import PAGES
from starter.web.portals import ADMIN
from starter.web.rendering import TEMPLATE_ENVIRONMENT, Portal

TEMPLATES = Path(__file__).parents[1] / "starter" / "web" / "templates"
PAGE_TEMPLATES = sorted(
    path.relative_to(TEMPLATES).as_posix()
    for path in TEMPLATES.rglob("*.html")
    if not path.name.startswith("_") and path.name != "base.html"
)
PORTALS = {"admin": ADMIN, "assist": ASSIST, "wizard": PAGES}


def _parent(name: str) -> str | None:
    """The template ``name`` extends: a name, ``layout`` for the message page's portal layout, or None."""
    source = TEMPLATE_ENVIRONMENT.loader.get_source(TEMPLATE_ENVIRONMENT, name)[0]  # type: ignore[union-attr]
    extends = next(iter(TEMPLATE_ENVIRONMENT.parse(source).find_all(nodes.Extends)), None)
    if extends is None:
        return None
    if isinstance(extends.template, nodes.Const):
        return str(extends.template.value)
    return "layout"


@pytest.mark.parametrize("name", PAGE_TEMPLATES)
def test_every_page_template_reaches_the_base_layout(name: str) -> None:
    seen = [name]
    while (parent := _parent(seen[-1])) not in (None, "base.html", "layout"):
        seen.append(parent)
    assert parent is not None, f"{' → '.join(seen)} never reaches base.html"
    if parent == "layout":  # the message page extends its portal's layout, which must reach base.html
        for portal in PORTALS.values():
            assert _parent(portal.layout) == "base.html", portal.layout


@pytest.mark.parametrize("portal", PORTALS)
@pytest.mark.parametrize("language", list(SupportedLanguage))
def test_every_portal_says_the_readers_language_and_direction(portal: str, language: SupportedLanguage) -> None:
    page: Portal = PORTALS[portal]
    with reading.read_by(reading.Reader(language=language)):
        html = page.message("t", "x").body.decode()
    opening = re.search(r"<html[^>]*>", html)
    assert opening is not None
    expected = f'<html lang="{language.value}"' + (' dir="rtl"' if FACTS[language].right_to_left else "") + ">"
    assert opening.group(0) == expected
    assert f'aria-current="true">{FACTS[language].own_name}</a>' in html
