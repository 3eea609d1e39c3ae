"""`onramp site list|add|sessions|schedule|producers|add-producer` as an operator types them, on a database of the
test's own (the commands talk to the database only): what they print, and the exit code (0 done, 2 invalid input).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from starter.cli import app
from starter.settings import get_settings
from tests.support import operator_key_in

runner = CliRunner()
SITE = "yitong.webex.com"


@pytest.fixture(autouse=True)
async def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[None]:
    monkeypatch.chdir(tmp_path)
    url = f"sqlite+aiosqlite:///{tmp_path / 'onramp.db'}"
    monkeypatch.setenv("ONRAMP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ONRAMP_DATABASE_URL", url)
    monkeypatch.setenv("ONRAMP_API_KEY", await operator_key_in(url))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def onramp(*args: str) -> Result:
    result = runner.invoke(app, ["site", *args])
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def said(result: Result) -> str:
    return " ".join(result.output.split())


def problems(result: Result) -> list[str]:
    """The bullet lines of an 'is not valid' message."""
    return [line.strip().removeprefix("• ") for line in result.output.splitlines() if line.strip().startswith("•")]


def cells(result: Result) -> list[list[str]]:
    """A table's rows, cell by cell."""
    return [
        [cell.strip() for cell in line.strip("│┃ ").split("│" if "│" in line else "┃")]
        for line in result.output.splitlines()
        if line.startswith(("│", "┃"))
    ]


def schedule_flags(**overrides: str) -> list[str]:
    day = date.today() + timedelta(days=30)
    flags = {
        "--host-id": "yitong-admin",
        "--host-email": "Admin@yitong.example",
        "--topic": "Yitong product launch",
        "--kind": "event",
        "--date": f"{day:%Y-%m-%d}",
        "--time": "15:00",
        "--duration": "90",
        "--registrations": "420",
        "--attendees": "318",
    }
    flags.update(overrides)
    return [part for flag, value in flags.items() if value for part in (flag, value)]


def test_an_operator_adds_a_site_and_schedules_a_session_on_it() -> None:
    empty = onramp("list")
    assert empty.exit_code == 0, empty.output
    assert "No Webex sites yet." in said(empty)

    added = onramp("add", "Yitong.Webex.com", "--name", "Yitong Technology", "--time-zone", "Asia/Taipei")
    assert added.exit_code == 0, added.output
    assert said(added) == "Site yitong.webex.com added: Yitong Technology, Asia/Taipei."
    listed = onramp("list")
    assert cells(listed) == [["site", "name", "time zone"], [SITE, "Yitong Technology", "Asia/Taipei"]]
    renamed = onramp("add", SITE, "--name", "Yitong Tech", "--time-zone", "Asia/Taipei")
    assert said(renamed) == "Site yitong.webex.com updated: Yitong Tech, Asia/Taipei."
    assert json.loads(onramp("list", "--json").output) == [
        {"name": SITE, "display_name": "Yitong Tech", "time_zone": "Asia/Taipei"}
    ]

    assert "No sessions scheduled on yitong.webex.com yet." in said(onramp("sessions", SITE))
    day = date.today() + timedelta(days=30)
    scheduled = onramp("schedule", SITE, *schedule_flags(), "--key", "8800100103")
    assert scheduled.exit_code == 0, scheduled.output
    assert said(scheduled).startswith(
        f"Scheduled event 'Yitong product launch' on yitong.webex.com: {day:%a %d %b %Y}, 15:00"
    )
    assert said(scheduled).endswith(
        "(Asia/Taipei), host yitong-admin <admin@yitong.example>, session key 8800100103."
    )  # the site's time zone, since none was given

    table = onramp("sessions", SITE)
    assert table.exit_code == 0, table.output
    assert "8800100103" in table.output and "yitong-admin" in table.output and "420" in table.output
    [row] = json.loads(onramp("sessions", SITE, "--json").output)
    assert row == {
        "session_key": "8800100103",
        "site": SITE,
        "host_id": "yitong-admin",
        "host_email": "admin@yitong.example",
        "topic": "Yitong product launch",
        "kind": "event",
        "session": {"date": f"{day:%Y-%m-%d}", "time": "15:00:00", "time_zone": "Asia/Taipei", "duration_minutes": 90},
        "registrations": 420,
        "attendees": 318,
    }

    berlin = onramp(
        "schedule",
        SITE,
        *schedule_flags(**{"--kind": "meeting", "--time-zone": "Europe/Berlin", "--registrations": ""}),
    )
    assert berlin.exit_code == 0, berlin.output
    assert "Scheduled meeting" in said(berlin) and "(Europe/Berlin)" in said(berlin)
    assert len(json.loads(onramp("sessions", SITE, "--json").output)) == 2


