"""`onramp assist book|status|reschedule|cancel|list|preparations|prepare`: Webex Assist bookings from the terminal (seed 004).

`book` runs the seed's four ordering steps in one go; `reschedule` and `cancel` need the reservation number and the
contact e-mail together, like the pages."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.table import Table
from temporalio.client import Client

from models.assist import AssistBookingState, BookingAnswer, assist_workflow_id
from models.assist_packages import ADD_ON_NAMES, PACKAGES
from models.assist_preparation import PREPARATION_NAMES
from models.assist_requests import Availability, CancelBooking, EventInfo, MeetingLookup, Reschedule, SubmitBooking
from starter.cli import assist_preparation, dates
from starter.cli.credentials import audited, reading
from starter.cli.output import (
    EXIT_INVALID,
    EXIT_REFUSED,
    AsJson,
    Yes,
    confirm,
    console,
    err_console,
    fail,
    invalid,
    print_json,
    run_async,
)
from starter.cli.render import when
from starter.cli.settled import settle
from starter.client import connect
from starter.errors import OnrampError
from starter.services import assist
from starter.services.callers import Scope
from starter.settings import get_settings
from store import assist as store
from store import make_engine, make_session_factory

assist_app = typer.Typer(
    help="Webex Assist bookings: a producer for a meeting, training or event.", no_args_is_help=True
)

NumberArg = Annotated[str, typer.Argument(help="The reservation number, e.g. WA-261121-3F9A0C.")]
T = TypeVar("T", bound=BaseModel)
EmailOpt = Annotated[str, typer.Option("--email", help="The contact e-mail the booking was made with.")]


def _validated(model: Any, data: dict[str, Any], what: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        invalid(err, what)


@assist_app.command("book")
@run_async
@audited(Scope.ACT, "assist book")
async def book(
    first_name: Annotated[str, typer.Option(help="Customer's first name.")] = "",
    last_name: Annotated[str, typer.Option(help="Customer's last name.")] = "",
    phone: Annotated[str, typer.Option(help="Customer's phone number.")] = "",
    email: Annotated[str, typer.Option(help="Customer's e-mail (the booking's contact).")] = "",
    company: Annotated[str, typer.Option(help="Company name.")] = "",
    site: Annotated[str, typer.Option(help="The Webex site, e.g. yitong.webex.com.")] = "",
    package: Annotated[str, typer.Option(help="mc_premium, tc_premium, ec_standard or ec_premium.")] = "ec_standard",
    on: Annotated[
        str, typer.Option("--date", help=f"Start date (at least 14 days ahead), in --time-zone: {dates.HELP}.")
    ] = "",
    at: Annotated[str, typer.Option("--time", help="Start time, HH:MM on a quarter hour.")] = "",
    time_zone: Annotated[str, typer.Option(help="IANA time zone of the start time.")] = "UTC",
    duration: Annotated[int, typer.Option(help="Minutes (a multiple of 15).")] = 60,
    add_on: Annotated[
        list[str] | None,
        typer.Option(
            "--add-on",
            help="An add-on, repeatable: extra_rehearsal, extra_recording_editing, invitation_registration (not for "
            "ec_premium, which includes it). Extra time follows the duration.",
        ),
    ] = None,
    scheduled: Annotated[
        str, typer.Option(help="by_me (fetch it by host id and e-mail), by_someone_else, not_yet (EC Premium only).")
    ] = "by_someone_else",
    host_id: Annotated[str | None, typer.Option(help="Host ID on the site (with --scheduled by_me).")] = None,
    host_email: Annotated[str | None, typer.Option(help="Host e-mail (with --scheduled by_me).")] = None,
    topic: Annotated[str | None, typer.Option(help="Topic (filled from the site when found there).")] = None,
    comments: Annotated[str | None, typer.Option(help="Other instructions for the assist team.")] = None,
    language: Annotated[str | None, typer.Option(help="A language other than English, if needed.")] = None,
    file: Annotated[Path | None, typer.Option(help="A JSON file with the same fields (flags are ignored).")] = None,
    as_json: AsJson = False,
) -> None:
    """Order an assist: availability, meeting lookup, event info, submit; prints the reservation number."""
    if file is not None:
        data = _read_json(file)
    else:
        data = {
            "availability": {
                "customer": {
                    "first_name": first_name,
                    "last_name": last_name,
                    "phone": phone,
                    "email": email,
                    "company": company,
                },
                "site": site,
                "package": package,
                "session": {
                    "date": dates.resolve(on, time_zone),
                    "time": at,
                    "time_zone": time_zone,
                    "duration_minutes": duration,
                },
                "add_ons": add_on or [],
            },
            "lookup": {"scheduled": scheduled, "host_id": host_id, "host_email": host_email},
            "event_info": {"topic": topic, "comments": comments, "language": language},
        }
    await _book(data, as_json)


def _read_json(file: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = json.loads(file.read_text())
    except (OSError, ValueError) as err:
        fail(f"Cannot read {file}: {err}", EXIT_INVALID)
    return data


async def _book(data: dict[str, Any], as_json: bool = False) -> None:
    """The four ordering steps, in the seed's order; a refusal stops with its sentence."""
    availability: Availability = _validated(Availability, data.get("availability", {}), "The availability step")
    lookup: MeetingLookup = _validated(MeetingLookup, data.get("lookup", {}), "The meeting lookup")
    settings = get_settings()
    client = await connect(settings, quick=True)
    engine = make_engine(settings.database_url)
    try:
        number, check = await assist.order(client, settings, availability, make_session_factory(engine))
    finally:
        await engine.dispose()
    if not check.available:
        _no_producer(number, check.alternatives)
    state = await _draft_step(client, number, "lookup", lookup, AssistBookingState)
    info = {key: value for key, value in data.get("event_info", {}).items() if value is not None}
    if state.event_info is not None:
        info = state.event_info.model_dump(exclude_none=True) | info
    event: EventInfo = _validated(
        EventInfo, info, f"The event info of draft {number} (give --topic when the site has no session)"
    )
    await _draft_step(client, number, "event_info", event, AssistBookingState)
    answer = await _draft_step(client, number, "submit", SubmitBooking(), BookingAnswer)
    if not answer.confirmed:
        _no_producer(number, answer.alternatives)
    await settle(client, assist_workflow_id(number))  # the confirmation's timers are set once the Update has returned
    state = await assist.status(client, number)
    if as_json:
        print_json(state)
        return
    _print_state(state)
    console.print(f"[green]Confirmed.[/] Reservation number [bold]{number}[/]; the confirmation e-mail is on its way.")


