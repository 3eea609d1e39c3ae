"""`onramp assist book|status|reschedule|cancel|list` as an operator types them, against the time-skipping server,
the tests' worker and its database: what they print and their exit codes (0 done, 1 refused, 2 invalid input)."""

from __future__ import annotations

import asyncio
import json
from datetime import time, timedelta

from click.testing import Result
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from starter.cli import app
from starter.mail_sink import MailSink
from store import SessionFactory
from tests.admin_support import mails_to
from tests.assist_support import new_site, schedule, session_at, uid

runner = CliRunner()


async def onramp(*args: str, answer: str | None = None) -> Result:
    result = await asyncio.to_thread(runner.invoke, app, ["assist", *args], answer)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def said(result: Result) -> str:
    return " ".join(result.output.split())


async def test_an_operator_books_moves_and_cancels_an_assist(
    cli_env: None, ts_env: WorkflowEnvironment, workflow_db: tuple[str, SessionFactory], mail_sink: MailSink
) -> None:
    site = await new_site(workflow_db[1])
    when = session_at(await ts_env.get_current_time(), 30, at=time(14, 0))
    await schedule(workflow_db[1], site, when, host_id="mei", host_email="mei@customer.example", topic="Town hall")
    email = f"mei-{uid()}@customer.example"

    booked = await onramp(
        "book",
        *("--first-name", "Mei", "--last-name", "Lin", "--phone", "+886 2 1234 5678", "--email", email),
        *("--company", "Yitong Trading", "--site", site.upper(), "--package", "ec_standard"),
        *("--date", when.date.isoformat(), "--time", "14:00", "--time-zone", "Asia/Taipei", "--duration", "60"),
        *("--scheduled", "by_me", "--host-id", "mei", "--host-email", "mei@customer.example"),
    )

    assert booked.exit_code == 0, booked.output
    number = said(booked).split("Reservation number ")[1].split(";")[0]
    assert "Topic Town hall" in said(booked) and "Standard fee 650.00 USD" in said(booked)
    [timer] = [line for line in booked.output.splitlines() if "Next timer" in line]  # set once the booking settled
    assert timer.split()[-1] == "Asia/Taipei" and "CST" not in timer, timer
    await mails_to(mail_sink, email, subject="Webex Assist confirmed")

    shown = await onramp("status", number)
    assert shown.exit_code == 0 and "Status confirmed" in said(shown) and "Event Center Standard" in said(shown)

    new_day = when.date + timedelta(days=2)
    moved = await onramp("reschedule", number, "--email", email, "--date", new_day.isoformat(), "--time", "09:30")
    assert moved.exit_code == 0, moved.output
    assert f"Moved {number}: {when.label()} → {when.moved_to(new_day, time(9, 30)).label()}" in said(moved)

    wrong = await onramp("cancel", number, "--email", "eve@evil.example", "--yes")
    assert wrong.exit_code == 1
    assert f"No assist booking matches reservation number {number} and that e-mail address." in said(wrong)

    kept = await onramp("cancel", number, "--email", email, answer="n\n")
    assert kept.exit_code == 1 and "now costs no fee" in said(kept)
    cancelled = await onramp("cancel", number, "--email", email, "--yes")
    assert cancelled.exit_code == 0, cancelled.output
    assert "the producer is released. Cancellation fee: 0.00 USD." in said(cancelled)

    listed = await onramp("list", "--site", site)
    assert listed.exit_code == 0 and number in said(listed) and "cancelled" in said(listed)


async def test_bad_input_exits_2_with_the_rule(
    cli_env: None, ts_env: WorkflowEnvironment, workflow_db: tuple[str, SessionFactory]
) -> None:
    site = await new_site(workflow_db[1])
    soon = session_at(await ts_env.get_current_time(), 3)
    common = ["--first-name", "Mei", "--last-name", "Lin", "--phone", "+886 2 1234 5678"]
    common += ["--email", "mei@customer.example", "--company", "Yitong", "--site", site, "--topic", "Demo"]

    early = await onramp(
        "book", *common, "--date", soon.date.isoformat(), "--time", "10:00", "--time-zone", "Asia/Taipei"
    )
    assert early.exit_code == 2
    assert "An assist must be ordered at least 14 days before the session" in said(early)

    odd = await onramp("book", *common, "--date", "2030-01-01", "--time", "10:10", "--time-zone", "Mars/Base")
    assert odd.exit_code == 2
    assert "session.time: the start time must be on the hour or a quarter past" in said(odd)
    assert "'Mars/Base' is not a known IANA time zone" in said(odd)


async def test_an_operator_lists_the_producer_s_free_times_and_schedules_the_planning_call(
    cli_env: None, ts_env: WorkflowEnvironment, workflow_db: tuple[str, SessionFactory], mail_sink: MailSink
) -> None:
    site = await new_site(workflow_db[1])
    when = session_at(await ts_env.get_current_time(), 30, at=time(14, 0))
    email = f"mei-{uid()}@customer.example"
    booked = await onramp(
        "book",
        *("--first-name", "Mei", "--last-name", "Lin", "--phone", "+886 2 1234 5678", "--email", email),
        *("--company", "Yitong Trading", "--site", site, "--package", "tc_premium"),
        *("--date", when.date.isoformat(), "--time", "14:00", "--time-zone", "Asia/Taipei", "--duration", "60"),
        *("--scheduled", "by_someone_else", "--topic", "Onboarding course"),
    )
    assert booked.exit_code == 0, booked.output
    number = said(booked).split("Reservation number ")[1].split(";")[0]
    assert "Planning call (15 minutes) no time chosen yet" in said(booked)

    listed = await onramp("preparations", number, "--email", email, "--json")
    assert listed.exit_code == 0, listed.output
    [planning] = json.loads(listed.output)
    first = planning["offers"][0]
    table = await onramp("preparations", number, "--email", email)
    assert f"{first['date']} {first['time'][:5]}" in table.output and "not chosen" in table.output

    too_late = await onramp(
        "prepare",
        number,
        "--email",
        email,
        "--kind",
        "planning_call",
        "--date",
        when.date.isoformat(),
        "--time",
        "13:45",
    )
    assert too_late.exit_code == 2 and "Choose a time that ends by " in said(too_late), too_late.output

    done = await onramp(
        "prepare",
        number,
        "--email",
        email,
        "--kind",
        "planning_call",
        "--date",
        first["date"],
        "--time",
        first["time"][:5],
    )
    assert done.exit_code == 0, done.output
    assert f"Scheduled Planning call (15 minutes) of {number}: " in said(done)
    await mails_to(mail_sink, email, subject=f"Webex Assist {number}: Planning call (15 minutes)")
