"""The seat order's payment details (seed 002): the admin contact, the card on file or a new card, and the billing
address; Save and continue leads to the service order. A new card is kept here by the gateway adapter, so only its
reference reaches the workflow (never its number or token), and a card number is never sent back to the browser."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from models.seat_order import SeatOrderState, SeatOrderStatus
from models.seat_order_requests import AdminContact, BillingAddress, PaymentDetails
from starter.errors import NotFound, OnrampError
from starter.services import admin_auth as auth
from starter.services import seat_portal as seats
from starter.web import params
from starter.web.access import PageAdmin
from starter.web.account_services import account_services
from starter.web.deps import Sessions, Temporal, TemporalConnection
from starter.web.forms import FormSpec, field_errors, form_of, refusal_errors
from starter.web.guard import guarded
from starter.web.portals import ADMIN
from starter.web.reading import gettext, lazy_gettext
from starter.web.rendering import redirect
from starter.web.said import said
from starter.web.seat_orders import words
from starter.web.seat_orders.flow import MENU, moved_on, order_path, own_order, run_step, step_path
from store import SessionFactory
from store.cards import CardRefused, tokenize

router = APIRouter(include_in_schema=False)

CONTACT_FIELDS = ("first_name", "last_name", "email")
ADDRESS_FIELDS = ("company", "street", "city", "postal_code", "country")
KEPT_FIELDS = (*CONTACT_FIELDS, "payment_method", "card_expiry", *ADDRESS_FIELDS)
"""What the page shows again after a refusal: everything but the card number."""
PAYMENT_FORM = FormSpec(
    fields=(*KEPT_FIELDS, "card_number"),
    choices=frozenset({"payment_method"}),
    hints={"country": lazy_gettext("Enter the two-letter country code, such as DE, CN or US.")},
    aliases={"card": "payment_method"},  # the gateway refused the card the method names
)


@router.get("/admin/seat-orders/{order_no}/payment", response_class=HTMLResponse)
@guarded(ADMIN)
async def payment_page(
    order_no: params.OrderNo, request: Request, admin: PageAdmin, sessions: Sessions, temporal: Temporal
) -> Response:
    state = await own_order(temporal, admin, order_no)
    account = await seats.billing_account(sessions, admin.account_no, account_services())
    return await _payment_page(sessions, admin, state, _first_values(state, account, admin))


@router.post("/admin/seat-orders/{order_no}/payment", response_class=HTMLResponse)
@guarded(ADMIN)
async def save_payment(
    order_no: params.OrderNo, request: Request, admin: PageAdmin, sessions: Sessions, temporal: Temporal
) -> Response:
    state = await own_order(temporal, admin, order_no)
    form = await form_of(request)
    values = {name: form.get(name, "").strip() for name in KEPT_FIELDS}
    number = form.get("card_number", "")
    account = await seats.billing_account(sessions, admin.account_no, account_services())
    contact, address, errors = _contact_and_address(values)
    errors.update(_method_errors(values, number, account))
    if errors or contact is None or address is None:
        return await _payment_page(sessions, admin, state, values, errors, status=422)
    reference = None
    if values["payment_method"] == "new":
        try:
            card = await tokenize(sessions, admin.account_no, number, values["card_expiry"], datetime.now(UTC))
        except CardRefused as err:
            field = "card_expiry" if "xpir" in str(err) else "card_number"
            return await _payment_page(sessions, admin, state, values, {field: said(err.reason)}, status=422)
        reference = card.reference
    details = PaymentDetails(admin_contact=contact, card=reference, billing_address=address)
    try:
        await run_step(temporal, order_no, "payment", details)
    except NotFound:
        raise
    except OnrampError as err:
        return await _refused(temporal, sessions, admin, state, values, err)
    return redirect(order_path(order_no, "service-order"))


async def _refused(
    temporal: TemporalConnection,
    sessions: SessionFactory,
    admin: auth.Admin,
    state: SeatOrderState,
    values: dict[str, str],
    err: OnrampError,
) -> Response:
    """The workflow's refusal: the gateway's about the card next to the method, the order having moved on (409)
    its current page, anything else on top of the form."""
    errors, top = refusal_errors(err, PAYMENT_FORM)
    if errors:
        return await _payment_page(sessions, admin, state, values, errors, status=422)
    if err.http_status == 409:
        return await moved_on(temporal, sessions, admin, state.order_no)
    return await _payment_page(sessions, admin, state, values, error=top, status=err.http_status)


async def _payment_page(
    sessions: SessionFactory,
    admin: auth.Admin,
    state: SeatOrderState,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    """Only while the order takes payment details; the card on file is the first choice when there is one."""
    if state.status not in (SeatOrderStatus.PAYMENT, SeatOrderStatus.SERVICE_ORDER):
        return redirect(step_path(state))
    account = await seats.billing_account(sessions, admin.account_no, account_services())
    values.setdefault("payment_method", "file" if account.card else "new")
    values.pop("card_number", None)  # a card number is never sent back to the browser
    return ADMIN.render(
        "seat_orders/payment.html",
        status,
        title=gettext("Payment details"),
        admin=admin,
        menu=MENU,
        wide=True,
        order=state,
        card_on_file=words.card(*account.card) if account.card else None,
        values=values,
        errors=errors or {},
        error=error,
    )


def _first_values(state: SeatOrderState, account: seats.BillingAccount, admin: auth.Admin) -> dict[str, str]:
    """What the payment form shows first: this order's details, else the account's last billing address and
    company details, and the logged-in admin's e-mail."""
    values: dict[str, str] = {"email": admin.email}
    if state.admin_contact is not None:
        values.update(state.admin_contact.model_dump(mode="json"))
    address = state.billing_address.model_dump(mode="json") if state.billing_address else account.billing_address
    if not address:
        company = account.company
        address = {"company": account.customer_name, "street": company.get("street", ""), "city": company.get("city")}
    values.update({name: str(address.get(name) or "") for name in ADDRESS_FIELDS})
    return values


def _contact_and_address(values: dict[str, str]) -> tuple[AdminContact | None, BillingAddress | None, dict[str, str]]:
    """Both parts of the form, each checked by its model, so every field's problem is shown at once."""
    errors: dict[str, str] = {}
    contact = address = None
    try:
        contact = AdminContact.model_validate({name: values[name] for name in CONTACT_FIELDS})
    except ValidationError as err:
        errors.update(field_errors(err, PAYMENT_FORM)[0])
    try:
        address = BillingAddress.model_validate({name: values[name] for name in ADDRESS_FIELDS})
    except ValidationError as err:
        errors.update(field_errors(err, PAYMENT_FORM)[0])
    return contact, address, errors


def _method_errors(values: dict[str, str], number: str, account: seats.BillingAccount) -> dict[str, str]:
    """How to pay: the card on file only when there is one; a new card needs its number and expiry."""
    method = values["payment_method"]
    if method == "file" and not account.card:
        return {"payment_method": gettext("There is no card on file: enter a credit or debit card.")}
    if method not in ("file", "new"):
        return {"payment_method": gettext("Choose how to pay: the card on file or a new card.")}
    if method == "new" and not number.strip():
        return {"card_number": gettext("Enter the card number.")}
    if method == "new" and not values["card_expiry"]:
        return {"card_expiry": gettext("Enter the expiry as MM/YYYY.")}
    return {}
