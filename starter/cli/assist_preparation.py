"""`onramp assist preparations|prepare`: a booking's planning call and rehearsals (seed 004) from the terminal.
`preparations` lists them with the times their producer is free before the event; `prepare` holds the producer
for one at a time (the workflow's schedule_preparation Update, as the booking's page does). Both need the
reservation number and the contact e-mail together, like the pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from models.assist import AssistBookingState, PreparationKind
from models.assist_preparation import PREPARATION_NAMES, SchedulePreparation
from starter.cli import dates
from starter.cli.credentials import audited, reading
from starter.cli.database import database
from starter.cli.output import console, invalid, print_json, run_async
from starter.client import connect
from starter.services import assist, assist_preparation
from starter.services.callers import Scope
from starter.settings import get_settings

NumberArg = Annotated[str, typer.Argument(help="The reservation number, e.g. WA-261121-3F9A0C.")]
EmailOpt = Annotated[str, typer.Option("--email", help="The contact e-mail the booking was made with.")]


@run_async
@reading
async def preparations(
    number: NumberArg, email: EmailOpt, as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """A booking's planning call and rehearsals, their times, and the times the producer is free for each."""
    state = await assist.find(await connect(get_settings(), quick=True), number.upper(), email)
    async with database() as sessions:
        offers = await assist_preparation.offers(sessions, state, datetime.now(UTC))
    if as_json:
        print_json([offer.model_dump(mode="json") for offer in offers])
        return
    if not offers:
        console.print(f"{state.reservation_no} has no planning call or rehearsal.")
        return
    table = Table()
    for column in ("kind", "what", "time", "free times (the booking's zone)"):
        table.add_column(column)
    for offer in offers:
        when = offer.session.label() if offer.session else "released by a move" if offer.released else "not chosen"
        free = "\n".join(f"{s.date} {s.time:%H:%M}" for s in offer.offers) or "-"
        table.add_row(offer.kind.value, PREPARATION_NAMES[offer.kind], when, free)
    console.print(table)


@run_async
@audited(Scope.ACT, "assist prepare", "number")
async def prepare(
    number: NumberArg,
    email: EmailOpt,
    kind: Annotated[PreparationKind, typer.Option("--kind", help="planning_call, rehearsal or extra_rehearsal.")],
    on: Annotated[str, typer.Option("--date", help=f"Its date (the booking's time zone): {dates.HELP}.")],
    at: Annotated[str, typer.Option("--time", help="Its start time, HH:MM (a quarter hour).")],
) -> None:
    """Hold the booking's producer for its planning call or a rehearsal at that time; both get a mail."""
    try:
        request = SchedulePreparation.model_validate(
            {"contact_email": email, "kind": kind, "date": dates.resolve(on), "time": at}
        )
    except ValidationError as err:
        invalid(err, "The planning call or rehearsal")
    client = await connect(get_settings(), quick=True)
    state = await assist.step(client, number.upper(), "schedule_preparation", request, AssistBookingState)
    [done] = [p for p in state.preparations if p.kind is kind]
    when = done.session.label() if done.session else ""
    console.print(f"[green]Scheduled[/] {PREPARATION_NAMES[kind]} of {state.reservation_no}: {when}")
