"""The admin's own seats from seat orders (issue 14, seed 002: "assigns this admin a seat for each product") in the
product list of seed 000: shown beside the organizer accounts, counted against the pool, released like any other,
on SQLite and PostgreSQL. A real seat order completes first (its worker writes to the parametrized database); then
the admin reads the product list, ticks the seat and clicks Remove, as a browser without JavaScript does, and an
organizer takes the license that came back. The CLI lists and releases them too."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

import httpx
import pytest
from click.testing import Result
from temporalio.client import Client
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from activities.registry import all_activities
from models.accounts import Edition, Product
from starter.cli import app as cli
from starter.errors import OnrampError
from starter.mail_sink import MailSink
from starter.services import organizers
from starter.services.accounts import demo_account
from starter.settings import get_settings
from starter.web.app import create_app
from starter.worker_host import build_worker
from store import SessionFactory
from store.tables import SeatAssignment
from tests.admin_support import mails_to, seats_used
from tests.conftest import register_search_attributes
from tests.seat_portal_support import text_of
from tests.seat_support import ADMIN, add_card, new_account, start, step, up_to_service_order
from tests.support import bearer, binary, eventually, make_converter, make_settings, operator_key, with_csrf

SEAT = f"GoTo Meeting|{ADMIN['email']}"  # the checkbox of the admin contact's seat in the product list


@dataclass
class Backend:
    client: Client
    http: httpx.AsyncClient
    sessions: SessionFactory
    today: date
    orders: list[str] = field(default_factory=list)
    organizers: list[tuple[str, str]] = field(default_factory=list)


@pytest.fixture(scope="module")
async def ts_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of this module's own, as the other modules with workers of their own have."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=make_converter(), test_server_existing_path=binary("temporal-test-server")
    )
    await register_search_attributes(env.client)
    yield env
    await env.shutdown()


@pytest.fixture
async def backend(
    ts_env: WorkflowEnvironment, sessions: SessionFactory, database_url: str, mail_sink: MailSink
) -> AsyncIterator[Backend]:
    """A worker and the API on the parametrized database; the client is an operator and, once the account is
    made, its enterprise admin (the session cookie)."""
    settings = make_settings(
        database_url=database_url,
        smtp_host=mail_sink.host,
        smtp_port=mail_sink.port,
        task_queue=f"seat-holders-{uuid.uuid4().hex[:6]}",
        public_base_url="http://onramp.test",
    )
    app = create_app(settings, client=ts_env.client, sessions=sessions)
    async with (
        build_worker(ts_env.client, settings.task_queue, all_activities(sessions, settings.mail_config())),
        with_csrf(
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://test",
                headers=bearer(await operator_key(sessions)),
            )
        ) as http,
    ):
        b = Backend(ts_env.client, http, sessions, (await ts_env.get_current_time()).date())
        try:
            yield b
        finally:
            for account_no, email in b.organizers:  # their workflows complete while this worker still runs
                with contextlib.suppress(OnrampError, RPCError):
                    await organizers.remove(ts_env.client, sessions, account_no, email, operator="test teardown")
            for order_no in b.orders:
                with contextlib.suppress(RPCError):
                    await ts_env.client.get_workflow_handle(f"seat-order-{order_no}").terminate("test finished")


async def completed_seat_order(http: httpx.AsyncClient, today: date, orders: list[str]) -> tuple[str, str]:
    """An account whose GoTo Meeting Enterprise edition had no seats, and a seat order of one seat, completed: its
    admin contact (Mei Chen) holds that seat, so no license is left. The account and the order's numbers."""
    lines = demo_account(today).model_dump(mode="json")["subscriptions"]
    lines[0]["seats"] = 0  # GoTo Meeting Enterprise
    account_no = await new_account(http, today, subscriptions=lines)
    card = await add_card(http, account_no)
    order_no = str((await start(http, account_no))["order_no"])
    orders.append(order_no)
    await up_to_service_order(http, order_no, card, seats=1)
    await step(http, order_no, "place")

    async def completed() -> bool | None:
        return (await http.get(f"/api/seat-orders/{order_no}")).json()["status"] == "completed" or None

    await eventually(completed, what="the seat order completed")
    return account_no, order_no


