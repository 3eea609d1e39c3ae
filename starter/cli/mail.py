"""`onramp mail`: the e-mails the dev stack's SMTP sink received (under .onramp/mail/)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from starter.cli.output import EXIT_INVALID, AsJson, console, fail, print_json
from starter.cli.render import when
from starter.mail_sink import ReceivedMail, read_folder
from starter.settings import get_settings

mail = typer.Typer(help="E-mails caught by the dev stack's SMTP sink.", invoke_without_command=True)


@mail.callback()
def _default(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        list_mail(to=None, last=20)


def _summary(number: int, m: ReceivedMail) -> dict[str, Any]:
    """What `mail list --json` prints of each mail (the same number `mail show N` takes)."""
    return {"number": number, "received_at": m.received_at, "to": m.to, "subject": m.subject}


@mail.command("list")
def list_mail(
    to: Annotated[str | None, typer.Option(help="Only mail to this address.")] = None,
    last: Annotated[int, typer.Option(help="Show the last N.")] = 20,
    as_json: AsJson = False,
) -> None:
    """List the received e-mails, newest last, numbered for `onramp mail show N`."""
    folder = get_settings().mail_dir
    mails = list(enumerate(read_folder(folder), start=1))
    if to:
        mails = [(number, m) for number, m in mails if m.to.lower() == to.lower()]
    if as_json:
        print_json([_summary(number, m) for number, m in mails[-last:]])
        return
    if not mails:
        console.print(f"No e-mail in {folder}." + ("" if folder.exists() else " Is `onramp dev` running here?"))
        return
    table = Table()
    for column in ("#", "received", "to", "subject"):
        table.add_column(column)
    for number, m in mails[-last:]:
        table.add_row(str(number), when(m.received_at), m.to, m.subject)
    console.print(table)


@mail.command("show")
def show_mail(
    number: Annotated[
        int | None, typer.Argument(help="The number `onramp mail` shows; the newest when left out.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Print one e-mail: headers, plain text and its links."""
    mails = read_folder(get_settings().mail_dir)
    if not mails:
        fail("No e-mail received yet.", EXIT_INVALID)
    if number is None:
        number = len(mails)
    if not 1 <= number <= len(mails):
        fail(f"There is no e-mail #{number}; there are {len(mails)}.", EXIT_INVALID)
    m = mails[number - 1]
    if as_json:
        print_json(_summary(number, m) | {"from": str(m.message["From"]), "text": m.text, "links": m.links})
        return
    console.print(f"[bold]From:[/] {m.message['From']}", highlight=False)
    console.print(f"[bold]To:[/] {m.to}", highlight=False)
    console.print(f"[bold]Subject:[/] {m.subject}", highlight=False)
    console.print(f"[bold]Received:[/] {when(m.received_at)}\n", highlight=False)
    console.print(m.text, highlight=False, markup=False)
    if m.links:
        console.print("[bold]Links:[/]")
        for link in m.links:
            console.print(f"  {link}", highlight=False, markup=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(mail, name="mail")
