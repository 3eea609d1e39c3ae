"""The order list (seed 000, step 6) on SQLite and PostgreSQL: the seed's columns, the filters (date range, order
number, promotion), clear filters, and the export as CSV and XLSX (read back with the csv module and openpyxl),
through the JSON API, the page and the CLI. The rows are inserted the way seat orders write them."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import openpyxl
import pytest
from click.testing import Result
from typer.testing import CliRunner

from starter.cli import app as cli_app
from starter.mail_sink import MailSink
from starter.services.order_list import headings
from starter.settings import get_settings
from starter.web.app import create_app
from store import SessionFactory
from tests.admin_support import PortalAccount, add_order, browser, forget_opening, new_account, ready_admin, uid
from tests.support import make_settings, operator_key_in

HEADINGS = headings()

CUSTOMER = "上海易通网络科技有限公司"
EVIL = '=HYPERLINK("http://evil.example","click")'


@dataclass
class Orders:
    account: PortalAccount
    http: httpx.AsyncClient
    ids: list[int]
    numbers: list[str]
    database_url: str


@pytest.fixture
async def orders(sessions: SessionFactory, database_url: str, mail_sink: MailSink) -> AsyncIterator[Orders]:
    """Three orders as in the seed's screenshot, a fourth with promotions, one of another account."""
    settings = make_settings(database_url=database_url, smtp_host=mail_sink.host, smtp_port=mail_sink.port)
    account = await new_account(sessions, settings, customer_name=CUSTOMER)
    other = await new_account(sessions, settings)
    for each in (account, other):
        await forget_opening(sessions, each.account_no)
    tag = uid()
    numbers = [f"12110114{tag}", f"13012209{tag}", f"13012209{tag}X", f"PROMO-{tag}"]
    ids = [
        await add_order(
            sessions,
            account.account_no,
            order_no=numbers[0],
            ordered_at=datetime(2012, 11, 1, 14, 30, tzinfo=UTC),
            quantity=10,
            running_total=10,
        ),
        await add_order(
            sessions,
            account.account_no,
            order_no=numbers[1],
            ordered_at=datetime(2013, 1, 22, 9, 32, tzinfo=UTC),
            quantity=5,
            running_total=15,
        ),
        await add_order(
            sessions,
            account.account_no,
            order_no=numbers[2],
            ordered_at=datetime(2013, 1, 22, 9, 33, tzinfo=UTC),
            quantity=1,
            running_total=16,
        ),
        await add_order(
            sessions,
            account.account_no,
            order_no=numbers[3],
            ordered_at=datetime(2013, 3, 1, 23, 59, tzinfo=UTC),
            edition="Enterprise",
            quantity=2,
            running_total=3,
            payment_type="Credit card",
            invoice_type="Electronic invoice",
            promotion=EVIL,
            expires_at=date(2014, 3, 1),
            available=True,
        ),
    ]
    await add_order(sessions, other.account_no, order_no=f"OTHER-{tag}", promotion="Spring")
    app = create_app(settings, sessions=sessions)
    async with browser(app) as http:
        await ready_admin(http, account)
        yield Orders(account, http, ids, numbers, database_url)


async def listed(http: httpx.AsyncClient, **query: str) -> list[dict[str, object]]:
    response = await http.get("/api/admin/orders", params=query)
    assert response.status_code == 200, response.text
    return list(response.json()["orders"])


async def test_the_list_has_the_seeds_columns_and_only_this_accounts_orders(orders: Orders) -> None:
    response = await orders.http.get("/api/admin/orders")
    body = response.json()
    assert [o["order_no"] for o in body["orders"]] == orders.numbers
    first = body["orders"][0]
    assert first | {"id": 0, "order_no": ""} == {
        "id": 0,
        "number": 1,
        "customer_name": CUSTOMER,
        "ordered_at": "2012-11-01T14:30:00Z",
        "kind": "account increase",
        "quantity": 10,
        "running_total": 10,
        "payment_type": "",
        "invoice_type": "",
        "order_no": "",
        "customer_type": "Group",
        "expires_at": None,
        "product": "GoTo Meeting",
        "edition": "Standard",
        "product_edition": "GoTo Meeting Standard",
        "promotion": None,
        "promotion_name": None,
        "available": False,
    }
    assert body["promotions"] == [EVIL]  # the other account's 'Spring' is not offered

    page = await orders.http.get("/admin/orders")
    assert page.status_code == 200
    for heading in HEADINGS:
        assert f'<th scope="col">{heading}</th>' in page.text
    assert CUSTOMER in page.text and "2013-01-22 09:32" in page.text and "OTHER-" not in page.text
    assert "4 orders." in page.text
    assert '<a class="button button-quiet" href="/admin/orders" id="clear-filters">Clear filters</a>' in page.text


