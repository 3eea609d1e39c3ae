"""`onramp seat-order start|status|approve`: seat orders from the operator's terminal (seed 002)."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from models.seat_order import ApproveOrder, SeatOrderInput, SeatOrderState
from starter.cli.credentials import acting, audited, reading
from starter.cli.output import EXIT_INVALID, console, fail, invalid, print_json, run_async
from starter.client import connect
from starter.services import seat_orders
from starter.services.callers import Scope
from starter.settings import get_settings
from store import make_engine, make_session_factory

seat_order = typer.Typer(help="Seat additions to a billing account's subscriptions.", no_args_is_help=True)


@seat_order.command("start")
@run_async
@audited(Scope.ACT, "seat-order start", "account")
async def start(
    account: Annotated[str, typer.Option(help="The billing account number.")],
    requested_by: Annotated[str, typer.Option(help="The billing admin's e-mail.")],
    order_no: Annotated[str | None, typer.Option(help="Order number (made up when absent).")] = None,
) -> None:
    """Start a seat order for an account (refused with the reason when the account cannot add seats itself)."""
    settings = get_settings()
    try:
        order = SeatOrderInput(
            order_no=order_no or seat_orders.new_order_no(), account_no=account, requested_by=requested_by
        )
    except ValidationError as err:
        invalid(err, "The seat order")
    engine = make_engine(settings.database_url)
    try:
        client = await connect(settings, quick=True)
        state = await seat_orders.start(client, settings, make_session_factory(engine), order)
    finally:
        await engine.dispose()
    console.print(f"[green]Seat order {state.order_no}[/] for account {state.account_no}: {state.status.value}")


@seat_order.command("status")
@run_async
@reading
async def status(
    order_no: Annotated[str, typer.Argument(help="The order number (or seat-order-<number>).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the state as JSON.")] = False,
) -> None:
    """Show a seat order: status, quote, payment, charge, deadline."""
    state = await seat_orders.status(await connect(get_settings(), quick=True), order_no.removeprefix("seat-order-"))
    if as_json:
        print_json(state)
        return
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Order", f"{state.order_no} (account {state.account_no})")
    table.add_row("Status", state.status.value + ("  [bold red]ESCALATED[/]" if state.escalated else ""))
    if state.reason:
        table.add_row("Reason", state.reason)
    for line in state.quote.lines if state.quote else []:
        table.add_row("Seats", f"+{line.new_seats} {line.product.value} {line.edition.value}: {line.amount}")
    if state.quote:
        table.add_row("Total", f"{state.quote.total} {state.quote.currency} (tax {state.quote.tax})")
    if state.card:
        table.add_row("Card", f"{state.card.brand} ending {state.card.last4}")
    if state.process_by:
        table.add_row("Processed by", f"{state.process_by:%Y-%m-%d %H:%M %Z}")
    if state.charge:
        table.add_row(
            "Charge", f"{state.charge.outcome} {state.charge.amount} {state.charge.currency} ({state.charge.reference})"
        )
    console.print(table)
    for moment, text in state.timeline:
        console.print(f"  {moment:%Y-%m-%d %H:%M} {text}", highlight=False)


@seat_order.command("approve")
@run_async
async def approve(
    order_no: Annotated[str, typer.Argument(help="The order number.")],
) -> None:
    """Approve an order waiting for a manual review (its total is above the review limit)."""
    if not order_no.strip():
        fail("Give an order number.", EXIT_INVALID)
    number = order_no.removeprefix("seat-order-")
    async with acting(Scope.ACT, "seat-order approve", number) as caller:
        client = await connect(get_settings(), quick=True)
        state = await seat_orders.step(client, number, "approve", ApproveOrder(operator=caller.actor), SeatOrderState)
    console.print(f"[green]Approved[/] by {caller.name}: the order is {state.status.value} and is being processed.")


def register(app: typer.Typer) -> None:
    app.add_typer(seat_order, name="seat-order")
