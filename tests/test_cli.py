"""The `onramp` command as an operator types it: what they see, and the exit code.

Exit codes: 0 done, 1 refused by the process, 2 invalid input, 3 Temporal unreachable. Never a traceback.
Input is validated before Temporal is contacted, so those tests need no server; the last ones run against the
time-skipping server (the commands build their own client from ONRAMP_ settings).
"""

from __future__ import annotations

import asyncio
import json
import smtplib
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import Result
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from activities.registry import all_activities
from models import assist, organizer
from starter.cli import app
from starter.mail_sink import MailSink, ReceivedMail
from starter.settings import Settings, get_settings
from starter.worker_host import build_worker
from store import SessionFactory, organizer_ids
from tests.admin_support import new_account, uid
from tests.support import dev_server as dev_server_env
from tests.support import eventually, free_port
from workflows import partner_order, seat_order

runner = CliRunner()

TZ = "Europe/Ljubljana"


@pytest.fixture(autouse=True)
def isolated_settings(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, workflow_db: tuple[str, SessionFactory], operator_token: str
) -> Iterator[None]:
    """Each test reads its own ONRAMP_ environment (get_settings is cached), away from any .env of the checkout;
    the operator's key is one the worker's database knows."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ONRAMP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ONRAMP_DATABASE_URL", workflow_db[0])
    monkeypatch.setenv("ONRAMP_API_KEY", operator_token)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def temporal_down(monkeypatch: pytest.MonkeyPatch) -> str:
    """An address where nothing listens."""
    address = f"127.0.0.1:{free_port()}"
    monkeypatch.setenv("ONRAMP_TEMPORAL_ADDRESS", address)
    get_settings.cache_clear()
    return address


def onramp(*args: str) -> Result:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def order_flags(**overrides: str) -> list[str]:
    flags = {
        "--order-id": "CLI-1001",
        "--offer": "A-WX",
        "--start-date": "tomorrow",
        "--time-zone": TZ,
        "--contact": "provisioning@partner.example",
        "--partner": "Alpine Partners d.o.o.",
        "--customer": "Kranj Logistics",
        "--service": "meetings",
        "--account-rep": "rep@cisco.example",
    }
    flags.update(overrides)
    return ["partner-order", "start", *(part for flag, value in flags.items() if value for part in (flag, value))]


def problems(result: Result) -> list[str]:
    """The bullet lines of an 'is not valid' message."""
    return [line.strip().removeprefix("• ") for line in result.output.splitlines() if line.strip().startswith("•")]


# ---------------------------------------------------------------- invalid input: no server needed


def test_start_with_a_bad_email_names_the_field(temporal_down: str) -> None:
    result = onramp(*order_flags(**{"--contact": "not-an-address"}))
    assert result.exit_code == 2, result.output
    assert "Error: The order is not valid:" in result.output
    [problem] = problems(result)
    assert problem.startswith("provisioning_contact_email: value is not a valid email address")
    assert temporal_down not in result.output  # refused before Temporal was contacted


def test_start_with_an_unknown_offer_lists_the_offers(temporal_down: str) -> None:
    result = onramp(*order_flags(**{"--offer": "A-BOGUS"}))
    assert result.exit_code == 2, result.output
    assert problems(result) == ["offer: Input should be 'A-WX', 'A-SPK' or 'A-FLEX'"]


def test_start_with_an_unknown_time_zone_says_so(temporal_down: str) -> None:
    result = onramp(*order_flags(**{"--time-zone": "Mars/Olympus_Mons"}))
    assert result.exit_code == 2, result.output
    [problem] = problems(result)
    assert problem.startswith("time_zone: 'Mars/Olympus_Mons' is not a known IANA time zone")
    assert "Value error" not in result.output


def test_start_without_a_customer_says_the_field_is_required(temporal_down: str) -> None:
    result = onramp(*order_flags(**{"--customer": ""}))
    assert result.exit_code == 2, result.output
    assert problems(result) == ["customer_name: Field required"]


def test_start_reports_every_problem_at_once(temporal_down: str) -> None:
    result = onramp(*order_flags(**{"--offer": "X", "--account-rep": "rep", "--service": "telepathy"}))
    assert result.exit_code == 2, result.output
    fields = sorted(problem.split(":", 1)[0] for problem in problems(result))
    assert fields == ["account_representative_email", "offer", "purchased_services.0"]


def test_start_with_a_missing_file(temporal_down: str, tmp_path: Path) -> None:
    result = onramp("partner-order", "start", "--file", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 2, result.output
    assert f"Error: {tmp_path / 'nowhere.json'} does not exist." in result.output


def test_start_with_a_file_that_is_not_json(temporal_down: str, tmp_path: Path) -> None:
    file = tmp_path / "order.json"
    file.write_text('{"order_id": "CLI-1", ')
    result = onramp("partner-order", "start", "--file", str(file))
    assert result.exit_code == 2, result.output
    assert f"{file} is not valid JSON" in result.output


def test_start_with_a_json_array(temporal_down: str, tmp_path: Path) -> None:
    file = tmp_path / "order.json"
    file.write_text("[]")
    result = onramp("partner-order", "start", "--file", str(file))
    assert result.exit_code == 2, result.output
    assert f"{file} must hold one JSON object (an order)." in result.output


def test_start_from_a_file_with_a_bad_field(temporal_down: str, tmp_path: Path) -> None:
    file = tmp_path / "order.json"
    file.write_text(json.dumps({"order_id": "CLI-2", "offer": "A-SPK", "surprise": True}))
    result = onramp("partner-order", "start", "--file", str(file))
    assert result.exit_code == 2, result.output
    assert "surprise: Extra inputs are not permitted" in problems(result)
    assert "customer_name: Field required" in problems(result)


def test_change_contact_to_a_bad_email(temporal_down: str) -> None:
    result = onramp("change-contact", "CLI-1001", "nobody-at-example")
    assert result.exit_code == 2, result.output
    assert "The contact change is not valid:" in result.output
    [problem] = problems(result)
    assert problem.startswith("new_email: value is not a valid email address")


# ---------------------------------------------------------------- Temporal unreachable


@pytest.mark.parametrize(
    "args",
    [
        ["status", "partner-order-CLI-1001"],
        ["history", "partner-order-CLI-1001"],
        ["list"],
        ["resend", "CLI-1001"],
        ["send-now", "CLI-1001"],
        ["change-contact", "CLI-1001", "new@partner.example"],
        order_flags(),
    ],
    ids=["status", "history", "list", "resend", "send-now", "change-contact", "start"],
)
def test_temporal_unreachable_says_where_and_what_to_do(temporal_down: str, args: list[str]) -> None:
    result = onramp(*args)
    assert result.exit_code == 3, result.output
    text = " ".join(result.output.split())  # rich may wrap the sentence
    assert f"Error: Cannot reach Temporal at {temporal_down}" in text
    assert "onramp dev" in text
    assert "ONRAMP_TEMPORAL_ADDRESS" in text


def test_list_help_names_every_kind_a_workflow_sets(temporal_down: str) -> None:
    """The kinds come from the workflows' own OnrampKind values (assist_booking: AssistBookingWorkflow's)."""
    result = onramp("list", "--help")
    assert result.exit_code == 0, result.output
    shown = set(result.output.replace(",", " ").replace(".", " ").split())
    for kind in (partner_order.KIND, seat_order.KIND, organizer.KIND, assist.KIND):
        assert kind in shown, result.output


def test_a_malformed_workflow_id_is_refused_before_contacting_temporal(temporal_down: str) -> None:
    result = onramp("status", "not-an-onramp-id")
    assert result.exit_code == 2, result.output
    assert "'not-an-onramp-id' is not an onramp workflow id" in result.output


# ---------------------------------------------------------------- mail


def test_mail_with_no_mail_yet(tmp_path: Path) -> None:
    result = onramp("mail")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert f"No e-mail in {tmp_path / 'data' / 'mail'}." in text
    assert "Is `onramp dev` running here?" in text

    shown = onramp("mail", "show", "5")
    assert shown.exit_code == 2, shown.output
    assert "No e-mail received yet." in shown.output


def _send(port: int, to: str, subject: str, body: str) -> None:
    message = EmailMessage()
    message["From"] = "onramp <noreply@onramp.localhost>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(message)


def test_mail_lists_and_shows_what_the_sink_caught(tmp_path: Path) -> None:
    sink = MailSink(port=free_port(), folder=tmp_path / "data" / "mail").start()
    try:
        _send(
            sink.port,
            "provisioning@partner.example",
            "Set up Webex for Kranj Logistics (order CLI-7)",
            "Hello,\n\nset up the order here: http://onramp.test/setup/abc123.\n\nThank you.\n",
        )
        _send(sink.port, "rep@cisco.example", "Escalation: order CLI-7", "Nobody has set it up yet.\n")
    finally:
        sink.stop()

    listed = onramp("mail")
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    [first] = [line for line in lines if "provisioning@partner.example" in line]
    assert "Set up Webex for Kranj Logistics (order CLI-7)" in first
    assert first.split()[1] == "1"
    [second] = [line for line in lines if "rep@cisco.example" in line]
    assert "Escalation: order CLI-7" in second

    only = onramp("mail", "list", "--to", "REP@cisco.example")
    assert "rep@cisco.example" in only.output
    assert "provisioning@partner.example" not in only.output

    shown = onramp("mail", "show", "1")
    assert shown.exit_code == 0, shown.output
    assert "To: provisioning@partner.example" in shown.output
    assert "Subject: Set up Webex for Kranj Logistics (order CLI-7)" in shown.output
    assert "set up the order here: http://onramp.test/setup/abc123." in shown.output
    assert shown.output.split("Links:", 1)[1].split() == ["http://onramp.test/setup/abc123"]

    newest = onramp("mail", "show")
    assert "Subject: Escalation: order CLI-7" in newest.output

    missing = onramp("mail", "show", "9")
    assert missing.exit_code == 2, missing.output
    assert "There is no e-mail #9; there are 2." in missing.output


# ---------------------------------------------------------------- against the time-skipping server


@pytest.fixture
def temporal_up(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Client:
    """Point the CLI at the time-skipping server, whose worker polls the tests' task queue."""
    monkeypatch.setenv("ONRAMP_TEMPORAL_ADDRESS", ts_env.client.service_client.config.target_host)
    monkeypatch.setenv("ONRAMP_TASK_QUEUE", settings.task_queue)
    assert settings.payload_key is not None
    monkeypatch.setenv("ONRAMP_PAYLOAD_KEY", settings.payload_key.get_secret_value())  # the worker encrypts
    get_settings.cache_clear()
    return client


