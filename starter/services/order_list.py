"""The order list (seed 000, step 6): every seat order as an 'account increase' row with its running total, the
filters (date range, order number, promotion), and the export as CSV and XLSX.

The rows are `account_orders`, which the seat orders write; this module only reads them, for one account.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Select, bindparam, func, select

from models.accounts import Edition, Product
from models.admin import OrderFilter, OrderLine, OrderList
from models.common import local_midnight
from models.organizer import edition_label
from store import SessionFactory
from store import promotions as promotion_store
from store.tables import Account, AccountOrder, AccountSubscription
from translations import N_

NONE = "None"  # the seed's 无: no payment or invoice type

DATE_HEADING = N_("Order date (%(zone)s)")
"""The order date's heading names the zone its times are in: the account's."""


@dataclass(frozen=True)
class Wording:
    """How an export writes its words in one language: the headings, a stored word (``account increase``,
    ``Group``, ``None``), a product edition, yes or no, the sheet's name. By default English, as stored."""

    titles: Sequence[str] | None = None
    word: Callable[[str], str] = str
    edition: Callable[[OrderLine], str] = lambda o: o.product_edition
    yes_no: Callable[[bool], str] = lambda yes: "Yes" if yes else "No"
    sheet: str = "Orders"


AS_STORED = Wording()

# The seed's columns, in its order: heading (the order list page shows it translated), and how a row gives the
# cell (a value the spreadsheet can type) in a wording.
COLUMNS: list[tuple[str, Callable[[OrderLine, Wording], Any]]] = [
    (N_("No."), lambda o, w: o.number),
    (N_("Customer name"), lambda o, w: o.customer_name),
    (DATE_HEADING, lambda o, w: o.ordered_at),
    (N_("Order nature"), lambda o, w: w.word(o.kind)),
    (N_("Accounts ordered"), lambda o, w: o.quantity),
    (N_("Max accounts (running total)"), lambda o, w: o.running_total),
    (N_("Payment type"), lambda o, w: w.word(o.payment_type or NONE)),
    (N_("Invoice type"), lambda o, w: w.word(o.invoice_type or NONE)),
    (N_("Order number"), lambda o, w: o.order_no),
    (N_("Customer type"), lambda o, w: w.word(o.customer_type)),
    (N_("Expires"), lambda o, w: o.expires_at),
    (N_("Product edition"), lambda o, w: w.edition(o)),
    (N_("Promotion"), lambda o, w: o.promotion_label),
    (N_("Available"), lambda o, w: w.yes_no(o.available)),
]
HEADINGS = [heading for heading, _ in COLUMNS]


def headings(translate: Callable[..., str] | None = None, zone: str = "UTC") -> list[str]:
    """The columns' headings in a language (``translate``: a gettext taking the placeholders as keywords; English
    when none), the date's naming ``zone``."""
    words = translate or _as_written
    return [words(heading, zone=zone) if heading == DATE_HEADING else words(heading) for heading in HEADINGS]


def _as_written(message: str, **params: str) -> str:
    return message % params if params else message


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
ExportFormat = Literal["csv", "xlsx"]
ROW_ID_MAX = 2**31 - 1
"""The largest id an order row can have (an INTEGER column on PostgreSQL)."""


@dataclass(frozen=True)
class ExportFile:
    """An export as a file: its bytes, their media type and the file's name. How it travels (an HTTP download, a
    file on disk) is the caller's business."""

    content: bytes
    media_type: str
    filename: str


def _label(product: str, edition: str) -> str:
    try:
        return edition_label(product, edition)
    except ValueError:  # a product or edition this version does not know: show it as stored
        return f"{product} {edition}"


async def query(sessions: SessionFactory, account_no: str, wanted: OrderFilter, ids: Sequence[int] = ()) -> OrderList:
    """The account's orders that pass the filter (and, when ``ids`` are given, only those), oldest first."""
    async with sessions() as session:
        account = await session.get(Account, account_no)
        zone = account.time_zone if account else "UTC"
        rows = list((await session.execute(_selection(account_no, wanted, ids, zone))).scalars())
        promotions = (
            await session.execute(
                select(AccountOrder.promotion)
                .where(AccountOrder.account_no == account_no, AccountOrder.promotion.is_not(None))
                .where(AccountOrder.promotion != "")
                .distinct()
                .order_by(AccountOrder.promotion)
            )
        ).scalars()
        promotion_list = [p for p in promotions if p]
        named = await promotion_store.names(session, promotion_list)
        held = {(p, e) for p, e in await session.execute(_HELD, {"account_no": account_no})}
    customer = account.customer_name if account else ""
    in_force = _in_force(held, datetime.now(ZoneInfo(zone)).date())
    orders = [_line(number, row, customer, named, in_force) for number, row in enumerate(rows, start=1)]
    return OrderList(filter=wanted, promotions=promotion_list, promotion_names=named, orders=orders, time_zone=zone)


