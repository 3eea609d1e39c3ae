"""`onramp audit`: who did what, newest first, from the API and the CLI alike."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from starter.cli.credentials import reading
from starter.cli.database import database
from starter.cli.output import console, run_async
from store import audit as store


@run_async
@reading
async def audit(
    actor: Annotated[str | None, typer.Option(help="Only actors whose name contains this.")] = None,
    target: Annotated[str | None, typer.Option(help="Only what was done to this order, account or booking.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many rows.")] = 50,
) -> None:
    """The audit trail: when, who (from their credential), what, on what, and how it ended."""
    async with database() as sessions, sessions() as session:
        rows = await store.listing(session, actor=actor, target=target, limit=limit)
    table = Table("when (UTC)", "who", "what", "on", "outcome", "via")
    for row in rows:
        table.add_row(f"{row.at:%Y-%m-%d %H:%M:%S}", row.actor, row.action, row.target or "", row.outcome, row.via)
    console.print(table if rows else "Nothing in the audit trail yet.")


def register(app: typer.Typer) -> None:
    app.command("audit")(audit)
