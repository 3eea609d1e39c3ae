"""Seat orders in tests: an account of their own with its admin logged in, a card, the steps through the API."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx

from starter.services.accounts import demo_account
from tests.admin_support import FIRST_PASSWORD, PortalAccount, ready_admin

APPROVE, DECLINE, FLAKY = "4242 4242 4242 4242", "4000 0000 0000 0002", "4000 0000 0000 0119"
OUTAGE = "4000 0000 0000 0259"
ADMIN = {"first_name": "Mei", "last_name": "Chen", "email": "mei.chen@yitong.example"}
ADDRESS = {
    "company": "Yitong",
    "street": "88 Century Avenue",
    "city": "Shanghai",
    "postal_code": "200120",
    "country": "cn",
}


async def new_account(http: httpx.AsyncClient, today: date, **changes: Any) -> str:
    """An account made by an operator (the client's API key), whose admin this client is then logged in as: the
    seat-order API belongs to the account's own admin."""
    account_no = f"ACC-{uuid.uuid4().hex[:8]}"
    body = demo_account(today).model_dump(mode="json")
    body.update(account_no=account_no, initial_password=FIRST_PASSWORD, **changes)
    body["company"]["admin_email"] = f"admin-{account_no.lower()}@yitong.example"
    body["billing_contact_email"] = f"billing-{account_no.lower()}@yitong.example"
    body["subscriptions"][0]["renewal_date"] = (today + timedelta(days=73)).isoformat()
    response = await http.post("/api/accounts", json=body)
    assert response.status_code == 201, response.text
    await ready_admin(http, PortalAccount(account_no, body["company"]["admin_email"], body["company"]["customer_name"]))
    return account_no


async def add_card(http: httpx.AsyncClient, account_no: str, number: str = APPROVE) -> str:
    """A new card of the account, as the API answers it: its reference (the payment step's ``card``)."""
    response = await http.post(f"/api/accounts/{account_no}/cards", json={"number": number, "expiry": "12/2030"})
    assert response.status_code == 201, response.text
    return str(response.json()["reference"])


async def start(http: httpx.AsyncClient, account_no: str, **body: Any) -> dict[str, Any]:
    response = await http.post(
        f"/api/accounts/{account_no}/seat-orders", json={"requested_by": "billing@yitong.example", **body}
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def step(http: httpx.AsyncClient, order_no: str, path: str, status: int = 200, **body: Any) -> dict[str, Any]:
    response = await http.post(f"/api/seat-orders/{order_no}/{path}", json=body)
    assert response.status_code == status, f"{path}: {response.status_code} {response.text}"
    return dict(response.json())


async def up_to_service_order(
    http: httpx.AsyncClient, order_no: str, card: str | None = None, seats: int = 5
) -> dict[str, Any]:
    await step(
        http, order_no, "quantities", lines=[{"product": "GoTo Meeting", "edition": "Enterprise", "new_seats": seats}]
    )
    quote = await step(http, order_no, "review")
    await step(http, order_no, "accept")
    await step(http, order_no, "payment", admin_contact=ADMIN, card=card, billing_address=ADDRESS)
    return quote