async def _draft_step(client: Client, number: str, update: str, request: BaseModel, answer: type[T]) -> T:
    """A step after the availability's: its refusal also names the draft it leaves, which `assist status` shows."""
    try:
        return await assist.step(client, number, update, request, answer)
    except OnrampError as err:
        code = EXIT_INVALID if err.http_status == 422 else EXIT_REFUSED
        fail(f"{err.message} The order stays a draft: {number} (`onramp assist status {number}`).", code)


def _no_producer(number: str, alternatives: list[Any]) -> None:
    starts = ", ".join(f"{slot.date} {slot.time:%H:%M}" for slot in alternatives) or "none within two weeks"
    fail(f"No producer is free then (order {number} is not confirmed). Nearest free starts: {starts}.", EXIT_REFUSED)


@assist_app.command("status")
@run_async
@reading
async def status(number: NumberArg, as_json: AsJson = False) -> None:
    """Show a booking (operators: by reservation number alone)."""
    state = await assist.status(await connect(get_settings(), quick=True), number.removeprefix("assist-").upper())
    if as_json:
        print_json(state)
        return
    _print_state(state)


@assist_app.command("reschedule")
@run_async
@audited(Scope.ACT, "assist reschedule", "number")
async def reschedule(
    number: NumberArg,
    email: EmailOpt,
    on: Annotated[str, typer.Option("--date", help=f"New start date (the booking's time zone): {dates.HELP}.")],
    at: Annotated[str, typer.Option("--time", help="New start time, HH:MM.")],
    update_site: Annotated[
        bool, typer.Option("--update-site", help="Move the session on the Webex site too (else: already moved).")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Move a booking to another date and time (the only change the seed allows)."""
    request: Reschedule = _validated(
        Reschedule,
        {
            "contact_email": email,
            "date": dates.resolve(on),
            "time": at,
            "site_schedule": "update_for_me" if update_site else "updated",
        },
        "The new date and time",
    )
    answer = await assist.step(
        await connect(get_settings(), quick=True), number.upper(), "reschedule", request, BookingAnswer
    )
    if not answer.confirmed:
        _no_producer(number.upper(), answer.alternatives)
    if as_json:
        print_json(answer.state)
        return
    old = answer.state.moves[-1].old.label()
    console.print(f"[green]Moved[/] {answer.state.reservation_no}: {old} → {answer.state.session.label()}")


@assist_app.command("cancel")
@run_async
@audited(Scope.ACT, "assist cancel", "number")
async def cancel(
    number: NumberArg,
    email: EmailOpt,
    yes: Yes = False,
    as_json: AsJson = False,
) -> None:
    """Cancel a booking; states the fee by policy first and releases the producer."""
    client = await connect(get_settings(), quick=True)
    state = await assist.find(client, number, email)
    quote = assist.cancellation_quote(state, datetime.now(UTC))
    fee = "no fee" if not quote.cancellation_fee else f"a fee of {quote.cancellation_fee} {quote.currency}"
    (err_console if as_json else console).print(  # with --json, stdout holds the JSON alone
        f"Cancelling {state.reservation_no} ({state.session.label()}) now costs {fee} "
        f"(free until {when(quote.free_until, state.session.time_zone)}).",
        highlight=False,
    )
    confirm("Cancel the booking?", yes)
    request: CancelBooking = _validated(CancelBooking, {"contact_email": email}, "The cancellation")
    final = await assist.step(client, state.reservation_no, "cancel", request, AssistBookingState)
    if as_json:
        print_json(final)
        return
    console.print(
        f"[green]Cancelled[/] {final.reservation_no}; the producer is released. "
        f"Cancellation fee: {final.cancellation_fee or '0.00'} {final.currency}."
    )


@assist_app.command("list")
@run_async
@reading
async def list_bookings(
    site: Annotated[str | None, typer.Option(help="Only this site's bookings.")] = None,
    status: Annotated[str | None, typer.Option(help="confirmed, live, completed, cancelled.")] = None,
    as_json: AsJson = False,
) -> None:
    """List the bookings that were confirmed (from the database), by start."""
    engine = make_engine(get_settings().database_url)
    try:
        async with make_session_factory(engine)() as session:
            rows = await store.list_bookings(session, site=site, status=status)
    finally:
        await engine.dispose()
    if as_json:
        print_json([row.model_dump(mode="json") for row in rows])
        return
    if not rows:
        console.print("No assist bookings" + (f" with status {status}" if status else "") + ".")
        return
    table = Table("reservation", "status", "package", "site", "session", "company", "price", "charged")
    for row in rows:
        table.add_row(
            row.reservation_no,
            row.status.value,
            row.package.value,
            row.site,
            row.session.label(),
            row.company,
            f"{row.total_fee if row.total_fee is not None else row.standard_fee}",
            "; ".join(f"{charge.kind.replace('_', ' ')} {charge.amount} {charge.currency}" for charge in row.charges),
        )
    console.print(table)


def _print_state(state: Any) -> None:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    customer = state.availability.customer
    table.add_row("Reservation", state.reservation_no)
    table.add_row(
        "Status", f"{state.status.value} (step {state.step})" if state.status.value == "draft" else state.status.value
    )
    table.add_row("Package", PACKAGES[state.availability.package].name)
    table.add_row("Site", state.availability.site)
    table.add_row("Session", state.session.label())
    table.add_row("Customer", f"{customer.first_name} {customer.last_name}, {customer.company} ({customer.email})")
    if state.event_info:
        table.add_row("Topic", state.event_info.topic)
    if state.producer:
        table.add_row("Producer", f"{state.producer.name} ({state.producer.email})")
    table.add_row("Standard fee", f"{state.standard_fee} {state.currency}")
    for line in state.price_lines[1:]:
        name = ADD_ON_NAMES[line.add_on] if line.add_on else ""
        table.add_row("Add-on", f"{name} ({line.quantity}): {line.amount} {state.currency}")
    if len(state.price_lines) > 1:
        table.add_row("Total", f"{state.total_fee} {state.currency}")
    for move in state.moves:
        table.add_row("Moved", f"{move.old.label()} → {move.new.label()}")
    if state.cancellation_fee is not None:
        table.add_row("Cancellation fee", f"{state.cancellation_fee} {state.currency}")
    for charge in state.charges:
        table.add_row("Charged", f"{charge.amount} {charge.currency}: {charge.reason}")
    for preparation in state.preparations:
        at = preparation.session.label() if preparation.session else "no time chosen yet"
        table.add_row(PREPARATION_NAMES[preparation.kind], at)
    if state.next_deadline:
        table.add_row("Next timer", when(state.next_deadline, state.session.time_zone))
    console.print(table)


assist_app.command("preparations")(assist_preparation.preparations)
assist_app.command("prepare")(assist_preparation.prepare)


def register(app: typer.Typer) -> None:
    app.add_typer(assist_app, name="assist")
