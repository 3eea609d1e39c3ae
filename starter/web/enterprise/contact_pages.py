"""/admin/contact: the admin writes to Corporate Account Services (a subject, a message, optionally one of the
account's seat orders). The footer of every portal page links here, and the seat order pages with ``?order=<no>``,
which chooses that order. Sending answers with a redirect to this page and its confirmation (Post/Redirect/Get: a
reload sends nothing twice); a refusal shows the form again, the reason next to its field, the text kept."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from models.account_services_message import ServicesMessage
from starter.services import account_services_contact as contact_service
from starter.services import admin_auth as auth
from starter.web.access import PageAdmin
from starter.web.account_services import account_services
from starter.web.deps import AppSettings, Sessions
from starter.web.enterprise.contact import PATH, confirmation, send
from starter.web.forms import FormSpec, form_of, submit
from starter.web.guard import guarded
from starter.web.portals import ADMIN
from starter.web.reading import gettext
from starter.web.rendering import money, redirect
from starter.web.vocabulary import seat_status
from store import SessionFactory

router = APIRouter(include_in_schema=False)

FORM = FormSpec(fields=("subject", "message", "order_no"), choices=frozenset({"order_no"}))
SENT = "sent"
"""The query of the page after a message went out: it shows the confirmation."""


@router.get(PATH, response_class=HTMLResponse)
@guarded(ADMIN)
async def contact_page(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    """``?order=<no>`` chooses that order when it is one of the account's; anything else chooses none."""
    notice = confirmation(str(account_services().email), admin.email) if SENT in request.query_params else None
    wanted = request.query_params.get("order", "")[:40]
    return await _page(sessions, admin, {"order_no": wanted}, notice=notice)


@router.post(PATH, response_class=HTMLResponse)
@guarded(ADMIN)
async def write(request: Request, admin: PageAdmin, sessions: Sessions, settings: AppSettings) -> Response:
    form = await form_of(request)
    values = {name: form.get(name, "") for name in FORM.fields}
    sent = await submit(
        FORM,
        lambda: ServicesMessage.model_validate(values),
        lambda wanted: send(request, sessions, settings, admin, wanted),
        lambda errors, top, status: _page(sessions, admin, values, errors, top, status),
    )
    if isinstance(sent, Response):
        return sent
    return redirect(PATH, {SENT: "1"})


async def _page(
    sessions: SessionFactory,
    admin: auth.Admin,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
    notice: str | None = None,
) -> HTMLResponse:
    orders = await contact_service.order_choices(sessions, admin.account_no)
    choices = [("", gettext("No order: a general question"))] + [
        (
            row.order_no,
            " · ".join(
                [row.order_no, seat_status(row.status)]
                + ([money(row.total, row.currency)] if row.total is not None else [])
            ),
        )
        for row in orders
    ]
    if values.get("order_no") not in {value for value, _ in choices}:
        values = {**values, "order_no": ""}
    chosen = values.get("order_no") or None
    return ADMIN.render(
        "enterprise/contact.html",
        status,
        title=gettext("Write to Corporate Account Services"),
        admin=admin,
        menu="contact",
        values=values,
        errors=errors or {},
        error=error,
        notice=notice,
        orders=choices,
        services=account_services(),
        back=f"/admin/seat-orders/{chosen}" if chosen else "/admin",
    )