def _selection(account_no: str, wanted: OrderFilter, ids: Sequence[int], zone: str) -> Select[AccountOrder]:
    """The filter as a query: the dates are whole days in the account's zone, the order number matches any part
    of it."""
    statement = select(AccountOrder).where(AccountOrder.account_no == account_no)
    if wanted.date_from:
        statement = statement.where(AccountOrder.ordered_at >= _utc(local_midnight(wanted.date_from, zone)))
    if wanted.date_to:
        end = local_midnight(wanted.date_to + timedelta(days=1), zone)
        statement = statement.where(AccountOrder.ordered_at < _utc(end))
    if wanted.order_no:
        statement = statement.where(
            func.lower(AccountOrder.order_no).contains(wanted.order_no.lower(), autoescape=True)
        )
    if wanted.promotion:
        statement = statement.where(AccountOrder.promotion == wanted.promotion)
    if ids:  # an id beyond the column's range is no row's: it matches nothing (the database would refuse it)
        statement = statement.where(AccountOrder.id.in_([row_id for row_id in ids if 0 < row_id <= ROW_ID_MAX]))
    return statement.order_by(AccountOrder.ordered_at, AccountOrder.id)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def local(value: Any, zone: str) -> Any:
    """A moment as a spreadsheet cell: the wall clock of ``zone``, to the minute (a cell has no zone)."""
    if isinstance(value, datetime):
        return value.astimezone(ZoneInfo(zone)).replace(tzinfo=None, second=0, microsecond=0)
    return value


_HELD = select(AccountSubscription.product, AccountSubscription.edition).where(
    AccountSubscription.account_no == bindparam("account_no")
)


def _in_force(held: set[tuple[str, str]], today: date) -> Callable[[AccountOrder], bool]:
    """Seed 000's 是否可用: a line is available while its term runs (until its expiry, that day included) and the
    account still holds its product edition (an edition given up supersedes its lines)."""
    return lambda row: (
        row.available and (row.expires_at is None or row.expires_at >= today) and (row.product, row.edition) in held
    )


def _line(
    number: int,
    row: AccountOrder,
    customer: str,
    named: dict[str, str],
    in_force: Callable[[AccountOrder], bool],
) -> OrderLine:
    return OrderLine(
        id=row.id,
        number=number,
        customer_name=customer,
        ordered_at=row.ordered_at,
        kind=row.kind,
        quantity=row.quantity,
        running_total=row.running_total,
        payment_type=row.payment_type,
        invoice_type=row.invoice_type,
        order_no=row.order_no,
        customer_type=row.customer_type,
        expires_at=row.expires_at,
        product=_known(Product, row.product),
        edition=_known(Edition, row.edition),
        product_edition=_label(row.product, row.edition),
        promotion=row.promotion,
        promotion_name=named.get(row.promotion or ""),
        available=in_force(row),
    )


def _known(kind: type[Product] | type[Edition], value: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        return value


def _safe_text(value: Any) -> Any:
    """A CSV cell that a spreadsheet would run as a formula (=, +, -, @ first) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(orders: Sequence[OrderLine], wording: Wording = AS_STORED, zone: str = "UTC") -> bytes:
    """UTF-8 with a byte order mark, so Excel shows Chinese customer names right; one header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(wording.titles or headings(zone=zone))
    for order in orders:
        cells = [local(cell(order, wording), zone) for _, cell in COLUMNS]
        writer.writerow(
            [
                value.strftime("%Y-%m-%d %H:%M")
                if isinstance(value, datetime)
                else ("" if value is None else _safe_text(value))
                for value in cells
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(orders: Sequence[OrderLine], account_no: str, wording: Wording = AS_STORED, zone: str = "UTC") -> bytes:
    """One sheet, typed cells (dates are dates, counts are numbers), a bold frozen header and a filter."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = wording.sheet
    sheet.append(list(wording.titles or headings(zone=zone)))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for order in orders:
        sheet.append([local(cell(order, wording), zone) for _, cell in COLUMNS])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":  # text that looks like a formula (a promotion '=…') stays text
                cell.data_type = "s"
            elif isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif cell.is_date:
                cell.number_format = "yyyy-mm-dd"
    widths = [max(len(str(c.value or "")) for c in column) for column in sheet.iter_cols()]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 40)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.properties.title = f"Orders of account {account_no}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filename(account_no: str, extension: str) -> str:
    return f"orders-{account_no}-{datetime.now(UTC):%Y%m%d}.{extension}"


def export(listed: OrderList, account_no: str, format: ExportFormat, wording: Wording = AS_STORED) -> ExportFile:
    """The rows as the file the admin downloads or the operator writes: XLSX, or CSV; their times in the
    account's zone, their words in ``wording``'s language (English when not given)."""
    rows, zone = listed.orders, listed.time_zone
    if format == "xlsx":
        return ExportFile(to_xlsx(rows, account_no, wording, zone), XLSX_TYPE, filename(account_no, "xlsx"))
    return ExportFile(to_csv(rows, wording, zone), CSV_TYPE, filename(account_no, "csv"))
