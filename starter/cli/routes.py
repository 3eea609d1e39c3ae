"""`onramp routes`: every route of the HTTP API and the pages, with who may call it, read from the app itself."""

from __future__ import annotations

import typer
from rich.table import Table

from starter.cli.output import console
from starter.settings import get_settings
from starter.web import access
from starter.web.app import create_app


def routes() -> None:
    """Who may call what: each route's method, path and declared rule (starter/web/access.py)."""
    table = Table("method", "path", "who may call it")
    for route in access.declared(create_app(get_settings())):
        table.add_row(" ".join(route.methods), route.path, str(route.rules[0]) if route.rules else "-")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("routes")(routes)
