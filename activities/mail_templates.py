"""E-mail templates by language: `mail_templates/<language>/<name>.{subject.txt,txt,html}`.

A recipient's language picks the folder; a template missing in that language falls back to English, so a
translation is added by dropping files in a new folder, without touching any workflow.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound, select_autoescape

TEMPLATES = Path(__file__).parent / "mail_templates"
FALLBACK_LANGUAGE = "en"


class MailTemplateMissing(LookupError):
    pass


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str
    language: str


class MailTemplates:
    def __init__(self, root: Path = TEMPLATES) -> None:
        self._env = Environment(
            loader=FileSystemLoader(root),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )
        self._env.filters["when"] = format_when

    def render(self, name: str, language: str, context: dict[str, Any]) -> RenderedMail:
        for candidate in _languages(language):
            try:
                subject = self._env.get_template(f"{candidate}/{name}.subject.txt").render(context)
                text = self._env.get_template(f"{candidate}/{name}.txt").render(context)
                html = self._env.get_template(f"{candidate}/{name}.html").render(context)
            except TemplateNotFound:
                continue
            return RenderedMail(subject=" ".join(subject.split()), text=text, html=html, language=candidate)
        raise MailTemplateMissing(f"no e-mail template '{name}' in {language} or {FALLBACK_LANGUAGE}")


def format_when(iso: str, time_zone: str) -> str:
    """'2026-11-28T00:00:00+01:00' → 'Sat 28 Nov 2026, 00:00 (Europe/Ljubljana)'."""
    moment = datetime.fromisoformat(iso).astimezone(ZoneInfo(time_zone))
    return f"{moment:%a %d %b %Y, %H:%M} ({time_zone})"


def _languages(language: str) -> list[str]:
    """pt-BR → pt-BR, pt, en."""
    chain = [language]
    if "-" in language:
        chain.append(language.split("-", 1)[0])
    if FALLBACK_LANGUAGE not in chain:
        chain.append(FALLBACK_LANGUAGE)
    return chain
