"""`onramp promotion add|list|end`: the promotion codes billing admins enter at the cart (seed 000's 促销信息). The
commands talk to the database directly (ONRAMP_DATABASE_URL); Temporal need not run."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from models.accounts import Product
from models.promotions import NewPromotion, Promotion
from models.refusals import RuleBroken
from starter.cli import dates
from starter.cli.credentials import audited, reading
from starter.cli.database import database
from starter.cli.output import EXIT_INVALID, console, fail, invalid, print_json, run_async
from starter.services.callers import Scope
from store import promotions as store

promotion_app = typer.Typer(
    help="Promotion codes: a discount off seat orders' quotes, for a time and some products.", no_args_is_help=True
)

CodeArg = Annotated[str, typer.Argument(help="The promotion's code, e.g. SPRING10 (any case).", metavar="CODE")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _row(promotion: Promotion) -> list[str]:
    products = ", ".join(p.value for p in promotion.products) or "every product with seat additions"
    state = "ended" if promotion.ended else f"{promotion.valid_from} to {promotion.valid_until}"
    return [promotion.code, promotion.name, f"{promotion.percent_off.normalize():f}%", products, state]


@promotion_app.command("add")
@run_async
@audited(Scope.ACT, "promotion add", target="code")
async def add(
    code: CodeArg,
    name: Annotated[str, typer.Option("--name", help="What the order list calls it, e.g. 'Spring sale'.")],
    percent_off: Annotated[Decimal, typer.Option("--percent-off", help="The share off each covered line, 0-100.")],
    valid_from: Annotated[str, typer.Option("--from", help=f"Its first day: {dates.HELP}.")],
    valid_until: Annotated[str, typer.Option("--until", help=f"Its last day: {dates.HELP}.")],
    products: Annotated[
        list[Product] | None, typer.Option("--product", help="A product it covers (repeat); none: every one.")
    ] = None,
) -> None:
    """Add a promotion code."""
    try:
        new = NewPromotion.model_validate(
            {
                "code": code,
                "name": name,
                "percent_off": percent_off,
                "valid_from": dates.resolve(valid_from),
                "valid_until": dates.resolve(valid_until),
                "products": products or [],
            }
        )
    except ValidationError as err:
        invalid(err, "The promotion")
    try:
        async with database() as sessions, sessions.begin() as session:
            made = await store.add(session, new, datetime.now(UTC))
    except RuleBroken as err:
        fail(err.reason.english(), EXIT_INVALID)
    console.print(f"[green]Promotion {made.code} added[/]: {' · '.join(_row(made)[1:])}.")


@promotion_app.command("list")
@run_async
@reading
async def list_promotions(as_json: AsJson = False) -> None:
    """Every promotion, with its validity."""
    async with database() as sessions, sessions() as session:
        found = await store.listed(session)
    if as_json:
        print_json([p.model_dump(mode="json") for p in found])
        return
    if not found:
        console.print("No promotions yet. `onramp promotion add CODE --name … --percent-off … --from … --until …`")
        return
    table = Table()
    for column in ("code", "name", "off", "products", "valid"):
        table.add_column(column)
    for promotion in found:
        table.add_row(*_row(promotion))
    console.print(table)


@promotion_app.command("end")
@run_async
@audited(Scope.ACT, "promotion end", target="code")
async def end(code: CodeArg) -> None:
    """End a promotion today: carts saved from now on are refused its code; quotes made with it keep it."""
    async with database() as sessions, sessions.begin() as session:
        ended = await store.end(session, code)
    if ended is None:
        fail(f"There is no promotion {code.strip().upper()}. `onramp promotion list` shows them.", EXIT_INVALID)
    console.print(f"[green]Promotion {ended.code} ended[/] ({date.today()}).")


def register(app: typer.Typer) -> None:
    app.add_typer(promotion_app, name="promotion")
