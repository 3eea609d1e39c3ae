"""`onramp organizer create|reinvite|remove|status|list` and `onramp orders list|export`: the enterprise admin's
self-service (seed 000) from a terminal, for operators. The seats seat orders assign to their admin contacts (seed
002) are listed with the organizers and released with `organizer remove EMAIL --product PRODUCT`. The commands talk to the database and to Temporal
directly (ONRAMP_ settings), like the other commands; `--account` names the enterprise account."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from models.accounts import Product
from models.admin import OrderFilter
from models.organizer import NewOrganizer
from starter.cli.credentials import acting, reading
from starter.cli.output import EXIT_INVALID, AsJson, Yes, confirm, console, fail, invalid, print_json, run_async
from starter.cli.render import when
from starter.client import connect
from starter.services import order_list as orders
from starter.services import organizers
from starter.services.callers import Scope
from starter.settings import get_settings
from store import SessionFactory, make_engine, make_session_factory, upgrade
from store.tables import Account as AccountRow

organizer = typer.Typer(help="Organizer accounts of an enterprise account (seed 000).", no_args_is_help=True)
orders_app = typer.Typer(
    help="The order list of an enterprise account: list and export (seed 000).", no_args_is_help=True
)

Account = Annotated[str, typer.Option("--account", "-a", help="The enterprise account number, e.g. DEMO-1001.")]
Email = Annotated[str, typer.Argument(help="The organizer's e-mail address.")]
DateFrom = Annotated[str | None, typer.Option("--from", help="First order day, YYYY-MM-DD (UTC).")]
DateTo = Annotated[str | None, typer.Option("--to", help="Last order day, YYYY-MM-DD (UTC).")]
OrderNo = Annotated[str | None, typer.Option("--order-no", help="Part of the order number.")]
Promotion = Annotated[str | None, typer.Option(help="Only orders with this promotion.")]


@asynccontextmanager
async def _database(account_no: str) -> AsyncIterator[SessionFactory]:
    """The session factory, after checking that the account exists (an unknown one is bad input: exit 2)."""
    engine = make_engine(get_settings().database_url)
    try:
        await upgrade(engine)
        sessions = make_session_factory(engine)
        async with sessions() as session:
            if await session.get(AccountRow, account_no) is None:
                fail(f"No account {account_no}. `onramp account create` makes one.", EXIT_INVALID)
        yield sessions
    finally:
        await engine.dispose()


# ---------------------------------------------------------------------------------------------- organizers


@organizer.command("create")
@run_async
async def create(
    account: Account,
    email: Annotated[str, typer.Option(help="The organizer's e-mail: the account is opened at once.")],
    last_name: Annotated[str, typer.Option(help="Last name.")],
    first_name: Annotated[str, typer.Option(help="First name.")],
    edition: Annotated[str, typer.Option(help="Enterprise, Standard or Basic (an edition the account has).")],
    product: Annotated[str, typer.Option(help="The product.")] = "GoTo Meeting",
    as_json: AsJson = False,
) -> None:
    """Create an organizer account: takes one license of the edition and e-mails the invitation at once."""
    try:
        new = NewOrganizer.model_validate(
            {"last_name": last_name, "first_name": first_name, "email": email, "product": product, "edition": edition}
        )
    except ValidationError as err:
        invalid(err, "The organizer")
    settings = get_settings()
    async with acting(Scope.ACCOUNTS, "organizer create", account) as caller, _database(account) as sessions:
        client = await connect(settings, quick=True)
        sent = await organizers.create(client, settings, sessions, account, new, operator=caller.actor)
        counts = await organizers.licenses(sessions, account)
    if as_json:
        print_json(sent)
        return
    console.print(f"[green]Organizer account created[/] for {sent.state.email} ({sent.state.edition_label}).")
    console.print(f"Invitation e-mailed to {sent.invitation.to}; a copy to the admin, {sent.admin_copy.to}.")
    console.print(f"Left: {organizers.remaining_text(counts)}")


@organizer.command("reinvite")
@run_async
async def reinvite(account: Account, email: Email, as_json: AsJson = False) -> None:
    """Send the invitation again, with a fresh activation link (and a copy to the admin)."""
    async with acting(Scope.ACCOUNTS, "organizer reinvite", account) as caller, _database(account) as sessions:
        client = await connect(get_settings(), quick=True)
        sent = await organizers.reinvite(client, sessions, account, email, operator=caller.actor)
    if as_json:
        print_json(sent)
        return
    console.print(
        f"[green]Invitation #{sent.invitation.sequence} e-mailed[/] to {sent.invitation.to}; "
        f"a copy to the admin, {sent.admin_copy.to}."
    )


@organizer.command("remove")
@run_async
async def remove(
    account: Account,
    email: Email,
    reason: Annotated[str | None, typer.Option(help="Why (shown in the history).")] = None,
    product: Annotated[
        Product | None,
        typer.Option(
            help="Release the seat of this product that a seat order assigned to EMAIL (its admin contact), "
            "instead of removing an organizer account."
        ),
    ] = None,
    yes: Yes = False,
    as_json: AsJson = False,
) -> None:
    """Remove an organizer account, or with --product release a seat from a seat order: its license goes back to
    the edition's pool. Asks first (--yes does not)."""
    what = f"the {product.value} seat of {email}" if product is not None else f"the organizer account {email}"
    confirm(f"Remove {what} from account {account}? This cannot be undone.", yes)
    async with acting(Scope.ACCOUNTS, "organizer remove", account) as caller, _database(account) as sessions:
        if product is not None:
            seat = await organizers.release_seat(sessions, account, email, product)
            counts = await organizers.licenses(sessions, account)
            left = next(c.remaining for c in counts if c.product is seat.product and c.edition is seat.edition)
            if as_json:
                print_json(seat.model_dump(mode="json") | {"remaining": left})
                return
            console.print(
                f"[green]Released[/] the {seat.label} seat that seat order {seat.order_no} assigned to "
                f"{seat.email}: {left} {seat.label} licenses left."
            )
            return
        client = await connect(get_settings(), quick=True)
        state = await organizers.remove(client, sessions, account, email, operator=caller.actor, reason=reason)
    if as_json:
        print_json(state)
        return
    console.print(f"[green]Removed[/] {state.email}: {state.remaining} {state.edition_label} licenses left.")


