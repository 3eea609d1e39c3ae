"""`onramp partner-order start`, `onramp resend`, `onramp change-contact`, `onramp send-now`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from models.partner_order import (
    ChangeProvisioningContact,
    PartnerOrderInput,
    ResendSetUpMail,
    SendSetUpMailNow,
)
from starter.cli import dates
from starter.cli.credentials import acting, audited
from starter.cli.output import EXIT_INVALID, AsJson, console, fail, invalid, print_json, run_async
from starter.cli.render import order_panel
from starter.cli.settled import settle
from starter.client import connect
from starter.services import partner_orders
from starter.services.callers import Scope, as_operator
from starter.settings import get_settings

partner_order = typer.Typer(help="Partner orders (Webex A-WX, A-SPK, A-FLEX).", no_args_is_help=True)


def order_id_of(identifier: str) -> str:
    """Accept either the order id or the workflow id (partner-order-<order id>)."""
    return identifier.removeprefix("partner-order-")


def _start_date(value: str, time_zone: str | None) -> str:
    """A relative date ('tomorrow', 'in 7 days', …) is read in the order's time zone; anything else is left to the
    model."""
    return dates.resolve(value, time_zone)


@partner_order.command("start")
@run_async
@audited(Scope.INTAKE, "partner-order start")
async def start(
    file: Annotated[
        Path | None, typer.Option("--file", "-f", help="An order as JSON; flags override its fields.")
    ] = None,
    order_id: Annotated[str | None, typer.Option(help="Commerce Workspace order number.")] = None,
    offer: Annotated[str | None, typer.Option(help="A-WX, A-SPK or A-FLEX.")] = None,
    start_date: Annotated[
        str | None, typer.Option(help=f"Requested start date, in the order's time zone: {dates.HELP}.")
    ] = None,
    time_zone: Annotated[str | None, typer.Option(help="IANA time zone, e.g. Europe/Ljubljana.")] = None,
    contact: Annotated[str | None, typer.Option(help="Provisioning contact e-mail.")] = None,
    partner: Annotated[str | None, typer.Option(help="Partner name.")] = None,
    customer: Annotated[str | None, typer.Option(help="Customer name.")] = None,
    service: Annotated[list[str] | None, typer.Option(help="Purchased service (repeat): meetings, calling, …")] = None,
    account_rep: Annotated[str | None, typer.Option(help="Cisco account representative e-mail.")] = None,
    language: Annotated[str | None, typer.Option(help="Language of the partner's e-mails (default en).")] = None,
    as_json: AsJson = False,
) -> None:
    """Start a partner order's workflow (a second start of the same order returns the running one); prints the
    order once its first steps have run (an order starting today has its Set Up Now e-mail sent)."""
    values: dict[str, Any] = _read_file(file) if file else {}
    flags = {
        "order_id": order_id,
        "offer": offer,
        "time_zone": time_zone,
        "provisioning_contact_email": contact,
        "partner_name": partner,
        "customer_name": customer,
        "purchased_services": service or None,
        "account_representative_email": account_rep,
        "language": language,
    }
    values.update({key: value for key, value in flags.items() if value is not None})
    if start_date is not None:
        values["requested_start_date"] = start_date
    if isinstance(values.get("requested_start_date"), str):
        values["requested_start_date"] = _start_date(values["requested_start_date"], values.get("time_zone"))
    try:
        order = PartnerOrderInput.model_validate(values)
    except ValidationError as err:
        invalid(err, "The order")
    settings = get_settings()
    client = await connect(settings, quick=True)
    started = await partner_orders.start(client, settings, order)
    await settle(client, started.workflow_id)
    state = await partner_orders.status(client, order.order_id)
    if as_json:
        print_json(state)
        return
    verb = "Started" if started.created else "Already running:"
    console.print(f"[green]{verb}[/] {started.workflow_id}")
    console.print(order_panel(state))


def _read_file(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        fail(f"{path} does not exist.", EXIT_INVALID)
    except json.JSONDecodeError as err:
        fail(f"{path} is not valid JSON: {err}", EXIT_INVALID)
    if not isinstance(data, dict):
        fail(f"{path} must hold one JSON object (an order).", EXIT_INVALID)
    return data


Reason = Annotated[str | None, typer.Option(help="Why (shown in the order's history).")]
OrderArg = Annotated[str, typer.Argument(help="Order id or workflow id (partner-order-<order id>).")]


@run_async
async def resend(identifier: OrderArg, reason: Reason = None, as_json: AsJson = False) -> None:
    """Resend the Set Up Now e-mail to the provisioning contact (refused once set up or closed)."""
    order_id = order_id_of(identifier)
    async with acting(Scope.ACT, "resend", order_id) as caller:
        client = await connect(get_settings(), quick=True)
        queued = await partner_orders.resend(client, order_id, ResendSetUpMail(operator=caller.actor, reason=reason))
    if as_json:
        print_json(queued)
        return
    console.print(f"[green]Set Up Now e-mail #{queued.sequence} queued for {queued.to}.[/]")


@run_async
async def send_now(identifier: OrderArg, reason: Reason = None, as_json: AsJson = False) -> None:
    """Send the Set Up Now e-mail now instead of on the requested start date."""
    order_id = order_id_of(identifier)
    async with acting(Scope.ACT, "send-now", order_id) as caller:
        client = await connect(get_settings(), quick=True)
        queued = await partner_orders.send_now(client, order_id, SendSetUpMailNow(operator=caller.actor, reason=reason))
    if as_json:
        print_json(queued)
        return
    console.print(f"[green]Set Up Now e-mail queued for {queued.to}.[/]")


@run_async
async def change_contact(
    identifier: OrderArg,
    new_email: Annotated[str, typer.Argument(help="The new provisioning contact's e-mail.")],
    reason: Reason = None,
    as_json: AsJson = False,
) -> None:
    """Change the provisioning contact: earlier Set Up Now links stop working, the new contact gets one."""
    try:
        request = ChangeProvisioningContact(new_email=new_email, reason=reason)
    except ValidationError as err:
        invalid(err, "The contact change")
    order_id = order_id_of(identifier)
    async with acting(Scope.ACT, "change-contact", order_id) as caller:
        client = await connect(get_settings(), quick=True)
        changed = await partner_orders.change_contact(client, order_id, as_operator(request, caller))
    if as_json:
        print_json(changed)
        return
    console.print(f"[green]Provisioning contact changed[/] from {changed.previous_email} to {changed.new_email}.")
    if changed.mail:
        console.print(f"Set Up Now e-mail queued for {changed.mail.to}; earlier links no longer work.")
    else:
        console.print("The Set Up Now e-mail will go to the new contact on the requested start date.")


def register(app: typer.Typer) -> None:
    app.add_typer(partner_order, name="partner-order")
    app.command("resend")(resend)
    app.command("send-now")(send_now)
    app.command("change-contact")(change_contact)
