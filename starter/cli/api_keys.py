"""`onramp api-key create|list|revoke`: the keys machine clients and operators send as ``Authorization: Bearer``.

Whoever can run these commands holds the database, the root of trust: they need no key themselves.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich.table import Table

from starter.cli.database import database
from starter.cli.output import EXIT_INVALID, AsJson, Yes, confirm, console, fail, print_json, run_async
from starter.cli.render import when
from starter.services.callers import Scope
from store import api_keys
from store.tables import ApiKey

api_key = typer.Typer(
    help="API keys for machine clients and operators (scopes, expiry, revocation).", no_args_is_help=True
)
SCOPES = ", ".join(scope.value for scope in Scope)


@api_key.command("create")
@run_async
async def create(
    name: Annotated[str, typer.Option(help="Who uses the key, e.g. ccw or ops-dashboard.")],
    scope: Annotated[list[str], typer.Option(help=f"A scope it holds (repeat): {SCOPES}.")],
    expires_in_days: Annotated[int | None, typer.Option(min=1, max=3650, help="Expire after this many days.")] = None,
    as_json: AsJson = False,
) -> None:
    """Make a key and print it once: only a hash of its secret is kept."""
    unknown = sorted(set(scope) - {s.value for s in Scope})
    if unknown:
        fail(f"Unknown scope {', '.join(unknown)}: choose from {SCOPES}.", EXIT_INVALID)
    if not name.strip() or len(name) > 100:
        fail("Give the key a name of 1 to 100 characters.", EXIT_INVALID)
    now = datetime.now(UTC)
    expires = now + timedelta(days=expires_in_days) if expires_in_days else None
    async with database() as sessions, sessions.begin() as session:
        made = await api_keys.create(session, name.strip(), scope, now, expires)
    if as_json:  # the one time the key is shown: a script keeps it from here
        print_json({"id": made.id, "name": name.strip(), "scopes": sorted(set(scope)), "key": made.key})
        return
    console.print(f"[green]API key {made.id} created[/] for {name.strip()} ({', '.join(sorted(set(scope)))}).")
    console.print("Keep it now, it is not shown again:")
    print(made.key)


@api_key.command("list")
@run_async
async def listing(as_json: AsJson = False) -> None:
    """Every key: its scopes, when it expires, was revoked and was last used (never the key itself)."""
    async with database() as sessions, sessions() as session:
        keys = await api_keys.listing(session)
    now = datetime.now(UTC)

    def state_of(key: ApiKey) -> str:
        return "revoked" if key.revoked_at else "expired" if key.expires_at and key.expires_at <= now else "live"

    if as_json:
        print_json(
            [
                {
                    "id": key.id,
                    "name": key.name,
                    "scopes": list(key.scopes),
                    "created_at": key.created_at,
                    "expires_at": key.expires_at,
                    "revoked_at": key.revoked_at,
                    "last_used_at": key.last_used_at,
                    "state": state_of(key),
                }
                for key in keys
            ]
        )
        return
    table = Table("id", "name", "scopes", "created", "expires", "last used", "state")
    for key in keys:
        table.add_row(
            key.id,
            key.name,
            ", ".join(key.scopes),
            when(key.created_at),
            when(key.expires_at) if key.expires_at else "never",
            when(key.last_used_at) if key.last_used_at else "never",
            state_of(key),
        )
    console.print(table if keys else "No API keys yet: `onramp api-key create` makes one.")


@api_key.command("revoke")
@run_async
async def revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (the part after onr_, before the dot).")],
    yes: Yes = False,
) -> None:
    """Revoke a key: it stops working at once, everywhere, and cannot be brought back. Asks first (--yes does
    not)."""
    key_id = key_id.removeprefix(api_keys.PREFIX).split(".")[0]
    confirm(f"Revoke API key {key_id}? Whoever uses it is refused from now on; this cannot be undone.", yes)
    async with database() as sessions, sessions.begin() as session:
        done = await api_keys.revoke(session, key_id, datetime.now(UTC))
    if not done:
        fail(f"No live API key {key_id}: `onramp api-key list` shows them.")
    console.print(f"[green]API key {key_id} revoked.[/]")


def register(app: typer.Typer) -> None:
    app.add_typer(api_key, name="api-key")
