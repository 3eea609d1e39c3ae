"""`onramp organizer create|reinvite|list|status|remove` as an operator types them, against the time-skipping
server and the worker's database: what they print, and the exit code (0 done, 1 refused, 2 invalid input)."""

from __future__ import annotations

import asyncio
import json

from click.testing import Result
from typer.testing import CliRunner

from models.accounts import Edition, Product
from starter.cli import app
from starter.mail_sink import MailSink
from starter.settings import Settings
from store import SessionFactory
from tests.admin_support import mails_to, new_account, uid

runner = CliRunner()


async def onramp(*args: str) -> Result:
    """In a thread: the CLI calls asyncio.run, which cannot run inside the test's event loop."""
    result = await asyncio.to_thread(runner.invoke, app, list(args))
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def said(result: Result) -> str:
    return " ".join(result.output.split())


async def test_an_operator_manages_organizers_from_the_cli(
    cli_env: None, settings: Settings, workflow_db: tuple[str, SessionFactory], mail_sink: MailSink
) -> None:
    account = await new_account(workflow_db[1], settings, seats={(Product.GOTO_MEETING, Edition.STANDARD): 1})
    acc = account.account_no
    ada = f"ada-{uid()}@yitong.example"
    flags = ["--account", acc, "--last-name", "Lovelace", "--first-name", "Ada"]

    created = await onramp("organizer", "create", *flags, "--email", ada, "--edition", "Standard")
    assert created.exit_code == 0, created.output
    assert f"Organizer account created for {ada} (GoTo Meeting Standard)." in said(created)
    assert f"Invitation e-mailed to {ada}; a copy to the admin, {account.admin_email}." in said(created)
    assert "Left: GoTo Meeting Standard: 0 left" in said(created)
    await mails_to(mail_sink, ada)

    full = await onramp(
        "organizer", "create", *flags, "--email", f"bob-{uid()}@yitong.example", "--edition", "Standard"
    )
    assert full.exit_code == 1, full.output
    assert "No Standard licenses left for GoTo Meeting: its only license is in use." in said(full)

    listed = await onramp("organizer", "list", "--account", acc)
    assert listed.exit_code == 0 and "Left: GoTo Meeting Standard: 0 left" in said(listed)
    assert "Lovelace Ada" in listed.output and ada in listed.output and "invited" in listed.output
    as_json = await onramp("organizer", "list", "--account", acc, "--json")
    assert json.loads(as_json.output)["organizers"][0]["email"] == ada

    again = await onramp("organizer", "reinvite", ada, "--account", acc)
    assert again.exit_code == 0, again.output
    assert f"Invitation #2 e-mailed to {ada}" in said(again)
    await mails_to(mail_sink, ada, count=2)

    status = await onramp("organizer", "status", ada, "--account", acc)
    assert status.exit_code == 0 and f"{ada}: invited (GoTo Meeting Standard)" in said(status)
    assert "Next: reminder at" in said(status) and "re-invited the organizer" in said(status)

    kept = await onramp("organizer", "remove", ada, "--account", acc)  # asked, and no answer is no
    assert kept.exit_code == 1 and f"Remove the organizer account {ada} from account {acc}?" in said(kept)
    assert "Nothing was changed" in said(kept)
    removed = await onramp("organizer", "remove", ada, "--account", acc, "--reason", "left the company", "--yes")
    assert removed.exit_code == 0, removed.output
    assert f"Removed {ada}: 1 GoTo Meeting Standard licenses left." in said(removed)
    twice = await onramp("organizer", "remove", ada, "--account", acc, "-y")
    assert twice.exit_code == 1 and "no organizer account here any more (removed)" in said(twice)


async def test_bad_input_exits_2_before_anything_happens(
    cli_env: None, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    account = await new_account(workflow_db[1], settings)
    base = ["organizer", "create", "--account", account.account_no, "--last-name", "L", "--first-name", "F"]

    bad_email = await onramp(*base, "--email", "not-an-address", "--edition", "Standard")
    assert bad_email.exit_code == 2 and "The organizer is not valid" in said(bad_email) and "email" in said(bad_email)
    no_such = await onramp(*base, "--email", f"x-{uid()}@yitong.example", "--edition", "Gold")
    assert no_such.exit_code == 2 and "edition" in said(no_such)
    not_here = await onramp(*base, "--email", f"x-{uid()}@yitong.example", "--edition", "Basic")
    assert not_here.exit_code == 2
    assert (
        "This account has no GoTo Meeting Basic licenses; it has GoTo Meeting Enterprise, GoTo Meeting Standard."
        in (said(not_here))
    )
    unknown = await onramp("organizer", "list", "--account", "NO-SUCH-1")
    assert unknown.exit_code == 2 and "No account NO-SUCH-1." in said(unknown)
    nobody = await onramp("organizer", "reinvite", "nobody@yitong.example", "--account", account.account_no)
    assert nobody.exit_code == 1
    assert "There is no organizer account for nobody@yitong.example on this account." in said(nobody)
