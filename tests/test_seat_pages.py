"""The seat portal's pages (seed 002) as a billing admin sees them without JavaScript: Subscriptions → Add seats
(New Seat Qty) → the quote → payment details → the service order → placed, then completed with the receipt mail,
or failed with the gateway's reason; refusals next to their fields; a declined, replaced or foreign quote."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from fastapi import FastAPI

from starter.mail_sink import MailSink
from starter.settings import Settings
from store import SessionFactory
from tests.admin_support import browser, mails_to, ready_admin
from tests.seat_portal_support import CART, PAYMENT, SeatAccount, form_action, seat_account, text_of
from tests.support import eventually

DECLINE_CARD = "4000 0000 0000 0002"


async def save_cart(admin: httpx.AsyncClient, seats: str = "5") -> tuple[str, httpx.Response]:
    """Add seats → New Seat Qty → Save cart & review: (the order number, the answer)."""
    action = form_action((await admin.get("/admin/seat-orders/new")).text)
    order_no = action.split("/")[3]
    return order_no, await admin.post(action, data={CART: seats})


async def to_service_order(admin: httpx.AsyncClient, card: str = PAYMENT["card_number"]) -> str:
    order_no, saved = await save_cart(admin)
    assert saved.status_code == 303 and saved.headers["location"] == f"/admin/seat-orders/{order_no}/quote"
    accepted = await admin.post(f"/admin/seat-orders/{order_no}/accept")
    assert accepted.headers["location"] == f"/admin/seat-orders/{order_no}/payment"
    paid = await admin.post(f"/admin/seat-orders/{order_no}/payment", data=PAYMENT | {"card_number": card})
    assert paid.status_code == 303, text_of(paid.text)
    assert paid.headers["location"] == f"/admin/seat-orders/{order_no}/service-order"
    return order_no


async def result(admin: httpx.AsyncClient, order_no: str, title: str) -> str:
    """The order's page once it shows ``title`` (processing happens in real time, on the worker)."""

    async def shown() -> str | None:
        page = text_of((await admin.get(f"/admin/seat-orders/{order_no}")).text)
        return page if title in page else None

    return await eventually(shown, what=f"'{title}' on the order page")


async def test_add_seats_from_subscriptions_to_the_receipt(
    admin: httpx.AsyncClient, account: SeatAccount, mail_sink: MailSink
) -> None:
    assert 'href="/admin/subscriptions"' in (await admin.get("/admin")).text
    listed = await admin.get("/admin/subscriptions")
    text = text_of(listed.text)
    renewal = account.renewal.isoformat()
    assert f"GoTo Meeting Enterprise 3 0 240.00 EUR {renewal} Yes" in text
    assert "GoTo Connect Standard 4 0 300.00 EUR" in text and "No: contact Corporate Account Services" in text
    assert 'href="/admin/seat-orders/new">Add seats</a>' in listed.text and "No seat orders yet." in text

    new = await admin.get("/admin/seat-orders/new")
    assert "New Seat Qty for GoTo Webinar Standard" in text_of(new.text)
    assert "GoTo Connect does not support seat additions here. Please contact Corporate Account Services." in new.text

    order_no, saved = await save_cart(admin)
    quote = text_of((await admin.get(saved.headers["location"])).text)
    assert f"Quote {order_no}: check that it is right. It is valid until" in quote
    assert "GoTo Meeting Enterprise 5 240.00 EUR 73 240.00 EUR" in quote
    assert "Subtotal 240.00 EUR Tax (22%) 52.80 EUR Total 292.80 EUR" in quote

    assert (await admin.post(f"/admin/seat-orders/{order_no}/accept")).status_code == 303
    payment = await admin.get(f"/admin/seat-orders/{order_no}/payment")
    assert f'value="{account.admin_email}"' in payment.text
    assert "There is no card on file: enter a credit or debit card." in payment.text
    paid = await admin.post(f"/admin/seat-orders/{order_no}/payment", data=PAYMENT)
    assert paid.headers["location"] == f"/admin/seat-orders/{order_no}/service-order"

    service_order = text_of((await admin.get(paid.headers["location"])).text)
    assert "Admin contact Mei Chen (mei.chen@yitong.example) Payment method Visa ending 4242" in service_order
    assert "Billing address Yitong, 88 Century Avenue, 200120 Shanghai, CN" in service_order
    assert f"Receipt to {account.billing_email}" in service_order
    assert "增值税 (6%) 14.40 EUR Total 254.40 EUR" in service_order  # billed in China: its VAT, not the 22%
    assert "4242 4242 4242 4242" not in service_order

    placed = await admin.post(f"/admin/seat-orders/{order_no}/place")
    assert placed.headers["location"] == f"/admin/seat-orders/{order_no}"
    again = await admin.post(f"/admin/seat-orders/{order_no}/place")  # a second click
    assert again.status_code == 409
    assert "This service order has already been placed; nothing was changed." in again.text

    done = await result(admin, order_no, "Your seats have been added")
    assert (
        f"Service order {order_no} is complete: 5 GoTo Meeting Enterprise seats added. 254.40 EUR was charged to "
        f"the Visa card ending 4242. A confirmation e-mail with the receipt is on its way to the billing contact, "
        f"{account.billing_email}." in done
    )
    [receipt] = await mails_to(mail_sink, account.billing_email, subject=f"Receipt for your seat order {order_no}")
    assert "Total:    254.40 EUR" in receipt.text and "5 x GoTo Meeting Enterprise" in receipt.text
    german = text_of((await admin.get(f"/admin/seat-orders/{order_no}", headers={"Accept-Language": "de"})).text)
    assert "254,40 € wurden der Visa-Karte mit den Endziffern 4242 belastet." in german
    history = german[german.index("Auftragsverlauf") :]
    assert "Chinesische Zeit · angeboten" in history and "Chinesische Zeit · abgeschlossen" in history
    assert "quoted:" not in history  # the account's zone and words, not the operators' English notes

    after = text_of((await admin.get("/admin/subscriptions")).text)
    assert f"GoTo Meeting Enterprise 8 1 240.00 EUR {renewal} Yes" in after  # the admin contact holds one
    assert f"{order_no} completed 254.40 EUR" in after
    on_file = await admin.get(f"/admin/seat-orders/{order_no}/payment")  # a finished order has no payment page
    assert on_file.headers["location"] == f"/admin/seat-orders/{order_no}"