@organizer.command("status")
@run_async
@reading
async def status(account: Account, email: Email, as_json: AsJson = False) -> None:
    """One organizer account's state and history."""
    async with _database(account) as sessions:
        state = await organizers.status(await connect(get_settings(), quick=True), sessions, account, email)
    if as_json:
        print_json(state)
        return
    console.print(f"{state.email}: [bold]{state.status.value}[/] ({state.edition_label or 'no edition'})")
    if state.next_deadline:
        console.print(f"Next: {state.next_deadline_kind} at {when(state.next_deadline)}")
    table = Table(title=f"history of {state.workflow_id}")
    for column in ("when", "what", ""):
        table.add_column(column)
    for entry in state.timeline:
        table.add_row(when(entry.at), entry.kind, entry.text)
    console.print(table)


@organizer.command("list")
@run_async
@reading
async def list_organizers(account: Account, as_json: AsJson = False) -> None:
    """What remains per edition, the organizer accounts, and the seats seat orders assigned to their admin
    contacts (release one with `organizer remove EMAIL --product PRODUCT`)."""
    async with _database(account) as sessions:
        listing = await organizers.listing(sessions, account)
    if as_json:
        print_json(listing)
        return
    console.print(f"Left: {listing.remaining}")
    if not listing.organizers and not listing.seats:
        console.print("No organizer accounts yet.")
        return
    table = Table()
    for column in ("name", "e-mail", "product edition", "status", "invited", "activated"):
        table.add_column(column)
    for row in listing.organizers:
        table.add_row(
            f"{row.last_name} {row.first_name}",
            str(row.email),
            row.label,
            row.status.value,
            when(row.invited_at),
            when(row.activated_at),
        )
    for seat in listing.seats:
        table.add_row(
            f"{seat.last_name} {seat.first_name}",
            str(seat.email),
            seat.label,
            "seat from order",
            f"from seat order {seat.order_no}",
            when(seat.assigned_at),
        )
    console.print(table)


# ---------------------------------------------------------------------------------------------- orders


def _filter(date_from: str | None, date_to: str | None, order_no: str | None, promotion: str | None) -> OrderFilter:
    try:
        return OrderFilter.model_validate(
            {"date_from": date_from, "date_to": date_to, "order_no": order_no, "promotion": promotion}
        )
    except ValidationError as err:
        invalid(err, "The filter")


@orders_app.command("list")
@run_async
@reading
async def list_orders(
    account: Account,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    order_no: OrderNo = None,
    promotion: Promotion = None,
    as_json: AsJson = False,
) -> None:
    """The account's orders (every 'account increase' with its running total), filtered."""
    wanted = _filter(date_from, date_to, order_no, promotion)
    async with _database(account) as sessions:
        listed = await orders.query(sessions, account, wanted)
    if as_json:
        print_json(listed)
        return
    if not listed.orders:
        console.print("No order matches these filters." if wanted.active else "No orders yet.")
        return
    # The customer name is the same on every row: it goes in the title, so the other columns fit a terminal.
    titles = orders.headings(zone=listed.time_zone)
    columns = [
        (title, cell)
        for title, (heading, cell) in zip(titles, orders.COLUMNS, strict=True)
        if heading != "Customer name"
    ]
    table = Table(title=f"orders of {account} ({listed.orders[0].customer_name})")
    for title, _ in columns:
        table.add_column(title, no_wrap=title == "Order number" or title.startswith("Order date"))
    for line in listed.orders:
        cells = [orders.local(cell(line, orders.AS_STORED), listed.time_zone) for _, cell in columns]
        table.add_row(*("" if value is None else str(value) for value in cells))
    console.print(table)


@orders_app.command("export")
@run_async
@reading
async def export_orders(
    account: Account,
    format: Annotated[str, typer.Option("--format", "-f", help="csv or xlsx.")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="The file (default: orders-<account>-<day>.<format>).")
    ] = None,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    order_no: OrderNo = None,
    promotion: Promotion = None,
) -> None:
    """Export the (filtered) order list as CSV or XLSX."""
    if format not in ("csv", "xlsx"):
        fail(f"Unknown format '{format}': use csv or xlsx.", EXIT_INVALID)
    wanted = _filter(date_from, date_to, order_no, promotion)
    async with _database(account) as sessions:
        listed = await orders.query(sessions, account, wanted)
    file = orders.export(listed, account, "xlsx" if format == "xlsx" else "csv")
    target = output or Path(file.filename)
    try:
        target.write_bytes(file.content)
    except OSError as err:
        fail(f"Cannot write {target}: {err.strerror or err}.", EXIT_INVALID)
    console.print(f"[green]{len(listed.orders)} order(s) exported[/] to {target}.")


def register(app: typer.Typer) -> None:
    app.add_typer(organizer, name="organizer")
    app.add_typer(orders_app, name="orders")
