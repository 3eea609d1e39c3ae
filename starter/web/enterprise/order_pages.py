"""The admin portal's order list (seed 000, step 6): the filters as a GET form (a filtered list is a link one can
keep), and the export of the ticked rows, or of every row the filters let through, as CSV or XLSX."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from models.admin import OrderFilter
from starter.services import order_list as orders
from starter.web.access import PageAdmin
from starter.web.deps import Sessions
from starter.web.enterprise import words
from starter.web.enterprise.downloads import attachment
from starter.web.forms import FormSpec, field_errors
from starter.web.guard import guarded
from starter.web.portals import ADMIN
from starter.web.reading import gettext
from starter.web.rendering import redirect

router = APIRouter(include_in_schema=False)

FILTER_FORM = FormSpec(fields=("date_from", "date_to", "order_no", "promotion"), choices=frozenset({"promotion"}))


@router.get("/admin/orders", response_class=HTMLResponse)
@guarded(ADMIN)
async def orders_page(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    """A filter that does not hold is shown next to its field, over the whole (unfiltered) list."""
    raw = {name: request.query_params.get(name, "") for name in FILTER_FORM.fields}
    errors: dict[str, str] = {}
    try:
        wanted = OrderFilter.model_validate({name: value or None for name, value in raw.items()})
    except ValidationError as err:
        errors, _ = field_errors(err, FILTER_FORM)
        wanted = OrderFilter()
    listed = await orders.query(sessions, admin.account_no, wanted)
    return ADMIN.render(
        "enterprise/orders.html",
        422 if errors else 200,
        title=gettext("My orders"),
        admin=admin,
        menu="orders",
        wide=True,
        orders=listed.orders,
        headings=words.order_headings(listed.time_zone),
        words=words.ORDER_VALUES,
        promotions=[
            ("", gettext("Any promotion")),
            *((p, f"{p} {listed.promotion_names[p]}" if p in listed.promotion_names else p) for p in listed.promotions),
        ],
        values=raw,
        errors=errors,
        filtered=wanted.active,
        filter_fields=[(name, value) for name, value in raw.items() if value and not errors],
        time_zone=listed.time_zone,
    )


@router.get("/admin/orders/export")
@guarded(ADMIN)
async def export(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    """A filter that does not hold leads back to the list, which says why; an unknown format is CSV."""
    raw = {name: request.query_params.get(name) or None for name in FILTER_FORM.fields}
    try:
        wanted = OrderFilter.model_validate(raw)
    except ValidationError:
        return redirect("/admin/orders", {name: value for name, value in raw.items() if value is not None})
    ids = [int(value) for value in request.query_params.getlist("id") if value.isdigit()]
    listed = await orders.query(sessions, admin.account_no, wanted, ids)
    file_format: orders.ExportFormat = "xlsx" if request.query_params.get("format") == "xlsx" else "csv"
    return attachment(orders.export(listed, admin.account_no, file_format, words.export_wording(listed.time_zone)))