async def cli(*args: str) -> Result:
    """Run a command in a thread: the CLI calls asyncio.run, which cannot run inside the test's event loop."""
    return await asyncio.to_thread(onramp, *args)


def _order_id(name: str) -> str:
    return f"CLI-{name}-{uuid.uuid4().hex[:8]}"


async def test_start_tomorrow_prints_the_workflow_and_the_order(temporal_up: Client) -> None:
    order_id = _order_id("tomorrow")
    result = await cli(*order_flags(**{"--order-id": order_id, "--service": "calling"}))
    assert result.exit_code == 0, result.output
    assert f"Started partner-order-{order_id}" in result.output
    tomorrow = datetime.now(ZoneInfo(TZ)).date() + timedelta(days=1)
    assert f"Requested start {tomorrow} ({TZ})" in " ".join(result.output.split())
    assert "Alpine Partners d.o.o. → Kranj Logistics" in result.output
    assert "provisioning@partner.example" in result.output

    again = await cli(*order_flags(**{"--order-id": order_id, "--service": "calling"}))
    assert again.exit_code == 0, again.output
    assert f"Already running: partner-order-{order_id}" in again.output


async def test_an_operator_follows_an_order_through_the_cli(
    temporal_up: Client, ts_env: WorkflowEnvironment, mail_sink: MailSink
) -> None:
    # a start date on the test server's clock (time skips across tests), far enough ahead that nothing fires
    start: date = (await ts_env.get_current_time()).astimezone(ZoneInfo(TZ)).date() + timedelta(days=5)
    order_id = _order_id("flow")
    workflow_id = f"partner-order-{order_id}"
    contact = f"{order_id.lower()}@partner.example"

    started = await cli(
        *order_flags(**{"--order-id": order_id, "--start-date": start.isoformat(), "--contact": contact})
    )
    assert started.exit_code == 0, started.output
    assert f"Started {workflow_id}" in started.output
    assert "awaiting_start_date" in started.output

    status = await cli("status", workflow_id, "--json")
    assert status.exit_code == 0, status.output
    state = json.loads(status.stdout)
    assert state["order_id"] == order_id
    assert state["status"] == "awaiting_start_date"
    assert state["requested_start_date"] == start.isoformat()

    panel = await cli("status", workflow_id)
    assert f"partner order {order_id}" in panel.output
    assert "awaiting_start_date" in panel.output

    history = await cli("history", workflow_id)
    assert history.exit_code == 0, history.output
    assert "order received" in history.output

    too_early = await cli("resend", order_id)
    assert too_early.exit_code == 1, too_early.output
    assert "has not been sent yet" in " ".join(too_early.output.split())
    assert "send-now" in too_early.output

    sent = await cli("send-now", order_id, "--reason", "customer is ready")
    assert sent.exit_code == 0, sent.output
    assert f"Set Up Now e-mail queued for {contact}." in sent.output

    async def arrived() -> list[ReceivedMail]:
        return mail_sink.to(contact)

    [mail] = await eventually(arrived, what=f"Set Up Now mail to {contact}")
    assert mail.subject == f"Set up Webex for Kranj Logistics (order {order_id})"

    resent = await cli("resend", workflow_id)
    assert resent.exit_code == 0, resent.output
    assert f"Set Up Now e-mail #2 queued for {contact}." in resent.output

    twice = await cli("send-now", order_id)
    assert twice.exit_code == 1, twice.output
    assert "already been sent" in twice.output

    history = await cli("history", workflow_id)
    text = " ".join(history.output.split())
    assert "api-key:tests asked to send the Set Up Now e-mail now (customer is ready)" in text  # the key's name
    assert "awaiting_setup" in text

    trail = await cli("audit", "--target", order_id)
    rows = [" ".join(line.split()) for line in trail.output.splitlines() if "onramp" in line]
    assert [row.split("│")[3].strip() for row in rows if "│" in row][:4] == [
        "onramp send-now",
        "onramp resend",
        "onramp send-now",
        "onramp resend",
    ]
    assert all("api-key:tests" in row and "cli" in row for row in rows)
    assert any("OrderStateConflict" in row or "Refused" in row for row in rows)  # the refused first resend