async def test_a_declined_card_shows_the_gateway_reason(
    admin: httpx.AsyncClient, account: SeatAccount, mail_sink: MailSink
) -> None:
    order_no = await to_service_order(admin, card=DECLINE_CARD)
    assert "Visa ending 0002" in text_of((await admin.get(f"/admin/seat-orders/{order_no}/service-order")).text)
    assert (await admin.post(f"/admin/seat-orders/{order_no}/place")).status_code == 303

    failed = await result(admin, order_no, "Your service order could not be completed")
    assert (
        "The card was declined: insufficient funds. No seats were added and nothing was charged. The billing "
        f"contact, {account.billing_email}, has been told." in failed
    )
    await mails_to(mail_sink, account.billing_email, subject=f"Seat order {order_no} could not be processed")
    assert "GoTo Meeting Enterprise 3 0" in text_of((await admin.get("/admin/subscriptions")).text)


async def test_refusals_are_shown_next_to_their_fields(admin: httpx.AsyncClient) -> None:
    action = form_action((await admin.get("/admin/seat-orders/new")).text)
    order_no = action.split("/")[3]
    error = f'id="{CART}-error">'
    for wrong in ("0", "-3", "two", "1.5"):
        refused = await admin.post(action, data={CART: wrong})
        assert refused.status_code == 422
        assert error + "Enter a whole number of seats, 1 or more." in refused.text
        assert f'value="{wrong}"' in refused.text and 'aria-invalid="true"' in refused.text
    empty = await admin.post(action, data={CART: " "})
    assert empty.status_code == 422 and "Enter the New Seat Qty of at least one product." in empty.text

    # the workflow's own rule (its Update validator), next to the same field
    too_many = await admin.post(action, data={CART: "501"})
    assert too_many.status_code == 422
    assert (
        error + "At most 500 seats can be added at once; for more, contact Corporate Account Services." in too_many.text
    )
    fixed = await admin.post(action, data={CART: "5"})  # the same order, now with a right quantity
    assert fixed.headers["location"] == f"/admin/seat-orders/{order_no}/quote"
    await admin.post(f"/admin/seat-orders/{order_no}/accept")

    pay = f"/admin/seat-orders/{order_no}/payment"
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"card_number": "1234 5678"}, "card_number", "This is not a valid card number."),
        ({"card_expiry": "01/2020"}, "card_expiry", "This card has expired."),
        ({"card_number": ""}, "card_number", "Enter the card number."),
        ({"payment_method": "file"}, "payment_method", "There is no card on file: enter a credit or debit card."),
        ({"first_name": " "}, "first_name", "Please fill in this field."),
        ({"email": "mei"}, "email", "Enter an e-mail address such as name@company.com."),
        ({"country": "Germany"}, "country", "Enter the two-letter country code, such as DE, CN or US."),
    ]
    for change, field, message in cases:
        refused = await admin.post(pay, data=PAYMENT | change)
        assert refused.status_code == 422, change
        assert f'id="{field}-error">{message}' in refused.text
        assert "4242 4242 4242 4242" not in refused.text  # a card number is never sent back
    assert (await admin.post(pay, data=PAYMENT)).status_code == 303

    # back to the payment details: the card just entered is now the card on file, and can be chosen without a number
    again = await admin.get(pay)
    assert 'value="file" checked' in again.text and "Card on file: Visa ending 4242" in again.text
    on_file = await admin.post(pay, data=PAYMENT | {"payment_method": "file", "card_number": ""})
    assert on_file.headers["location"] == f"/admin/seat-orders/{order_no}/service-order"
    assert "Payment method Visa ending 4242" in text_of((await admin.get(on_file.headers["location"])).text)


