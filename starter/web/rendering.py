"""How every page is made: one strict, autoescaping Jinja2 environment over starter/web/templates/ (one base
template, one form kit, one message page), the same security headers on every page, and each process's portal:
its layout (the header, menu and footer its people know), the context names its templates may leave out, and
the words its pages use when something goes wrong."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from starter.web.cross_site import csrf_field

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
BASE_OPTIONAL = ("error", "notice", "wide")
"""What base.html may be given: a sentence on top of the page (error or notice), a wide layout for tables."""


def when(moment: datetime | None) -> str:
    """'2026-12-01 09:30' in UTC (the portal's lists)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if moment else ""


def utc(moment: datetime | None) -> str:
    """'2026-12-01 09:30 UTC' (a deadline in a sentence)."""
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if moment else ""


def money(amount: Decimal, currency: str = "USD") -> str:
    return f"{amount:,.2f} {currency}"


def percent(rate: Decimal) -> str:
    return format((rate * 100).normalize(), "f") + "%"


def page_templates(root: Path = TEMPLATES) -> jinja2.Environment:
    """Every value escaped (nothing is marked safe), an unknown name an error, the filters the pages share."""
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(root),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(when=when, utc=utc, money=money, percent=percent)
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
    unavailable: str = "We cannot reach the service behind these pages at the moment. Nothing was changed; please try again in a few minutes."
    unavailable_title: str = "This service is unavailable right now"
    back: tuple[str, str] | None = None
    on: Mapping[type[Exception], ErrorPage] = field(default_factory=dict)
    globals: Mapping[str, Any] = field(default_factory=dict)

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        """The page ``name`` (a path under starter/web/templates/), with the security headers."""
        for key in (*BASE_OPTIONAL, *self.optional):
            context.setdefault(key, None)
        context.setdefault("errors", {})
        context.setdefault("values", {})
        context.setdefault("layout", self.layout)
        html = TEMPLATE_ENVIRONMENT.get_template(name).render(**self.globals, **context)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def message(
        self, title: str, text: str, status: int = 200, *, link: tuple[str, str] | None = None, **context: Any
    ) -> HTMLResponse:
        """A page that says one thing, with one link onwards."""
        return self.render("message.html", status, title=title, message=text, link=link, **context)


def redirect(url: str, query: Mapping[str, str] | None = None) -> RedirectResponse:
    """After a POST: to the next page (Post/Redirect/Get)."""
    target = f"{url}?{urlencode(query)}" if query else url
    return RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})
