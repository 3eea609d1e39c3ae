"""Subscriptions → Payment method (seed 002): adding seats needs an automatic payment method (a credit or debit
card). An account that pays by invoice adds a card here (kept by the sandbox gateway: only its reference and last
four digits leave the database) and switches to automatic payment, which makes it eligible for self-service; it can
switch back to invoices, the card staying on file."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from models.accounts import PaymentMethod
from starter.services import admin_auth as auth
from starter.web.access import PageAdmin
from starter.web.deps import Sessions
from starter.web.forms import form_of
from starter.web.guard import guarded
from starter.web.portals import ADMIN
from starter.web.reading import gettext
from starter.web.rendering import redirect
from starter.web.said import said
from starter.web.seat_orders import words
from starter.web.seat_orders.flow import MENU
from store import SessionFactory
from store.cards import CardRefused, cards_of, pay_automatically, pay_by_invoice, tokenize

router = APIRouter(include_in_schema=False)

PAYMENT_METHOD = "/admin/payment-method"
NEW_CARD = "new"


@router.get(PAYMENT_METHOD, response_class=HTMLResponse)
@guarded(ADMIN)
async def payment_method_page(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    return await _page(sessions, admin, notice=_notice(request.query_params.get("done")))


@router.post(PAYMENT_METHOD, response_class=HTMLResponse)
@guarded(ADMIN)
async def change_payment_method(request: Request, admin: PageAdmin, sessions: Sessions) -> Response:
    """``method=invoice`` switches back; ``method=card`` pays automatically by the chosen card (``card``: a
    reference of the account's, or ``new`` with its number and expiry)."""
    form = await form_of(request)
    if form.get("method") == PaymentMethod.INVOICE.value:
        await pay_by_invoice(sessions, admin.account_no)
        return redirect(f"{PAYMENT_METHOD}?done=invoice")
    chosen = form.get("card", NEW_CARD)
    values = {"card": chosen, "card_expiry": form.get("card_expiry", "").strip()}
    try:
        if chosen == NEW_CARD:
            card = await tokenize(
                sessions, admin.account_no, form.get("card_number", ""), values["card_expiry"], datetime.now(UTC)
            )
            chosen = card.reference or ""
        await pay_automatically(sessions, admin.account_no, chosen)
    except CardRefused as err:
        field = "card_expiry" if "xpir" in err.reason.english() else "card_number"
        return await _page(sessions, admin, values, {field: said(err.reason)}, 422)
    return redirect(f"{PAYMENT_METHOD}?done=card")


def _notice(done: str | None) -> str | None:
    if done == "card":
        return gettext("The account now pays automatically by card: you can add seats yourself.")
    if done == "invoice":
        return gettext("The account now pays by invoice. To add seats here, switch back to automatic payment.")
    return None


async def _page(
    sessions: SessionFactory,
    admin: auth.Admin,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    notice: str | None = None,
) -> Response:
    method, on_file, cards = await cards_of(sessions, admin.account_no)
    values = dict(values or {})
    values.setdefault("card", on_file.reference or NEW_CARD if on_file else NEW_CARD)
    return ADMIN.render(
        "seat_orders/payment_method.html",
        status,
        title=gettext("Payment method"),
        admin=admin,
        menu=MENU,
        automatic=method == PaymentMethod.CARD.value,
        on_file=words.card(on_file.brand, on_file.last4) if on_file else None,
        cards=[(c.reference, words.card(c.brand, c.last4)) for c in cards],
        values=values,
        errors=errors or {},
        notice=notice,
    )
