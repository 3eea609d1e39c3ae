"""`onramp account create --file account.json`, `onramp account demo`, and for an admin who cannot log in,
`onramp account resend-welcome` (a new first password) and `onramp account send-reset` (a password reset link)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from models.accounts import NewAccount
from starter.cli.credentials import audited
from starter.cli.output import EXIT_INVALID, console, fail, invalid, run_async
from starter.services import accounts as accounts_service
from starter.services import password_recovery
from starter.services.accounts import DEMO_ACCOUNT_NO, DEMO_PASSWORD, create_account, demo_account, ensure_demo_account
from starter.services.callers import Scope
from starter.settings import get_settings
from store import make_engine, make_session_factory, upgrade

account = typer.Typer(help="Billing accounts (seat orders, enterprise admin self-service).", no_args_is_help=True)


@account.command("create")
@run_async
@audited(Scope.ACCOUNTS, "account create")
async def create(
    file: Annotated[Path, typer.Option("--file", "-f", help="The account as JSON (see POST /api/accounts).")],
) -> None:
    """Create a billing account; its enterprise admin is e-mailed a username and first password."""
    try:
        data = json.loads(file.read_text())
    except FileNotFoundError:
        fail(f"{file} does not exist.", EXIT_INVALID)
    except json.JSONDecodeError as err:
        fail(f"{file} is not valid JSON: {err}", EXIT_INVALID)
    try:
        new = NewAccount.model_validate(data)
    except ValidationError as err:
        invalid(err, "The account")
    if await _create(new):
        console.print(
            f"[green]Account {new.account_no} created.[/] Login details were e-mailed to {new.company.admin_email}."
        )
    else:
        console.print(f"[green]Account {new.account_no} was made before by this same request;[/] nothing changed.")


@account.command("demo")
@run_async
@audited(Scope.ACCOUNTS, "account demo")
async def demo() -> None:
    """Load the demo account (DEMO-1001) unless it exists."""
    sample = demo_account()
    created = await _ensure_demo()
    verb = "Created" if created else "Already there:"
    console.print(f"[green]{verb}[/] demo account {DEMO_ACCOUNT_NO}")
    console.print(f"Enterprise admin: {sample.company.admin_email} / first password {DEMO_PASSWORD}")


@account.command("resend-welcome")
@run_async
@audited(Scope.ACCOUNTS, "account resend-welcome")
async def resend_welcome(account_no: Annotated[str, typer.Argument(help="The account's number.")]) -> None:
    """Send the account's admin a new first password in a new welcome mail (they must change it at login)."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
        sent_to = await accounts_service.resend_welcome(make_session_factory(engine), settings, account_no)
    finally:
        await engine.dispose()
    console.print(f"[green]A new welcome mail with a new first password goes to {sent_to}.[/]")


@account.command("send-reset")
@run_async
@audited(Scope.ACCOUNTS, "account send-reset", target="account_no")
async def send_reset(account_no: Annotated[str, typer.Argument(help="The account's number.")]) -> None:
    """Send the account's admin a password reset link (single-use; newer links replace older ones). The link is
    only in the mail: never printed."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
        sent_to, sent = await password_recovery.send_to_account(make_session_factory(engine), settings, account_no)
    finally:
        await engine.dispose()
    minutes = settings.password_reset_minutes
    if sent:
        console.print(f"[green]A password reset link was sent to {sent_to}[/] (it works once, for {minutes} minutes).")
    else:
        console.print(
            f"[yellow]The password reset link for {sent_to} waits for SMTP;[/] the worker sends it as soon as SMTP "
            f"answers (it works once, for {minutes} minutes from now)."
        )


async def _create(new: object) -> bool:
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
        return await create_account(make_session_factory(engine), settings, new)  # type: ignore[arg-type]
    finally:
        await engine.dispose()


async def _ensure_demo() -> bool:
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        await upgrade(engine)
        return await ensure_demo_account(make_session_factory(engine), settings)
    finally:
        await engine.dispose()


def register(app: typer.Typer) -> None:
    app.add_typer(account, name="account")