async def test_change_contact_through_the_cli(temporal_up: Client, ts_env: WorkflowEnvironment) -> None:
    start = (await ts_env.get_current_time()).astimezone(ZoneInfo(TZ)).date() + timedelta(days=5)
    order_id = _order_id("contact")
    started = await cli(*order_flags(**{"--order-id": order_id, "--start-date": start.isoformat()}))
    assert started.exit_code == 0, started.output

    changed = await cli("change-contact", order_id, "someone-else@partner.example", "--reason", "staff change")
    assert changed.exit_code == 0, changed.output
    assert "from provisioning@partner.example to someone-else@partner.example" in changed.output
    assert "will go to the new contact on the requested start date" in changed.output

    same = await cli("change-contact", order_id, "someone-else@partner.example")
    assert same.exit_code == 2, same.output
    assert "someone-else@partner.example is already the provisioning contact of this order." in same.output


async def test_unknown_and_malformed_ids_against_a_running_temporal(temporal_up: Client) -> None:
    unknown = await cli("status", "partner-order-NO-SUCH-ORDER")
    assert unknown.exit_code == 1, unknown.output
    assert "No partner order NO-SUCH-ORDER." in unknown.output

    malformed = await cli("status", "not-an-onramp-id")
    assert malformed.exit_code == 2, malformed.output
    assert "'not-an-onramp-id' is not an onramp workflow id" in malformed.output
    assert "onramp list" in malformed.output

    resend = await cli("resend", "NO-SUCH-ORDER")
    assert resend.exit_code == 1, resend.output
    assert "NO-SUCH-ORDER" in resend.output


