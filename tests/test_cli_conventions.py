"""The CLI's conventions (issue 16 item 7), as an operator meets them: help that shows flags without a value, a
`--version`, shell completion, `--json` on the commands that print data, one way to print a time zone, answers
that show the state once the step has settled, a seat order taken through every step from the terminal, a question
before what cannot be undone (`--yes` skips it), and `site producers SITE` answering like `site sessions SITE`."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, timedelta, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import typer
from click.testing import Result
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from starter.cli import app
from starter.cli.render import when
from starter.mail_sink import MailSink
from starter.settings import get_settings
from store import SessionFactory
from tests.admin_support import mails_to, uid
from tests.assist_support import new_site, session_at
from tests.seat_portal_support import SeatAccount
from tests.seat_support import ADDRESS, ADMIN, APPROVE

runner = CliRunner()


def run(*args: str, answer: str | None = None) -> Result:
    result = runner.invoke(app, list(args), answer)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


async def onramp(*args: str, answer: str | None = None) -> Result:
    """In a thread: the CLI calls asyncio.run, which cannot run inside the test's event loop."""
    return await asyncio.to_thread(run, *args, answer=answer)


def said(result: Result) -> str:
    return " ".join(result.output.split())


def commands() -> list[tuple[list[str], Any]]:
    """Every command of `onramp`, by the words that call it (typer's own click: a group has ``commands``)."""
    found: list[tuple[list[str], Any]] = []

    def walk(words: list[str], command: Any) -> None:
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                walk([*words, name], sub)
        else:
            found.append((words, command))

    walk([], typer.main.get_command(app))
    return found


# Commands that print no data of their own: the processes, the migrations, and the steps that answer a sentence.
WITHOUT_JSON = {
    "dev",
    "worker",
    "api",
    "db upgrade",
    "account create",
    "account demo",
    "account resend-welcome",
    "account send-reset",
    "orders export",
    "promotion add",
    "promotion end",
    "site add",
    "site packages",
    "site coordinator",
    "site schedule",
    "site add-producer",
    "assist prepare",
    "api-key revoke",
}


# ---------------------------------------------------------------- help, version, completion: no server


def test_no_help_shows_a_value_placeholder_for_a_flag() -> None:
    for words, _ in commands():
        shown = run(*words, "--help")
        assert shown.exit_code == 0, (words, shown.output)
        assert "<bool>" not in shown.output, (words, shown.output)
    status = run("status", "--help")
    [line] = [line for line in status.output.splitlines() if "--json" in line]
    assert line.split("--json")[1].split()[0] == "Print", line  # the help follows the flag, no <bool> between


def test_every_command_that_prints_data_takes_json() -> None:
    for words, command in commands():
        named = " ".join(words)
        flags = {option for param in command.params for option in param.opts}
        if named not in WITHOUT_JSON:
            assert "--json" in flags, f"`onramp {named}` has no --json"


def test_version_and_completion() -> None:
    shown = run("--version")
    assert shown.exit_code == 0 and shown.output.strip() == f"onramp {version('onramp')}"
    top = said(run("--help"))
    assert "--install-completion" in top and "--show-completion" in top
    script = run("--show-completion", "bash")
    assert script.exit_code == 0 and "_ONRAMP_COMPLETE" in script.output, script.output


def test_times_are_printed_with_their_iana_zone_or_in_utc() -> None:
    winter = datetime(2026, 12, 10, 7, 0, tzinfo=UTC)
    assert when(winter, "Asia/Taipei") == "2026-12-10 15:00 Asia/Taipei"  # never CST (China, Cuba, Central US)
    assert when(winter, "Europe/Ljubljana") == "2026-12-10 08:00 Europe/Ljubljana"  # never CET
    assert when(winter.astimezone(timezone(timedelta(hours=1)))) == "2026-12-10 07:00 UTC"  # never UTC+01:00
    assert when(winter.replace(tzinfo=None)) == "2026-12-10 07:00 UTC"
    assert when(None) == "—"


