"""The `onramp` command: the dev stack, the worker, the API, and the operators' commands."""

from __future__ import annotations

from importlib.metadata import version
from typing import Annotated

import typer

from starter.cli import (
    accounts,
    api_keys,
    assist,
    audit,
    dev,
    help_style,  # noqa: F401  (flags without a value placeholder in --help)
    inspect,
    mail,
    orders,
    promotions,
    routes,
    seat_orders,
    services,
    sites,
)
from starter.cli import admin as admin_portal

app = typer.Typer(
    name="onramp",
    help="Durable order and onboarding processes for conferencing services, on Temporal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish, PowerShell
)


def _print_version(asked: bool) -> None:
    if asked:
        typer.echo(f"onramp {version('onramp')}")
        raise typer.Exit()


@app.callback()
def _root(
    _version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print onramp's version and exit."),
    ] = False,
) -> None:
    """Durable order and onboarding processes for conferencing services, on Temporal."""


dev.register(app)
services.register(app)
orders.register(app)
inspect.register(app)
mail.register(app)
accounts.register(app)
seat_orders.register(app)
promotions.register(app)
admin_portal.register(app)
sites.register(app)
assist.register(app)
api_keys.register(app)
routes.register(app)
audit.register(app)


def main() -> None:
    app()
