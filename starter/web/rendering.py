"""How every portal (the setup wizard, the admin portal, Webex Assist) turns a template into a page: one strict,
autoescaping Jinja2 environment per portal, the same security headers, and the context names a template may leave
out filled in with nothing."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2
from fastapi.responses import HTMLResponse

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


def page_templates(*folders: Path) -> jinja2.Environment:
    """Templates from ``folders`` (the first that has a name wins): every value escaped, an unknown name an error."""
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(folder) for folder in folders]),
        autoescape=True,  # nothing is marked safe
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


class PageRenderer:
    """`render(name, status, **context)`: the page, with ``optional`` names None and errors/values empty unless given."""

    def __init__(self, templates: jinja2.Environment, optional: Iterable[str]) -> None:
        self.templates = templates
        self._optional = tuple(optional)

    def __call__(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        for key in self._optional:
            context.setdefault(key, None)
        context.setdefault("errors", {})
        context.setdefault("values", {})
        html = self.templates.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