def test_mail_list_and_show_print_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Against an SMTP sink's folder, as `onramp dev` keeps it (.onramp/mail/)."""
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "20261204T020000000000-1.eml").write_text(
        "From: onramp <noreply@onramp.localhost>\nTo: ops@partner.example\nSubject: Hello there\n"
        "Content-Type: text/plain\n\nSee http://onramp.test/x/abc here.\n"
    )
    monkeypatch.setenv("ONRAMP_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        listed = run("mail", "list", "--json")
        shown = run("mail", "show", "1", "--json")
    finally:
        get_settings.cache_clear()
    assert listed.exit_code == 0, listed.output
    [row] = json.loads(listed.output)
    assert (row["number"], row["to"], row["subject"]) == (1, "ops@partner.example", "Hello there")
    assert row["received_at"].startswith("2026-12-04T02:00:00")
    assert shown.exit_code == 0, shown.output
    mail = json.loads(shown.output)
    assert mail["from"] == "onramp <noreply@onramp.localhost>" and mail["links"] == ["http://onramp.test/x/abc"]
    assert "See http://onramp.test/x/abc here." in mail["text"]


# ---------------------------------------------------------------- against the time-skipping server and its database


async def test_site_producers_takes_the_site_like_site_sessions(
    cli_env: None, workflow_db: tuple[str, SessionFactory]
) -> None:
    site = await new_site(workflow_db[1])
    for command in ("sessions", "producers"):
        known = await onramp("site", command, site)
        assert known.exit_code == 0, (command, known.output)
        unknown = await onramp("site", command, "nowhere.webex.com")
        assert unknown.exit_code == 2 and "There is no Webex site nowhere.webex.com here." in said(unknown), command
    titled = await onramp("site", "producers", site)
    assert f"producers serving {site}" in said(titled)
    every = json.loads((await onramp("site", "producers", "--json")).output)
    assert json.loads((await onramp("site", "producers", site, "--json")).output) == every and every


async def test_partner_order_start_prints_the_order_after_its_first_steps(
    cli_env: None, ts_env: WorkflowEnvironment, mail_sink: MailSink
) -> None:
    """An order whose start date has come sends its Set Up Now e-mail at once: the answer already says so."""
    today: date = (await ts_env.get_current_time()).date()
    order_id = f"CLI-SETTLED-{uid()}"
    contact = f"{order_id.lower()}@partner.example"
    started = await onramp(
        "partner-order", "start", "--order-id", order_id, "--offer", "A-WX", "--start-date", today.isoformat(),
        "--time-zone", "UTC", "--contact", contact, "--partner", "Alpine Partners d.o.o.",
        "--customer", "Kranj Logistics", "--service", "meetings", "--account-rep", "rep@cisco.example", "--json",
    )  # fmt: skip
    assert started.exit_code == 0, started.output
    state = json.loads(started.output)
    assert state["status"] == "awaiting_setup", state["status"]
    assert state["set_up_now_sent_at"] is not None
    await mails_to(mail_sink, contact, subject="Set up Webex")

    history = await onramp("history", f"partner-order-{order_id}", "--json")
    assert history.exit_code == 0, history.output
    timeline = json.loads(history.output)
    assert "order received" in timeline[0]["text"] and len(timeline) >= 2, timeline

    resent = await onramp("resend", order_id, "--json")
    assert resent.exit_code == 0, resent.output
    assert json.loads(resent.output)["to"] == contact


async def test_a_seat_order_is_taken_through_every_step_from_the_cli(
    cli_env: None, account: SeatAccount, mail_sink: MailSink
) -> None:
    bad_card = await onramp(
        "seat-order", "card", "--account", account.account_no, "--expiry", "12/2030", answer="1234\n"
    )
    assert bad_card.exit_code == 2 and "This is not a valid card number." in said(bad_card), bad_card.output
    kept = await onramp(  # the number is asked without echo: it is in no shell history
        "seat-order", "card", "--account", account.account_no, "--expiry", "12/2030", answer=f"{APPROVE}\n"
    )
    assert kept.exit_code == 0 and "Card" in said(kept) and "ending 4242 kept" in said(kept), kept.output
    assert APPROVE not in kept.output and APPROVE.replace(" ", "") not in kept.output
    started = await onramp(
        "seat-order", "start", "--account", account.account_no, "--requested-by", account.billing_email, "--json"
    )
    assert started.exit_code == 0, started.output
    number = json.loads(started.output)["order_no"]

    bad = await onramp("seat-order", "seats", number, "--seats", "GoTo Meeting=5")
    assert bad.exit_code == 2 and "is not PRODUCT/EDITION=SEATS" in said(bad), bad.output
    cart = await onramp("seat-order", "seats", number, "--seats", "GoTo Meeting/Enterprise=3")
    assert cart.exit_code == 0, cart.output
    assert "Status cart" in said(cart) and "Cart +3 GoTo Meeting Enterprise" in said(cart)

    quoted = await onramp("seat-order", "review", number)
    assert quoted.exit_code == 0, quoted.output
    assert "Status quoted" in said(quoted) and "Seats +3 GoTo Meeting Enterprise" in said(quoted)
    assert "Quote valid until" in said(quoted) and " UTC" in said(quoted)

    assert (await onramp("seat-order", "accept", number)).exit_code == 0
    paid = await onramp(
        "seat-order", "payment", number,
        "--first-name", ADMIN["first_name"], "--last-name", ADMIN["last_name"], "--email", ADMIN["email"],
        "--company", ADDRESS["company"], "--street", ADDRESS["street"], "--city", ADDRESS["city"],
        "--postal-code", ADDRESS["postal_code"], "--country", ADDRESS["country"], "--json",
    )  # fmt: skip
    assert paid.exit_code == 0, paid.output
    total = json.loads(paid.output)["quote"]["total"]
    assert json.loads(paid.output)["status"] == "service_order"

    kept = await onramp("seat-order", "place", number, answer="n\n")
    assert kept.exit_code == 1 and f"Place seat order {number} and charge {total}" in said(kept), kept.output
    assert "Nothing was changed" in said(kept)
    placed = await onramp("seat-order", "place", number, "--yes", "--json")
    assert placed.exit_code == 0, placed.output
    done = json.loads(placed.output)
    assert done["status"] == "completed" and done["charge"]["outcome"] == "approved", done["status"]
    await mails_to(mail_sink, account.billing_email)

    again = await onramp("seat-order", "place", number, "--yes")
    assert again.exit_code == 1, again.output


async def test_declining_a_quote_asks_first(cli_env: None, account: SeatAccount) -> None:
    started = await onramp(
        "seat-order", "start", "--account", account.account_no, "--requested-by", account.billing_email, "--json"
    )
    number = json.loads(started.output)["order_no"]
    await onramp("seat-order", "seats", number, "--seats", "GoTo Meeting/Standard=1")
    await onramp("seat-order", "review", number)

    kept = await onramp("seat-order", "decline", number)
    assert kept.exit_code == 1 and f"Decline the quote of seat order {number}?" in said(kept), kept.output
    assert json.loads((await onramp("seat-order", "status", number, "--json")).output)["status"] == "quoted"
    declined = await onramp("seat-order", "decline", number, "--reason", "too dear", "-y")
    assert declined.exit_code == 0 and "Status declined" in said(declined), declined.output


async def test_a_booking_refused_after_its_first_step_names_its_draft(
    cli_env: None, ts_env: WorkflowEnvironment, workflow_db: tuple[str, SessionFactory]
) -> None:
    site = await new_site(workflow_db[1])
    later = session_at(await ts_env.get_current_time(), 30)
    refused = await onramp(
        "assist", "book", "--first-name", "Mei", "--last-name", "Lin", "--phone", "+886 2 1234 5678",
        "--email", f"mei-{uid()}@customer.example", "--company", "Yitong", "--site", site,
        "--date", later.date.isoformat(), "--time", "10:00", "--time-zone", "Asia/Taipei",
        "--scheduled", "by_me", "--host-id", "nobody", "--host-email", "nobody@customer.example",
    )  # fmt: skip
    assert refused.exit_code in (1, 2), refused.output
    assert "The order stays a draft: WA-" in said(refused), refused.output
    number = said(refused).split("The order stays a draft: ")[1].split()[0]
    draft = await onramp("assist", "status", number, "--json")
    assert draft.exit_code == 0 and json.loads(draft.output)["status"] == "draft", draft.output
