"""The seat portal (seed 002) as pages of the admin portal, in its look and without JavaScript:

    /admin/subscriptions (products, seats, renewal dates, seat orders) → Add seats: /admin/seat-orders/new
    (New Seat Qty per product) → Save cart & review → …/<no>/quote (Proceed to payment | Decline quote)
    → …/<no>/payment (admin contact, card on file or a new card, billing address) → Save and continue
    → …/<no>/service-order → Place service order → …/<no> (processing, then completed / failed / …)

Each step is an Update of the order's SeatOrderWorkflow (`starter.services.seat_orders.step`). Every form POSTs and is
answered with a redirect; a refusal shows the page again with the reason next to its field, and a step the order
has moved past (declined, expired, superseded, placed) gets a sentence saying so. A new card is tokenised here by the
gateway adapter: only the token reaches the workflow.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from temporalio.client import Client

from models.refusals import Refusal
from models.seat_order import (
    OPEN_QUOTE,
    AcceptQuote,
    AdminContact,
    BillingAddress,
    DeclineQuote,
    PaymentDetails,
    PlaceOrder,
    Quote,
    ReviewCart,
    SeatOrderInput,
    SeatOrderState,
    SeatOrderStatus,
    SetQuantities,
)
from starter.errors import NotFound, OnrampError
from starter.services import admin_auth as auth
from starter.services import seat_orders
from starter.services import seat_portal as seats
from starter.web.deps import temporal_client
from starter.web.enterprise.pages import field_errors, first, guarded, read_form, redirect, render
from starter.web.portals import ADMIN
from store import SessionFactory
from store.cards import CardRefused, tokenize

ORDER_NO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{2,39}$")
CONTACT_FIELDS = ("first_name", "last_name", "email")
ADDRESS_FIELDS = ("company", "street", "city", "postal_code", "country")
PAYMENT_FIELDS = (*CONTACT_FIELDS, "payment_method", "card_expiry", *ADDRESS_FIELDS)
REFRESH_SECONDS = 3
MENU = "subscriptions"


def _sessions(request: Request) -> SessionFactory:
    factory: SessionFactory = request.app.state.sessions
    return factory


async def _client(request: Request) -> Client:
    return await temporal_client(request)


async def _admin(request: Request) -> auth.Admin:
    admin = await auth.current(_sessions(request), request.cookies.get(auth.COOKIE))
    if admin is None:
        raise auth.NotLoggedIn()
    if admin.must_change_password:
        raise auth.PasswordChangeRequired()
    return admin


async def _find(request: Request, admin: auth.Admin, order_no: str) -> SeatOrderState | None:
    """The admin's own order, or None when it was never started; another account's order does not exist."""
    if not ORDER_NO.match(order_no):
        raise NotFound(f"No seat order {order_no[:40]}.", type=Refusal.NOT_FOUND)
    try:
        state = await seat_orders.status(await _client(request), order_no)
    except NotFound:
        return None
    if state.account_no != admin.account_no:
        raise NotFound(f"No seat order {order_no}.", type=Refusal.NOT_FOUND)
    return state


async def _order(request: Request, admin: auth.Admin, order_no: str) -> SeatOrderState:
    state = await _find(request, admin, order_no)
    if state is None:
        raise NotFound(f"No seat order {order_no}.", type=Refusal.NOT_FOUND)
    return state


async def _step(request: Request, order_no: str, update: str, body: Any) -> Any:
    result = Quote if update == "review" else SeatOrderState
    return await seat_orders.step(await _client(request), order_no, update, body, result)


async def _result_page(
    request: Request, admin: auth.Admin, state: SeatOrderState, status: int = 200, error: str | None = None
) -> HTMLResponse:
    account = await seats.billing_account(_sessions(request), admin.account_no)
    found = seats.outcome(state, account.billing_contact_email)
    return render(
        "seats_order.html",
        status,
        title=found.title,
        admin=admin,
        menu=MENU,
        wide=True,
        order=state,
        outcome=found,
        refresh_seconds=REFRESH_SECONDS,
        error=error,
    )


async def _moved_on(request: Request, admin: auth.Admin, order_no: str) -> Response:
    """A step the order no longer allows (a 409): where it is now, or a sentence saying why not."""
    state = await _order(request, admin, order_no)
    if seats.still_open(state):
        return redirect(seats.step_path(state))
    return await _result_page(request, admin, state, 409, seats.refused_step(state))


def install(app: FastAPI) -> None:
    # ------------------------------------------------------------------ subscriptions

    @app.get("/admin/subscriptions", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def subscriptions_page(request: Request) -> Response:
        admin = await _admin(request)
        account = await seats.billing_account(_sessions(request), admin.account_no)
        return render(
            "seats_subscriptions.html",
            title="Subscriptions",
            admin=admin,
            menu=MENU,
            wide=True,
            account=account,
            rows=await seats.subscriptions(_sessions(request), admin.account_no),
            orders=await seats.seat_orders(_sessions(request), admin.account_no),
        )

    # ------------------------------------------------------------------ New Seat Qty → save cart & review

    async def cart_form(
        request: Request,
        admin: auth.Admin,
        order_no: str,
        values: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        error: str | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        account = await seats.billing_account(_sessions(request), admin.account_no)
        rows = await seats.subscriptions(_sessions(request), admin.account_no)
        if account.refusal:
            return ADMIN.message(
                "Seats cannot be added",
                account.refusal,
                409,
                link=("/admin/subscriptions", "Back to Subscriptions"),
                admin=admin,
                menu=MENU,
            )
        return render(
            "seats_cart.html",
            status,
            title="Add seats",
            admin=admin,
            menu=MENU,
            wide=True,
            account=account,
            rows=rows,
            order_no=order_no,
            values=values or {},
            errors=errors or {},
            error=error,
        )

    @app.get("/admin/seat-orders/new", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def new_order_page(request: Request) -> Response:
        return await cart_form(request, await _admin(request), seat_orders.new_order_no())

    @app.get("/admin/seat-orders/{order_no}/seats", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def cart_page(order_no: str, request: Request) -> Response:
        admin = await _admin(request)
        state = await _order(request, admin, order_no)
        if not seats.still_open(state):
            return redirect(seats.step_path(state))
        rows = await seats.subscriptions(_sessions(request), admin.account_no)
        chosen = {(line.product, line.edition): str(line.new_seats) for line in state.cart}
        values = {row.key: chosen[(row.product, row.edition)] for row in rows if (row.product, row.edition) in chosen}
        return await cart_form(request, admin, order_no, values)

    @app.post("/admin/seat-orders/{order_no}/seats", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def save_cart(order_no: str, request: Request) -> Response:
        admin = await _admin(request)
        existing = await _find(request, admin, order_no)
        rows = await seats.subscriptions(_sessions(request), admin.account_no)
        form = first(await read_form(request))
        values = {row.key: form.get(row.key, "") for row in rows if row.supported}
        lines, keys, errors = seats.quantities(rows, values)
        if errors or not lines:
            missing = None if errors else "Enter the New Seat Qty of at least one product."
            return await cart_form(request, admin, order_no, values, errors, missing, 422)
        if existing is None:
            order = SeatOrderInput(order_no=order_no, account_no=admin.account_no, requested_by=admin.email)
            try:
                await seat_orders.start(await _client(request), request.app.state.settings, _sessions(request), order)
            except NotFound:
                raise
            except OnrampError as err:  # not self-service, no automatic payment method
                return await cart_form(request, admin, order_no, values, error=err.message, status=err.http_status)
        elif not seats.still_open(existing):
            return await _result_page(request, admin, existing, 409, seats.refused_step(existing))
        try:
            await _step(request, order_no, "set_quantities", SetQuantities(lines=lines))
            await _step(request, order_no, "review", ReviewCart())
        except NotFound:
            raise
        except OnrampError as err:
            field = seats.line_field(err.field, keys)
            if field is not None:
                return await cart_form(request, admin, order_no, values, {field: err.message}, status=err.http_status)
            if err.http_status == 409:
                return await _moved_on(request, admin, order_no)
            return await cart_form(request, admin, order_no, values, error=err.message, status=err.http_status)
        return redirect(f"/admin/seat-orders/{order_no}/quote")

    # ------------------------------------------------------------------ the quote: proceed to payment, or decline

    async def quote_page(
        request: Request,
        admin: auth.Admin,
        state: SeatOrderState,
        values: dict[str, str] | None = None,
        errors: dict[str, str] | None = None,
        status: int = 200,
    ) -> Response:
        if state.status not in OPEN_QUOTE or state.quote is None:
            return redirect(seats.step_path(state))
        return render(
            "seats_quote.html",
            status,
            title="Your quote",
            admin=admin,
            menu=MENU,
            wide=True,
            order=state,
            quote=state.quote,
            accepted=state.status is not SeatOrderStatus.QUOTED,
            values=values or {},
            errors=errors or {},
        )

    @app.get("/admin/seat-orders/{order_no}/quote", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def show_quote(order_no: str, request: Request) -> Response:
        admin = await _admin(request)
        return await quote_page(request, admin, await _order(request, admin, order_no))

    @app.post("/admin/seat-orders/{order_no}/accept", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def accept(order_no: str, request: Request) -> Response:
        admin = await _admin(request)
        await _order(request, admin, order_no)
        try:
            await _step(request, order_no, "accept", AcceptQuote())
        except NotFound:
            raise
        except OnrampError:
            return await _moved_on(request, admin, order_no)
        return redirect(f"/admin/seat-orders/{order_no}/payment")

    @app.post("/admin/seat-orders/{order_no}/decline", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def decline(order_no: str, request: Request) -> Response:
        admin = await _admin(request)
        state = await _order(request, admin, order_no)
        reason = first(await read_form(request)).get("reason", "").strip()
        try:
            body = DeclineQuote(reason=reason or None)
        except ValidationError:
            error = {"reason": "Keep the reason to 300 characters or fewer."}
            return await quote_page(request, admin, state, {"reason": reason}, error, 422)
        try:
            await _step(request, order_no, "decline", body)
        except NotFound:
            raise
        except OnrampError:
            return await _moved_on(request, admin, order_no)
        return redirect(f"/admin/seat-orders/{order_no}")

    # ------------------------------------------------------------------ payment details → save and continue

    async def payment_form(
        request: Request,
        admin: auth.Admin,
        state: SeatOrderState,
        values: dict[str, str],
        errors: dict[str, str] | None = None,
        error: str | None = None,
        status: int = 200,
    ) -> Response:
        if state.status not in (SeatOrderStatus.PAYMENT, SeatOrderStatus.SERVICE_ORDER):
            return redirect(seats.step_path(state))
        account = await seats.billing_account(_sessions(request), admin.account_no)
        values.setdefault("payment_method", "file" if account.card else "new")
        values.pop("card_number", None)  # a card number is never sent back to the browser
        return render(
            "seats_payment.html",
            status,
            title="Payment details",
            admin=admin,
            menu=MENU,
            wide=True,
            order=state,
            card_on_file=account.card,
            values=values,
            errors=errors or {},
            error=error,
        )

    @app.get("/admin/seat-orders/{order_no}/payment", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def payment_page(order_no: str, request: Request) -> Response:
        admin = await _admin(request)
        state = await _order(request, admin, order_no)
        account = await seats.billing_account(_sessions(request), admin.account_no)
        return await payment_form(request, admin, state, _payment_values(state, account, admin))

    @app.post("/admin/seat-orders/{order_no}/payment", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def save_payment(order_no: str, request: Request) -> Response:
        admin = await _admin(request)
        state = await _order(request, admin, order_no)
        form = first(await read_form(request))
        values = {name: form.get(name, "").strip() for name in PAYMENT_FIELDS}
        number = form.get("card_number", "")
        account = await seats.billing_account(_sessions(request), admin.account_no)
        contact, address, errors = _contact_and_address(values)
        method = values["payment_method"]
        if method == "file" and not account.card:
            errors["payment_method"] = "There is no card on file: enter a credit or debit card."
        elif method not in ("file", "new"):
            errors["payment_method"] = "Choose how to pay: the card on file or a new card."
        elif method == "new" and not number.strip():
            errors["card_number"] = "Enter the card number."
        elif method == "new" and not values["card_expiry"]:
            errors["card_expiry"] = "Enter the expiry as MM/YYYY."
        if errors or contact is None or address is None:
            return await payment_form(request, admin, state, values, errors, status=422)
        token = None
        if method == "new":
            try:
                card = await tokenize(
                    _sessions(request), admin.account_no, number, values["card_expiry"], datetime.now(UTC)
                )
            except CardRefused as err:
                field = "card_expiry" if "xpir" in str(err) else "card_number"
                return await payment_form(request, admin, state, values, {field: str(err)}, status=422)
            token = card.token
        details = PaymentDetails(admin_contact=contact, card_token=token, billing_address=address)
        try:
            await _step(request, order_no, "payment", details)
        except NotFound:
            raise
        except OnrampError as err:
            if err.field == "card_token":
                return await payment_form(request, admin, state, values, {"payment_method": err.message}, status=422)
            if err.http_status == 409:
                return await _moved_on(request, admin, order_no)
            return await payment_form(request, admin, state, values, error=err.message, status=err.http_status)
        return redirect(f"/admin/seat-orders/{order_no}/service-order")

    # ------------------------------------------------------------------ the service order → place it

    @app.get("/admin/seat-orders/{order_no}/service-order", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def service_order_page(order_no: str, request: Request) -> Response:
        admin = await _admin(request)
        state = await _order(request, admin, order_no)
        if state.status is not SeatOrderStatus.SERVICE_ORDER or state.billing_address is None:
            return redirect(seats.step_path(state))
        account = await seats.billing_account(_sessions(request), admin.account_no)
        a = state.billing_address
        return render(
            "seats_service_order.html",
            title="Service order",
            admin=admin,
            menu=MENU,
            wide=True,
            order=state,
            address=f"{a.company}, {a.street}, {a.postal_code} {a.city}, {a.country}",
            billing_contact=account.billing_contact_email,
        )

    @app.post("/admin/seat-orders/{order_no}/place", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def place(order_no: str, request: Request) -> Response:
        admin = await _admin(request)
        await _order(request, admin, order_no)
        try:
            await _step(request, order_no, "place", PlaceOrder())
        except NotFound:
            raise
        except OnrampError:
            return await _moved_on(request, admin, order_no)
        return redirect(f"/admin/seat-orders/{order_no}")

    # ------------------------------------------------------------------ the order: processing, then its result

    @app.get("/admin/seat-orders/{order_no}", response_class=HTMLResponse, include_in_schema=False)
    @guarded
    async def order_page(order_no: str, request: Request) -> Response:
        admin = await _admin(request)
        state = await _order(request, admin, order_no)
        if seats.still_open(state):
            return redirect(seats.step_path(state))
        return await _result_page(request, admin, state)


def _payment_values(state: SeatOrderState, account: seats.BillingAccount, admin: auth.Admin) -> dict[str, str]:
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


def _contact_and_address(
    values: dict[str, str],
) -> tuple[AdminContact | None, BillingAddress | None, dict[str, str]]:
    errors: dict[str, str] = {}
    contact = address = None
    try:
        contact = AdminContact.model_validate({name: values[name] for name in CONTACT_FIELDS})
    except ValidationError as err:
        errors.update(field_errors(err, CONTACT_FIELDS)[0])
    try:
        address = BillingAddress.model_validate({name: values[name] for name in ADDRESS_FIELDS})
    except ValidationError as err:
        errors.update(field_errors(err, ADDRESS_FIELDS)[0])
        if "country" in errors and values["country"]:
            errors["country"] = "Enter the two-letter country code, such as DE, CN or US."
    return contact, address, errors