async def test_accounts_that_cannot_add_seats_are_told_why(
    app: FastAPI, workflow_db: tuple[str, SessionFactory], settings: Settings, today: date
) -> None:
    cases = [
        ({"payment_method": "invoice"}, "Adding seats needs an automatic payment method (credit or debit card)"),
        ({"self_service": False}, "This account cannot add seats itself: its products need additional support."),
    ]
    for changes, sentence in cases:
        account = await seat_account(workflow_db[1], settings, today, **changes)
        async with browser(app) as http:
            await ready_admin(http, account)
            listed = await http.get("/admin/subscriptions")
            assert sentence in listed.text and 'href="/admin/seat-orders/new"' not in listed.text
            refused = await http.get("/admin/seat-orders/new")
            assert refused.status_code == 409
            assert sentence in refused.text and "Corporate Account Services" in refused.text


async def test_a_declined_quote_cannot_be_paid(admin: httpx.AsyncClient) -> None:
    order_no, _ = await save_cart(admin, "2")
    declined = await admin.post(f"/admin/seat-orders/{order_no}/decline", data={"reason": "too early"})
    assert declined.headers["location"] == f"/admin/seat-orders/{order_no}"
    page = text_of((await admin.get(declined.headers["location"])).text)
    assert f"You declined the quote Quote {order_no} was declined: nothing was ordered or charged." in page

    late = await admin.post(f"/admin/seat-orders/{order_no}/accept")  # an old tab
    assert late.status_code == 409
    assert (
        "This quote was declined, so it can no longer be accepted or paid. Add seats again for a new quote."
        in late.text
    )
    assert f"{order_no} declined" in text_of((await admin.get("/admin/subscriptions")).text)
    back = await admin.get(f"/admin/seat-orders/{order_no}/quote")
    assert back.headers["location"] == f"/admin/seat-orders/{order_no}"


async def test_a_newer_quote_replaces_the_open_one(
    app: FastAPI,
    admin: httpx.AsyncClient,
    workflow_db: tuple[str, SessionFactory],
    settings: Settings,
    today: date,
) -> None:
    first, _ = await save_cart(admin, "1")
    listed = text_of((await admin.get("/admin/subscriptions")).text)
    assert f"Quote {first} is open. Accept or decline it in Quotes before you add seats again" in listed
    warned = text_of((await admin.get("/admin/seat-orders/new")).text)
    assert f"Quote Q-{first}-1 (total 58.56 EUR) is still open: when you save this cart, it is superseded" in warned

    second, _ = await save_cart(admin, "2")
    replaced = await result(admin, first, "This quote was replaced")
    assert f"A newer order ({second}) replaced this quote." in replaced
    stale = await admin.post(f"/admin/seat-orders/{first}/accept")
    assert stale.status_code == 409
    assert f"This quote is no longer valid. A newer order ({second}) replaced this quote." in stale.text
    german = await admin.get(f"/admin/seat-orders/{first}", headers={"Accept-Language": "de"})
    assert f"Eine neuere Bestellung ({second}) hat dieses Angebot ersetzt." in text_of(german.text)

    other = await seat_account(workflow_db[1], settings, today)
    async with browser(app) as stranger:
        await ready_admin(stranger, other)
        assert (await stranger.get(f"/admin/seat-orders/{second}/quote")).status_code == 404
        assert (await stranger.post(f"/admin/seat-orders/{second}/accept")).status_code == 404
    async with browser(app) as nobody:
        login = await nobody.get(f"/admin/seat-orders/{second}/quote")
        assert login.status_code == 303 and login.headers["location"].startswith("/admin/login?next=")