async def test_filters_by_date_range_order_number_and_promotion(orders: Orders) -> None:
    http, numbers = orders.http, orders.numbers
    assert [o["order_no"] for o in await listed(http, date_from="2013-01-22", date_to="2013-01-22")] == numbers[1:3]
    assert [o["order_no"] for o in await listed(http, date_from="2013-01-23")] == numbers[3:]
    assert [o["order_no"] for o in await listed(http, date_to="2013-03-01")] == numbers  # the whole last day
    assert [o["order_no"] for o in await listed(http, order_no=numbers[1][:12].lower())] == numbers[1:3]
    assert [o["order_no"] for o in await listed(http, order_no="%")] == []  # a wildcard is just a character
    assert [o["order_no"] for o in await listed(http, promotion=EVIL)] == numbers[3:]
    assert await listed(http, promotion="Spring") == []
    numbered = await listed(http, date_from="2013-01-22")
    assert [o["number"] for o in numbered] == [1, 2, 3]

    backwards = await http.get("/api/admin/orders", params={"date_from": "2013-02-01", "date_to": "2013-01-01"})
    assert backwards.status_code == 422
    assert backwards.json()["fields"] == [
        {"field": "date_to", "message": "the end of the date range is before its start"}
    ]
    nonsense = await http.get("/api/admin/orders", params={"date_from": "yesterday-ish"})
    assert nonsense.status_code == 422 and nonsense.json()["fields"][0]["field"] == "date_from"

    page = await http.get("/admin/orders", params={"date_from": "2013-01-22", "date_to": "2013-01-22"})
    assert "2 orders (filtered)." in page.text
    assert 'value="2013-01-22"' in page.text  # the filter stays in its field
    assert '<input type="hidden" name="date_from" value="2013-01-22">' in page.text  # and goes with the export
    none = await http.get("/admin/orders", params={"order_no": "NO-SUCH"})
    assert "No order matches these filters." in none.text
    bad = await http.get("/admin/orders", params={"date_from": "2013-02-01", "date_to": "2013-01-01"})
    assert bad.status_code == 422
    assert 'id="date_to-error">The end of the date range is before its start.' in bad.text


