"""`onramp seat-order start|status|seats|review|accept|decline|payment|place|approve`: seat orders from the
operator's terminal (seed 002), every step of the seat portal as a command, through the same workflow Updates.

The steps, in the seed's order: `seats` (New Seat Qty) → `review` (save cart & review: the quote) → `accept`
(proceed to payment) → `payment` (admin contact, the card on file or another, billing address) → `place` (the
service order; processed within 24 hours). `decline` ends an open quote. Each prints the order once its step has
settled (after `place`: charged and completed, or why not)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ValidationError
from rich.table import Table

from models.seat_order import Quote, SeatOrderInput, SeatOrderState
from models.seat_order_requests import (
    AcceptQuote,
    ApproveOrder,
    DeclineQuote,
    PaymentUpdate,
    PlaceOrder,
    ReviewCart,
    SetQuantities,
)
from starter.cli.credentials import acting, audited, reading
from starter.cli.database import database
from starter.cli.output import EXIT_INVALID, AsJson, Yes, confirm, console, fail, invalid, print_json, run_async
from starter.cli.render import when
from starter.cli.settled import settle
from starter.client import connect
from starter.services import seat_orders
from starter.services.callers import Scope
from starter.settings import get_settings
from store import make_engine, make_session_factory
from store.cards import CardRefused, tokenize
from store.tables import Account

seat_order = typer.Typer(help="Seat additions to a billing account's subscriptions.", no_args_is_help=True)

OrderNo = Annotated[str, typer.Argument(help="The order number (or seat-order-<number>).")]


def _number(order_no: str) -> str:
    number = order_no.strip().removeprefix("seat-order-")
    if not number:
        fail("Give an order number.", EXIT_INVALID)
    return number


def _validated(model: type[BaseModel], data: dict[str, Any], what: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        invalid(err, what)


@seat_order.command("start")
@run_async
@audited(Scope.ACT, "seat-order start", "account")
async def start(
    account: Annotated[str, typer.Option(help="The billing account number.")],
    requested_by: Annotated[str, typer.Option(help="The billing admin's e-mail.")],
    order_no: Annotated[str | None, typer.Option(help="Order number (made up when absent).")] = None,
    as_json: AsJson = False,
) -> None:
    """Start a seat order for an account (refused with the reason when the account cannot add seats itself);
    `onramp seat-order seats` takes it on."""
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
    if as_json:
        print_json(state)
        return
    console.print(f"[green]Seat order {state.order_no}[/] for account {state.account_no}: {state.status.value}")
    console.print(
        f"Next: onramp seat-order seats {state.order_no} --seats 'GoTo Meeting/Enterprise=5'", highlight=False
    )


@seat_order.command("status")
@run_async
@reading
async def status(order_no: OrderNo, as_json: AsJson = False) -> None:
    """Show a seat order: status, quote, payment, charge, deadline."""
    state = await seat_orders.status(await connect(get_settings(), quick=True), _number(order_no))
    if as_json:
        print_json(state)
        return
    _print_state(state)


def _print_state(state: SeatOrderState) -> None:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    table.add_row("Order", f"{state.order_no} (account {state.account_no})")
    table.add_row("Status", state.status.value + ("  [bold red]ESCALATED[/]" if state.escalated else ""))
    if state.reason:
        table.add_row("Reason", state.reason)
    if state.cart and not state.quote:
        for seats in state.cart:
            table.add_row("Cart", f"+{seats.new_seats} {seats.product.value} {seats.edition.value}")
    for line in state.quote.lines if state.quote else []:
        table.add_row("Seats", f"+{line.new_seats} {line.product.value} {line.edition.value}: {line.amount}")
    if state.quote:
        table.add_row("Total", f"{state.quote.total} {state.quote.currency} (tax {state.quote.tax})")
        table.add_row("Quote valid until", when(state.quote.expires_at))
    if state.card:
        table.add_row("Card", f"{state.card.brand} ending {state.card.last4}")
    if state.process_by:
        table.add_row("Processed by", when(state.process_by))
    if state.charge:
        table.add_row(
            "Charge", f"{state.charge.outcome} {state.charge.amount} {state.charge.currency} ({state.charge.reference})"
        )
    console.print(table)
    for moment, text in state.timeline:
        console.print(f"  {when(moment)} {text}", highlight=False)


async def _step(
    order_no: str, action: str, update: str, request: BaseModel, as_json: bool, answer: type[BaseModel] = SeatOrderState
) -> SeatOrderState:
    """One portal step as the operator (audited), then the order as it is once the step has settled. ``answer``
    is what the Update returns (the review's is the quote)."""
    number = _number(order_no)
    async with acting(Scope.ACT, f"seat-order {action}", number):
        client = await connect(get_settings(), quick=True)
        await seat_orders.step(client, number, update, request, answer)
    await settle(client, f"seat-order-{number}")
    state = await seat_orders.status(client, number)
    if as_json:
        print_json(state)
    else:
        _print_state(state)
    return state


def _seat_lines(values: list[str]) -> list[dict[str, Any]]:
    """'GoTo Meeting/Enterprise=5' → a New Seat Qty line; the model names what is wrong with its parts."""
    lines = []
    for value in values:
        product_edition, equals, count = value.rpartition("=")
        product, slash, edition = product_edition.partition("/")
        if not (equals and slash):
            fail(f"'{value}' is not PRODUCT/EDITION=SEATS, e.g. 'GoTo Meeting/Enterprise=5'.", EXIT_INVALID)
        lines.append({"product": product.strip(), "edition": edition.strip(), "new_seats": count.strip()})
    return lines


@seat_order.command("seats")
@run_async
async def seats(
    order_no: OrderNo,
    lines: Annotated[
        list[str],
        typer.Option(
            "--seats",
            metavar="PRODUCT/EDITION=SEATS",
            help="New Seat Qty, e.g. 'GoTo Meeting/Enterprise=5' (repeat for more products).",
        ),
    ],
    promotion: Annotated[str | None, typer.Option(help="A promotion code, applied by the quote.")] = None,
    as_json: AsJson = False,
) -> None:
    """Enter the New Seat Qty per product (a changed cart needs a new review)."""
    request = _validated(SetQuantities, {"lines": _seat_lines(lines), "promotion_code": promotion}, "The New Seat Qty")
    await _step(order_no, "seats", "set_quantities", request, as_json)


@seat_order.command("review")
@run_async
async def review(order_no: OrderNo, as_json: AsJson = False) -> None:
    """Save the cart and review it: the quote, with prices prorated to the renewal date (it replaces the
    account's open quote at once, and expires when left untouched)."""
    await _step(order_no, "review", "review", ReviewCart(), as_json, answer=Quote)


@seat_order.command("accept")
@run_async
async def accept(order_no: OrderNo, as_json: AsJson = False) -> None:
    """Accept the quote: proceed to payment."""
    await _step(order_no, "accept", "accept", AcceptQuote(), as_json)


@seat_order.command("decline")
@run_async
async def decline(
    order_no: OrderNo,
    reason: Annotated[str | None, typer.Option(help="Why (shown in the order's history).")] = None,
    yes: Yes = False,
    as_json: AsJson = False,
) -> None:
    """Decline the open quote: the order ends (a new order makes a new quote)."""
    request = _validated(DeclineQuote, {"reason": reason}, "The decline")
    confirm(f"Decline the quote of seat order {_number(order_no)}? The order ends.", yes)
    await _step(order_no, "decline", "decline", request, as_json)


@seat_order.command("payment")
@run_async
async def payment(
    order_no: OrderNo,
    first_name: Annotated[str, typer.Option(help="The admin contact's first name.")],
    last_name: Annotated[str, typer.Option(help="The admin contact's last name.")],
    email: Annotated[str, typer.Option(help="The admin contact's e-mail: gets a seat of every product quoted.")],
    company: Annotated[str, typer.Option(help="Billing address: company.")],
    street: Annotated[str, typer.Option(help="Billing address: street.")],
    city: Annotated[str, typer.Option(help="Billing address: city.")],
    postal_code: Annotated[str, typer.Option(help="Billing address: postal code.")],
    country: Annotated[str, typer.Option(help="Billing address: two-letter country code, e.g. CN.")],
    card: Annotated[
        str | None, typer.Option(help="A card's reference (POST /api/accounts/{no}/cards); default: the card on file.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Save the payment details: admin contact, payment method, billing address."""
    request = _validated(
        PaymentUpdate,
        {
            "admin_contact": {"first_name": first_name, "last_name": last_name, "email": email},
            "card": card,
            "billing_address": {
                "company": company,
                "street": street,
                "city": city,
                "postal_code": postal_code,
                "country": country,
            },
        },
        "The payment details",
    )
    await _step(order_no, "payment", "payment", request, as_json)


@seat_order.command("place")
@run_async
async def place(order_no: OrderNo, yes: Yes = False, as_json: AsJson = False) -> None:
    """Place the service order: the card is charged and the seats are added within 24 hours."""
    number = _number(order_no)
    if not yes:
        state = await seat_orders.status(await connect(get_settings(), quick=True), number)
        total = f"{state.quote.total} {state.quote.currency}" if state.quote else "the quote's total"
        confirm(f"Place seat order {number} and charge {total}?", yes)
    await _step(number, "place", "place", PlaceOrder(), as_json)


@seat_order.command("card")
@run_async
@audited(Scope.ACCOUNTS, "seat-order card", "account")
async def card(
    account: Annotated[str, typer.Option(help="The billing account number.")],
    number: Annotated[
        str,
        typer.Option(
            prompt="Card number",
            hide_input=True,
            help="The card number (asked without echo when left out; the sandbox's test cards are in the README).",
        ),
    ],
    expiry: Annotated[str, typer.Option(help="The expiry, MM/YYYY.")],
    as_json: AsJson = False,
) -> None:
    """Keep a card for an account, as its admin does in the portal: it becomes the card on file `payment` uses,
    and its reference can be named with `payment --card`. Only the reference and last digits are printed."""
    async with database() as sessions:
        async with sessions() as session:
            if await session.get(Account, account) is None:
                fail(f"No account {account}. `onramp account create` makes one.", EXIT_INVALID)
        try:
            kept = await tokenize(sessions, account, number, expiry, datetime.now(UTC))
        except CardRefused as err:
            fail(err.reason.english(), EXIT_INVALID)
    if as_json:
        print_json(kept)
        return
    console.print(f"[green]Card {kept.brand} ending {kept.last4} kept[/] for {account}: reference {kept.reference}.")


@seat_order.command("approve")
@run_async
async def approve(order_no: OrderNo, as_json: AsJson = False) -> None:
    """Approve an order waiting for a manual review (its total is above the review limit)."""
    number = _number(order_no)
    async with acting(Scope.ACT, "seat-order approve", number) as caller:
        client = await connect(get_settings(), quick=True)
        state = await seat_orders.step(client, number, "approve", ApproveOrder(operator=caller.actor), SeatOrderState)
    if as_json:
        print_json(state)
        return
    console.print(f"[green]Approved[/] by {caller.name}: the order is {state.status.value} and is being processed.")


def register(app: typer.Typer) -> None:
    app.add_typer(seat_order, name="seat-order")
