"""`onramp mail`: the e-mails the dev stack's SMTP sink received (under .onramp/mail/)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from starter.cli.output import EXIT_INVALID, console, fail
from starter.cli.render import when
from starter.mail_sink import read_folder
from starter.settings import get_settings

mail = typer.Typer(help="E-mails caught by the dev stack's SMTP sink.", invoke_without_command=True)


@mail.callback()
def _default(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        list_mail(to=None, last=20)


@mail.command("list")
def list_mail(
    to: Annotated[str | None, typer.Option(help="Only mail to this address.")] = None,
    last: Annotated[int, typer.Option(help="Show the last N.")] = 20,
) -> None:
    """List the received e-mails, newest last, numbered for `onramp mail show N`."""
    folder = get_settings().mail_dir
    mails = list(enumerate(read_folder(folder), start=1))
    if to:
        mails = [(number, m) for number, m in mails if m.to.lower() == to.lower()]
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
