"""The `onramp` command: the dev stack, the worker, the API, and the operators' commands."""

from __future__ import annotations

import typer

from starter.cli import (
    accounts,
    api_keys,
    assist,
    audit,
    dev,
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
    add_completion=False,
)
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