async def test_list_refuses_an_unknown_kind_or_status(temporal_up: Client) -> None:
    kind = await cli("list", "--kind", "spaceship")
    assert kind.exit_code == 2, kind.output
    assert "Unknown kind 'spaceship'. Known kinds: partner_order, seat_order, organizer, assist_booking." in kind.output

    status = await cli("list", "--status", "x' OR 'a'='a")
    assert status.exit_code == 2, status.output
    assert "is not a status (e.g. awaiting_setup)." in status.output


async def test_a_temporal_error_is_a_sentence_not_a_traceback(temporal_up: Client) -> None:
    result = await asyncio.to_thread(runner.invoke, app, ["list"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1
    assert "Error:" in result.output


# ---------------------------------------------------------------- against the dev server (visibility: `onramp list`)


@pytest.fixture(scope="module")
async def dev_server() -> AsyncIterator[WorkflowEnvironment]:
    async with dev_server_env() as env:
        yield env


@pytest.fixture
async def dev_up(
    dev_server: WorkflowEnvironment,
    settings: Settings,
    workflow_db: tuple[str, SessionFactory],
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[None]:
    """The CLI pointed at the dev server and the worker's database; a worker of onramp on a task queue of its own."""
    task_queue = f"cli-list-{uid()}"
    monkeypatch.setenv("ONRAMP_TEMPORAL_ADDRESS", dev_server.client.service_client.config.target_host)
    monkeypatch.setenv("ONRAMP_TASK_QUEUE", task_queue)
    monkeypatch.setenv("ONRAMP_DATABASE_URL", workflow_db[0])
    monkeypatch.setenv("ONRAMP_SMTP_PORT", str(settings.smtp_port))
    assert settings.payload_key is not None
    monkeypatch.setenv("ONRAMP_PAYLOAD_KEY", settings.payload_key.get_secret_value())
    get_settings.cache_clear()
    async with build_worker(dev_server.client, task_queue, all_activities(workflow_db[1], settings.mail_config())):
        yield


async def _listed(*args: str, expected: set[str]) -> list[dict[str, object]]:
    """`onramp list --json …` once the server's visibility has caught up with ``expected`` workflow ids."""

    async def caught_up() -> list[dict[str, object]] | None:
        result = await cli("list", "--json", *args)
        assert result.exit_code == 0, result.output
        rows: list[dict[str, object]] = json.loads(result.output)
        return rows if {str(row["workflow_id"]) for row in rows} >= expected else None

    return await eventually(caught_up, what=f"{sorted(expected)} in `onramp list {' '.join(args)}`")


async def test_list_filters_by_each_kind_the_workflows_set(
    dev_up: None, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    account = await new_account(workflow_db[1], settings)
    order_id = _order_id("list")
    started = await cli(*order_flags(**{"--order-id": order_id}))
    assert started.exit_code == 0, started.output
    seat = await cli("seat-order", "start", "--account", account.account_no, "--requested-by", "billing@yitong.example")
    assert seat.exit_code == 0, seat.output
    order_no = seat.output.split()[2]  # "Seat order SO-… for account …"
    email = f"ada-{uid()}@yitong.example"
    created = await cli(
        "organizer", "create", "--account", account.account_no, "--email", email,
        "--last-name", "Lovelace", "--first-name", "Ada", "--edition", "Standard",
    )  # fmt: skip
    assert created.exit_code == 0, created.output
    organizer = await organizer_ids.find(workflow_db[1], account.account_no, email)
    assert organizer is not None and email not in organizer  # no e-mail in a workflow id
    ids = {"partner_order": f"partner-order-{order_id}", "seat_order": f"seat-order-{order_no}", "organizer": organizer}

    everything = await _listed(expected=set(ids.values()))
    assert {str(row["kind"]) for row in everything} >= set(ids)
    for kind, workflow_id in ids.items():
        for spelled in (kind, kind.replace("_", "-")):
            rows = await _listed("--kind", spelled, expected={workflow_id})
            assert {str(row["kind"]) for row in rows} == {kind}, rows
            others = set(ids.values()) - {workflow_id}
            assert not others & {str(row["workflow_id"]) for row in rows}, rows

    table = await cli("list", "--kind", "seat_order")
    assert table.exit_code == 0, table.output
    [line] = [line for line in table.output.splitlines() if ids["seat_order"] in line]
    assert "seat_order" in line.split()

    none_yet = await cli("list", "--kind", "assist_booking")
    assert none_yet.exit_code == 0, none_yet.output
    assert "No workflows match." in none_yet.output
