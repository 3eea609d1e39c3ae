"""`onramp audit`: who did what, newest first, from the API and the CLI alike."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from starter.cli.credentials import reading
from starter.cli.database import database
from starter.cli.output import AsJson, console, print_json, run_async
from starter.cli.render import when
from store import audit as store


@run_async
@reading
async def audit(
    actor: Annotated[str | None, typer.Option(help="Only actors whose name contains this.")] = None,
    target: Annotated[str | None, typer.Option(help="Only what was done to this order, account or booking.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many rows.")] = 50,
    as_json: AsJson = False,
) -> None:
    """The audit trail: when, who (from their credential), what, on what, and how it ended."""
    async with database() as sessions, sessions() as session:
        rows = await store.listing(session, actor=actor, target=target, limit=limit)
    if as_json:
        print_json(
            [
                {
                    "at": row.at,
                    "actor": row.actor,
                    "action": row.action,
                    "target": row.target,
                    "outcome": row.outcome,
                    "via": row.via,
                }
                for row in rows
            ]
        )
        return
    table = Table("when", "who", "what", "on", "outcome", "via")
    for row in rows:
        table.add_row(when(row.at), row.actor, row.action, row.target or "", row.outcome, row.via)
    console.print(table if rows else "Nothing in the audit trail yet.")


def register(app: typer.Typer) -> None:
    app.command("audit")(audit)
