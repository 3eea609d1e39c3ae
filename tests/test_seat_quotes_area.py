"""Subscriptions → Quotes (seed 002's Angebote) and Subscriptions → Payment method, as a billing admin uses them:
every quote with its state, number, total and expiry, accepted or declined in place; a new cart that names the
quote it will supersede; an account paying by invoice that adds a card, switches to automatic payment, orders seats,
and switches back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

import httpx
from fastapi import FastAPI

from starter.settings import Settings
from store import SessionFactory
from store.tables import Account
from tests.admin_support import browser, ready_admin
from tests.seat_portal_support import CART, PAYMENT, SeatAccount, form_action, seat_account, text_of
from tests.support import eventually


@asynccontextmanager
async def signed_in(app: FastAPI, account: SeatAccount) -> AsyncIterator[httpx.AsyncClient]:
    async with browser(app) as http:
        await ready_admin(http, account)
        yield http


async def save_cart(admin: httpx.AsyncClient, seats: str) -> str:
    action = form_action((await admin.get("/admin/seat-orders/new")).text)
    saved = await admin.post(action, data={CART: seats})
    assert saved.status_code == 303, text_of(saved.text)
    return action.split("/")[3]


async def quotes(admin: httpx.AsyncClient, account: SeatAccount) -> list[dict[str, object]]:
    answer = await admin.get(f"/api/accounts/{account.account_no}/quotes")
    assert answer.status_code == 200, answer.text
    return list(answer.json())


async def test_the_quotes_area_lists_every_quote_and_accepts_or_declines_the_open_one(
    admin: httpx.AsyncClient, account: SeatAccount
) -> None:
    assert "No quotes yet." in text_of((await admin.get("/admin/quotes")).text)
    first = await save_cart(admin, "1")  # 48.00 + 22% tax: 58.56
    subscriptions = await admin.get("/admin/subscriptions")
    assert 'href="/admin/quotes"' in subscriptions.text
    warned = text_of((await admin.get("/admin/seat-orders/new")).text)
    assert f"Quote Q-{first}-1 (total 58.56 EUR) is still open: when you save this cart, it is superseded" in warned

    second = await save_cart(admin, "2")  # 96.00 + 21.12 = 117.12; the first quote is superseded

    async def superseded() -> list[dict[str, object]] | None:
        listed = await quotes(admin, account)
        return listed if [q["state"] for q in listed] == ["open", "superseded"] else None

    listed = await eventually(superseded, what="the first quote superseded")
    assert [(q["number"], q["total"], q["acceptable"]) for q in listed] == [
        (f"Q-{second}-1", "117.12", True),
        (f"Q-{first}-1", "58.56", False),
    ]
    page = text_of((await admin.get("/admin/quotes")).text)
    assert f"Q-{second}-1 open 117.12 EUR" in page and f"Q-{first}-1 superseded 58.56 EUR" in page

    accepted = await admin.post(f"/admin/seat-orders/{second}/accept")  # the Quotes area's Accept button
    assert accepted.headers["location"] == f"/admin/seat-orders/{second}/payment"
    page = await admin.get("/admin/quotes")
    assert f"Q-{second}-1 accepted" in text_of(page.text)
    assert f'href="/admin/seat-orders/{second}/payment">Continue to payment' in page.text

    declined = await admin.post(f"/admin/seat-orders/{second}/decline", data={"back": "quotes"})
    assert declined.headers["location"] == "/admin/quotes"
    assert [q["state"] for q in await quotes(admin, account)] == ["declined", "superseded"]
    assert "Decline quote" not in (await admin.get("/admin/quotes")).text  # nothing left to decide


async def test_another_accounts_quotes_are_not_found(
    app: FastAPI, account: SeatAccount, workflow_db: tuple[str, SessionFactory], settings: Settings, today: date
) -> None:
    other = await seat_account(workflow_db[1], settings, today)
    async with signed_in(app, other) as stranger:
        assert (await stranger.get(f"/api/accounts/{account.account_no}/quotes")).status_code == 404


async def test_an_invoice_account_adds_a_card_switches_to_automatic_payment_orders_and_switches_back(
    app: FastAPI, workflow_db: tuple[str, SessionFactory], settings: Settings, today: date
) -> None:
    account = await seat_account(workflow_db[1], settings, today, payment_method="invoice")
    async with signed_in(app, account) as admin:
        listed = text_of((await admin.get("/admin/subscriptions")).text)
        assert "Adding seats needs an automatic payment method" in listed and "Payment method: invoice." in listed
        assert (await admin.get("/admin/seat-orders/new")).status_code == 409

        page = text_of((await admin.get("/admin/payment-method")).text)
        assert "The account pays by invoice." in page
        refused = await admin.post(
            "/admin/payment-method", data={"method": "card", "card": "new", "card_number": "4242 4242 4242 4241"}
        )
        assert refused.status_code == 422 and "This is not a valid card number." in refused.text
        assert "4242 4242 4242 4241" not in refused.text
        switched = await admin.post(
            "/admin/payment-method",
            data={"method": "card", "card": "new", "card_number": "4242 4242 4242 4242", "card_expiry": "12/2030"},
        )
        assert switched.headers["location"] == "/admin/payment-method?done=card"
        done = text_of((await admin.get(switched.headers["location"])).text)
        assert "The account now pays automatically by card: you can add seats yourself." in done
        assert "The account pays automatically by card: Visa ending 4242." in done

        order_no = await save_cart(admin, "5")
        assert (await admin.post(f"/admin/seat-orders/{order_no}/accept")).status_code == 303
        on_file = await admin.post(
            f"/admin/seat-orders/{order_no}/payment", data=PAYMENT | {"payment_method": "file", "card_number": ""}
        )
        assert on_file.status_code == 303, text_of(on_file.text)
        assert (await admin.post(f"/admin/seat-orders/{order_no}/place")).status_code == 303

        async def completed() -> str | None:
            state = (await admin.get(f"/api/seat-orders/{order_no}")).json()
            return str(state["status"]) if state["status"] == "completed" else None

        await eventually(completed, what="the order completed")

        api = f"/api/accounts/{account.account_no}/payment-method"
        state = (await admin.get(api)).json()
        assert state["method"] == "card" and state["card"]["last4"] == "4242" and len(state["cards"]) == 1
        back = await admin.put(api, json={"method": "invoice"})
        assert back.status_code == 200 and back.json()["method"] == "invoice"
        async with workflow_db[1]() as session:
            row = await session.get(Account, account.account_no)
            assert row is not None and row.payment_method == "invoice" and row.card_token is not None
        assert (await admin.get("/admin/seat-orders/new")).status_code == 409
        unknown = await admin.put(api, json={"method": "card", "card": "card_0000000000000000"})
        assert unknown.status_code == 422 and unknown.json()["fields"][0]["field"] == "card"
        again = await admin.put(api, json={"method": "card"})  # the card on file
        assert again.json()["method"] == "card"
