"""`onramp status`, `onramp list`, `onramp history`: what operators look at."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from models import search_attributes as sa
from models.partner_order import PartnerOrderState
from starter.cli.credentials import reading
from starter.cli.output import EXIT_INVALID, AsJson, console, fail, print_json, run_async
from starter.cli.render import order_panel, status_text, timeline_table, when
from starter.client import connect
from starter.services import partner_orders
from starter.settings import get_settings

# The kinds onramp's workflows set in the OnrampKind search attribute (each workflow's KIND: workflows/partner_order.py,
# workflows/seat_order.py, models/organizer.py, models/assist.py), each also accepted with hyphens (seat-order).
KIND_NAMES = ("partner_order", "seat_order", "organizer", "assist_booking")
KINDS = {alias: kind for kind in KIND_NAMES for alias in (kind, kind.replace("_", "-"))}


def _order_id(workflow_id: str) -> str:
    if not workflow_id.startswith("partner-order-"):
        fail(
            f"'{workflow_id}' is not an onramp workflow id (e.g. partner-order-<order id>). `onramp list` shows them.",
            EXIT_INVALID,
        )
    return workflow_id.removeprefix("partner-order-")


async def _state(workflow_id: str) -> PartnerOrderState:
    order_id = _order_id(workflow_id)  # checked before Temporal is contacted
    return await partner_orders.status(await connect(get_settings(), quick=True), order_id)


@run_async
@reading
async def status(
    workflow_id: Annotated[str, typer.Argument(help="e.g. partner-order-<order id>")],
    as_json: AsJson = False,
) -> None:
    """Show a workflow's state."""
    state = await _state(workflow_id)
    if as_json:
        print_json(state)
    else:
        console.print(order_panel(state))


@run_async
@reading
async def history(
    workflow_id: Annotated[str, typer.Argument(help="e.g. partner-order-<order id>")], as_json: AsJson = False
) -> None:
    """The business timeline of a workflow: e-mails, escalations, state changes, operator steps."""
    state = await _state(workflow_id)
    if as_json:
        print_json([entry.model_dump(mode="json") for entry in state.timeline])
        return
    console.print(timeline_table(state))


def list_query(kind: str | None, status: str | None, escalated: bool | None) -> str:
    """A Temporal visibility query over onramp's search attributes (values are quoted, never interpolated raw)."""
    clauses = [f"{sa.KIND.name} IS NOT NULL"]
    if kind:
        known = KINDS.get(kind.strip().lower())
        if known is None:
            fail(f"Unknown kind '{kind}'. Known kinds: {', '.join(KIND_NAMES)}.", EXIT_INVALID)
        clauses = [f"{sa.KIND.name} = '{known}'"]
    if status:
        if not status.replace("_", "").isalpha():
            fail(f"'{status}' is not a status (e.g. awaiting_setup).", EXIT_INVALID)
        clauses.append(f"{sa.STATUS.name} = '{status}'")
    if escalated is not None:
        clauses.append(f"{sa.ESCALATED.name} = {'true' if escalated else 'false'}")
    return " AND ".join(clauses)


@run_async
@reading
async def list_workflows(
    kind: Annotated[str | None, typer.Option(help=f"Only this kind: {', '.join(KIND_NAMES)}.")] = None,
    status: Annotated[str | None, typer.Option(help="e.g. awaiting_setup")] = None,
    escalated: Annotated[bool | None, typer.Option("--escalated/--not-escalated", help="Only (not) escalated.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many.")] = 50,
    as_json: AsJson = False,
) -> None:
    """List onramp workflows, newest first, filtered by kind, status and escalation."""
    query = list_query(kind, status, escalated)
    client = await connect(get_settings(), quick=True)
    rows = []
    async for execution in client.list_workflows(query, limit=limit):
        attrs = execution.typed_search_attributes
        rows.append(
            {
                "workflow_id": execution.id,
                "kind": attrs.get(sa.KIND),
                "status": attrs.get(sa.STATUS),
                "business_id": attrs.get(sa.BUSINESS_ID),
                "escalated": attrs.get(sa.ESCALATED) or False,
                "next_deadline": attrs.get(sa.NEXT_DEADLINE),
                "started": execution.start_time,
                "running": execution.status is not None and execution.status.name == "RUNNING",
            }
        )
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No workflows match.")
        return
    table = Table()
    for column in ("workflow id", "kind", "status", "escalated", "next deadline", "started"):
        table.add_column(column, no_wrap=True)
    for row in rows:
        table.add_row(
            str(row["workflow_id"]),
            str(row["kind"] or "—"),
            status_text(str(row["status"] or "—")),
            "[bold red]yes[/]" if row["escalated"] else "no",
            when(row["next_deadline"]),  # type: ignore[arg-type]
            when(row["started"]),  # type: ignore[arg-type]
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    app.command("history")(history)
    app.command("list")(list_workflows)
