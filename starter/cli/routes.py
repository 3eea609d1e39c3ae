"""`onramp routes`: every route of the HTTP API and the pages, with who may call it, read from the app itself."""

from __future__ import annotations

import typer
from rich.table import Table

from starter.cli.output import AsJson, console, print_json
from starter.settings import get_settings
from starter.web import access
from starter.web.app import create_app


def routes(as_json: AsJson = False) -> None:
    """Who may call what: each route's method, path and declared rule (starter/web/access.py)."""
    declared = access.declared(create_app(get_settings()))
    if as_json:
        print_json(
            [
                {"methods": sorted(route.methods), "path": route.path, "who": [str(rule) for rule in route.rules]}
                for route in declared
            ]
        )
        return
    table = Table("method", "path", "who may call it")
    for route in declared:
        table.add_row(" ".join(route.methods), route.path, str(route.rules[0]) if route.rules else "-")
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("routes")(routes)