def test_bad_sites_and_sessions_are_refused_with_every_problem_named() -> None:
    bad_name = onramp("add", "not a site", "--name", "X", "--time-zone", "Asia/Taipei")
    assert bad_name.exit_code == 2
    assert (
        said(bad_name) == "Error: 'not a site' is not a Webex site address: give its host name, e.g. yitong.webex.com."
    )

    bad_site = onramp("add", SITE, "--name", " ", "--time-zone", "Asia/Taipai")
    assert bad_site.exit_code == 2
    assert "The site is not valid:" in said(bad_site)
    assert problems(bad_site) == [
        "name: String should have at least 1 character",
        "time_zone: 'Asia/Taipai' is not a known IANA time zone (examples: Europe/Ljubljana, America/New_York, UTC)",
    ]
    assert "No Webex sites yet." in said(onramp("list"))

    unknown = onramp("schedule", "nowhere.webex.com", *schedule_flags())
    assert unknown.exit_code == 2
    assert said(unknown) == "Error: There is no Webex site nowhere.webex.com here. `onramp site list` shows the sites."
    assert onramp("sessions", "nowhere.webex.com").exit_code == 2

    onramp("add", SITE, "--name", "Yitong Technology", "--time-zone", "Asia/Taipei")
    bad = onramp(
        "schedule",
        SITE,
        *schedule_flags(**{"--host-email": "admin", "--kind": "webinar", "--time": "15:10", "--duration": "50"}),
    )
    assert bad.exit_code == 2
    assert "The session is not valid:" in said(bad)
    assert problems(bad) == [
        "host_email: value is not a valid email address: An email address must have an @-sign.",
        "kind: Input should be 'meeting', 'training' or 'event'",
        "session.time: the start time must be on the hour or a quarter past, half past or a quarter to",
        "session.duration_minutes: the duration must be a multiple of 15 minutes",
    ]
    gap = onramp(
        "schedule", SITE, *schedule_flags(**{"--date": "2027-03-28", "--time": "02:30", "--time-zone": "Europe/Berlin"})
    )
    assert gap.exit_code == 2
    assert problems(gap) == [
        "session: 02:30 does not exist on 2027-03-28 in Europe/Berlin (the clocks go forward then); choose another time"
    ]
    assert "No sessions scheduled on yitong.webex.com yet." in said(onramp("sessions", SITE))


def test_an_operator_adds_producers() -> None:
    assert "No producers yet." in said(onramp("producers"))

    added = onramp("add-producer", "--id", "mei.chen", "--name", "Mei Chen", "--email", "mei.chen@assist.example")
    assert added.exit_code == 0, added.output
    assert said(added) == "Producer mei.chen added: Mei Chen <mei.chen@assist.example>."
    onramp("add-producer", "--id", "jun.lin", "--name", "Jun Lin", "--email", "jun.lin@assist.example")
    changed = onramp("add-producer", "--id", "jun.lin", "--name", "Jun Lin", "--email", "jun@assist.example")
    assert said(changed) == "Producer jun.lin updated: Jun Lin <jun@assist.example>."

    listed = onramp("producers")
    assert cells(listed) == [
        ["ID", "name", "e-mail"],
        ["jun.lin", "Jun Lin", "jun@assist.example"],
        ["mei.chen", "Mei Chen", "mei.chen@assist.example"],
    ]
    assert json.loads(onramp("producers", "--json").output) == [
        {"producer_id": "jun.lin", "name": "Jun Lin", "email": "jun@assist.example"},
        {"producer_id": "mei.chen", "name": "Mei Chen", "email": "mei.chen@assist.example"},
    ]

    bad = onramp("add-producer", "--id", "", "--name", "Nobody", "--email", "nobody")
    assert bad.exit_code == 2
    assert problems(bad) == [
        "producer_id: String should have at least 1 character",
        "email: value is not a valid email address: An email address must have an @-sign.",
    ]