async def tick(http: httpx.AsyncClient, action: str, *pairs: tuple[str, str]) -> httpx.Response:
    """The product list's form with the ticked rows, as a browser posts it."""
    return await http.post(
        "/admin/organizers/action",
        content=urlencode([*pairs, ("action", action)]),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


def enterprise(listing: dict[str, object]) -> dict[str, object]:
    [pool] = [p for p in listing["licenses"] if p["edition"] == "Enterprise"]  # type: ignore[attr-defined]
    return dict(pool)


async def test_the_admins_seat_is_listed_counted_and_released_like_any_other(
    backend: Backend, mail_sink: MailSink
) -> None:
    http = backend.http
    account_no, order_no = await completed_seat_order(http, backend.today, backend.orders)

    listing = (await http.get("/api/admin/organizers")).json()
    [seat] = listing["seats"]
    assert (seat["email"], seat["first_name"], seat["last_name"]) == (ADMIN["email"], "Mei", "Chen")
    assert (seat["product"], seat["edition"], seat["order_no"], seat["status"]) == (
        "GoTo Meeting",
        "Enterprise",
        order_no,
        "seat_from_order",
    )
    assert (enterprise(listing)["seats"], enterprise(listing)["used"], enterprise(listing)["remaining"]) == (1, 1, 0)
    home = text_of((await http.get("/admin")).text)
    assert "GoTo Meeting Enterprise: 0 left" in home
    assert f"Chen Mei {ADMIN['email']} GoTo Meeting Enterprise seat from order from seat order {order_no}" in home

    ada = f"ada-{uuid.uuid4().hex[:6]}@yitong.example"
    organizer = {"last_name": "Lovelace", "first_name": "Ada", "email": ada, "edition": "Enterprise"}
    full = await http.post("/api/admin/organizers", json=organizer)
    assert full.status_code == 409 and full.json()["fields"][0]["field"] == "edition"  # the admin's seat counts

    reinvite = await tick(http, "reinvite", ("seat", SEAT))
    assert reinvite.status_code == 409
    assert (
        f"Re-invite is for organizer accounts: {ADMIN['email']} holds a seat of GoTo Meeting from seat order "
        f"{order_no}, which came with no invitation to send again."
    ) in text_of(reinvite.text)
    api_reinvite = await http.post(f"/api/admin/organizers/{ADMIN['email']}/reinvite")
    assert api_reinvite.status_code == 409 and "Re-invite is for organizer accounts" in api_reinvite.json()["message"]

    first, second = await asyncio.gather(tick(http, "remove", ("seat", SEAT)), tick(http, "remove", ("seat", SEAT)))
    assert sorted((first.status_code, second.status_code)) == [303, 409]  # a double click releases once
    done = first if first.status_code == 303 else second
    page = text_of((await http.get(done.headers["location"])).text)
    assert f"{ADMIN['email']} (GoTo Meeting): removed. The license is back in the product list." in page
    assert "GoTo Meeting Enterprise: 1 left" in page and "seat from order" not in page
    assert await seats_used(backend.sessions, account_no, Edition.ENTERPRISE) == (1, 0)  # never below 0
    async with backend.sessions() as session:
        assert await session.get(SeatAssignment, (account_no, ADMIN["email"], "GoTo Meeting")) is None

    again = await http.delete(f"/api/admin/seats/{ADMIN['email']}/GoTo Meeting")
    assert again.status_code == 404
    assert again.json()["message"] == (
        f"{ADMIN['email']} holds no seat of GoTo Meeting from a seat order on this account: it was released "
        "already, or never assigned."
    )
    assert again.json()["fields"][0]["field"] == "email"
    assert await seats_used(backend.sessions, account_no, Edition.ENTERPRISE) == (1, 0)

    taken = await http.post("/api/admin/organizers", json=organizer)  # the license that came back
    assert taken.status_code == 201, taken.text
    backend.organizers.append((account_no, ada))
    await mails_to(mail_sink, ada)
    assert await seats_used(backend.sessions, account_no, Edition.ENTERPRISE) == (1, 1)


async def test_the_api_releases_a_seat_once(backend: Backend) -> None:
    http = backend.http
    account_no, order_no = await completed_seat_order(http, backend.today, backend.orders)
    remove = await http.delete(f"/api/admin/organizers/{ADMIN['email']}")  # not an organizer account: says so
    assert remove.status_code == 404 and f"from seat order {order_no}: release that seat" in remove.json()["message"]

    path = f"/api/admin/seats/{ADMIN['email']}/GoTo Meeting"
    answers = await asyncio.gather(http.delete(path), http.delete(path))
    assert sorted(a.status_code for a in answers) == [200, 404]
    [released] = [a.json() for a in answers if a.status_code == 200]
    assert (released["email"], released["edition"], released["order_no"]) == (ADMIN["email"], "Enterprise", order_no)
    assert await seats_used(backend.sessions, account_no, Edition.ENTERPRISE) == (1, 0)
    assert (await http.get("/api/admin/organizers")).json()["seats"] == []
    unknown = await http.delete(f"/api/admin/seats/{ADMIN['email']}/GoTo Nothing")
    assert unknown.status_code == 422 and unknown.json()["fields"][0]["field"] == "product"


# ------------------------------------------------------------------------------------------------ the CLI

runner = CliRunner()


async def onramp(*args: str) -> Result:
    """In a thread: the CLI calls asyncio.run, which cannot run inside the test's event loop."""
    result = await asyncio.to_thread(runner.invoke, cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result


async def test_the_cli_lists_the_seat_and_releases_it_with_its_product(
    backend: Backend, database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    """The CLI's settings point at this backend's database and server (as conftest's cli_env does for its own)."""
    account_no, order_no = await completed_seat_order(backend.http, backend.today, backend.orders)
    monkeypatch.chdir(str(tmp_path))
    monkeypatch.setenv("ONRAMP_TEMPORAL_ADDRESS", backend.client.service_client.config.target_host)
    monkeypatch.setenv("ONRAMP_DATABASE_URL", database_url)
    monkeypatch.setenv("ONRAMP_API_KEY", await operator_key(backend.sessions))
    payload_key = make_settings().payload_key
    assert payload_key is not None
    monkeypatch.setenv("ONRAMP_PAYLOAD_KEY", payload_key.get_secret_value())
    get_settings.cache_clear()
    try:
        await _list_and_release(account_no, order_no)
    finally:
        get_settings.cache_clear()


async def _list_and_release(account_no: str, order_no: str) -> None:
    listed = await onramp("organizer", "list", "--account", account_no, "--json")
    assert listed.exit_code == 0, listed.output
    [seat] = json.loads(listed.output)["seats"]
    assert (seat["email"], seat["order_no"]) == (ADMIN["email"], order_no)
    table = await onramp("organizer", "list", "--account", account_no)
    assert "Left: GoTo Meeting Enterprise: 0 left" in " ".join(table.output.split()) and "Chen Mei" in table.output

    flags = ["--account", account_no, "--product", Product.GOTO_MEETING.value, "--yes"]
    released = await onramp("organizer", "remove", ADMIN["email"], *flags)
    assert released.exit_code == 0, released.output
    assert (
        f"Released the GoTo Meeting Enterprise seat that seat order {order_no} assigned to {ADMIN['email']}: 1 "
        "GoTo Meeting Enterprise licenses left."
    ) in " ".join(released.output.split())
    again = await onramp("organizer", "remove", ADMIN["email"], *flags)
    assert again.exit_code == 1 and "it was released already" in " ".join(again.output.split())