async def test_the_csv_export_is_what_the_list_shows(orders: Orders) -> None:
    response = await orders.http.get("/api/admin/orders/export", params={"format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="orders-{orders.account.account_no}-' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese name right
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADINGS
    assert rows[1] == [
        "1",
        CUSTOMER,
        "2012-11-01 14:30",
        "account increase",
        "10",
        "10",
        "None",
        "None",
        orders.numbers[0],
        "Group",
        "",
        "GoTo Meeting Standard",
        "",
        "No",
    ]
    assert rows[4][6:8] == ["Credit card", "Electronic invoice"] and rows[4][10] == "2014-03-01"
    assert rows[4][12] == "'" + EVIL  # a formula stays text
    assert rows[4][13] == "No"  # its term ended on 2014-03-01
    assert len(rows) == 5

    ticked = await orders.http.get(
        "/admin/orders/export", params=[("format", "csv"), ("id", str(orders.ids[2])), ("id", str(orders.ids[0]))]
    )
    picked = list(csv.reader(io.StringIO(ticked.content.decode("utf-8-sig"))))
    assert [row[8] for row in picked[1:]] == [orders.numbers[0], orders.numbers[2]]
    filtered = await orders.http.get("/admin/orders/export", params={"format": "csv", "order_no": "PROMO"})
    assert [row[8] for row in csv.reader(io.StringIO(filtered.content.decode("utf-8-sig")))][1:] == orders.numbers[3:]


async def test_the_xlsx_export_has_typed_cells(orders: Orders) -> None:
    response = await orders.http.get("/admin/orders/export", params={"format": "xlsx"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["content-disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["My orders"]
    assert [cell.value for cell in sheet[1]] == HEADINGS
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:N5"
    assert [cell.value for cell in sheet[2]] == [
        1,
        CUSTOMER,
        datetime(2012, 11, 1, 14, 30),
        "account increase",
        10,
        10,
        "None",
        "None",
        orders.numbers[0],
        "Group",
        None,
        "GoTo Meeting Standard",
        None,
        "No",
    ]
    assert sheet["K5"].value == datetime(2014, 3, 1) and sheet["K5"].number_format == "yyyy-mm-dd"
    assert sheet["C3"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["M5"].value == EVIL and sheet["M5"].data_type == "s"  # text, never a formula
    assert sheet.max_row == 5

    chinese = await orders.http.get(
        "/admin/orders/export", params={"format": "xlsx"}, headers={"Accept-Language": "zh-CN"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(chinese.content))["我的订单"]
    assert sheet["C1"].value == "订单日期（UTC）"
    assert [sheet.cell(2, column).value for column in (4, 7, 8, 10, 12, 14)] == [
        "账号增加",
        "无",
        "无",
        "集团",
        "会易通标准版",
        "不可用",
    ]

    anonymous = await httpx.AsyncClient(transport=orders.http._transport, base_url="http://test").get(
        "/admin/orders/export", params={"format": "xlsx"}
    )
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/admin/login")


# ------------------------------------------------------------------------------------------------ the CLI

runner = CliRunner()


@pytest.fixture
async def cli_env(orders: Orders, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[Path]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ONRAMP_DATABASE_URL", orders.database_url)
    monkeypatch.setenv("ONRAMP_API_KEY", await operator_key_in(orders.database_url))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


async def onramp(*args: str) -> Result:
    result = await asyncio.to_thread(runner.invoke, cli_app, list(args))
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


async def test_orders_list_and_export_from_the_cli(orders: Orders, cli_env: Path) -> None:
    account = orders.account.account_no
    shown = await onramp("orders", "list", "--account", account, "--from", "2013-01-22", "--json")
    assert shown.exit_code == 0, shown.output
    assert orders.numbers[1] in shown.output and orders.numbers[0] not in shown.output

    table = await onramp("orders", "list", "--account", account, "--order-no", "PROMO")
    assert table.exit_code == 0 and orders.numbers[3] in table.output

    exported = await onramp("orders", "export", "--account", account, "--format", "xlsx", "-o", "all.xlsx")
    assert exported.exit_code == 0, exported.output
    assert "4 order(s) exported to all.xlsx." in exported.output
    sheet = openpyxl.load_workbook(cli_env / "all.xlsx")["Orders"]
    assert sheet.max_row == 5 and sheet["I2"].value == orders.numbers[0]

    csv_default = await onramp("orders", "export", "--account", account, "--to", "2012-12-31")
    assert csv_default.exit_code == 0, csv_default.output
    [written] = list(cli_env.glob(f"orders-{account}-*.csv"))
    assert len(list(csv.reader(io.StringIO(written.read_text("utf-8-sig"))))) == 2

    bad_date = await onramp("orders", "list", "--account", account, "--from", "2013-02-30")
    assert bad_date.exit_code == 2 and "date_from" in bad_date.output
    backwards = await onramp("orders", "list", "--account", account, "--from", "2013-02-01", "--to", "2013-01-01")
    assert backwards.exit_code == 2 and "the end of the date range is before its start" in backwards.output
    bad_format = await onramp("orders", "export", "--account", account, "--format", "pdf")
    assert bad_format.exit_code == 2 and "Unknown format 'pdf': use csv or xlsx." in bad_format.output
    unknown = await onramp("orders", "list", "--account", "NO-SUCH-1")
    assert unknown.exit_code == 2 and "No account NO-SUCH-1." in unknown.output


async def test_an_accounts_first_purchase_is_row_1_of_its_order_list(
    sessions: SessionFactory, database_url: str, mail_sink: MailSink
) -> None:
    settings = make_settings(database_url=database_url, smtp_host=mail_sink.host, smtp_port=mail_sink.port)
    account = await new_account(sessions, settings, customer_name=CUSTOMER)
    added = await add_order(
        sessions,
        account.account_no,
        ordered_at=datetime.now(UTC) + timedelta(minutes=1),
        edition="Standard",
        quantity=5,
        running_total=7,
    )
    app = create_app(settings, sessions=sessions)
    async with browser(app) as http:
        await ready_admin(http, account)
        rows = (await http.get("/api/admin/orders")).json()["orders"]
        page = await http.get("/admin/orders", headers={"Accept-Language": "zh-CN"})
    opening = [(r["number"], r["order_no"], r["edition"], r["quantity"], r["running_total"]) for r in rows[:2]]
    assert opening == [(1, account.account_no, "Enterprise", 1, 1), (2, account.account_no, "Standard", 2, 2)]
    assert rows[2]["id"] == added and rows[2]["running_total"] == 7  # a later increase adds to the opening seats
    assert rows[0]["payment_type"] == "" and "<td>账号增加</td>" in page.text and "<td>无</td>" in page.text
