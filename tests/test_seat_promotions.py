"""Promotions and tax as the seeds show them: an operator adds a promotion code (`onramp promotion add`), a billing
admin enters it at the cart (seed 002), the quote takes its discount off the products it covers, the billing
address's country decides the tax (its rate and its name: 增值税, MwSt), and the account's order list (seed 000)
shows the promotion in its row, its filter and its export (each line's availability: tests/test_seat_store.py)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from pydantic import ValidationError

from models.accounts import Product
from models.promotions import NewPromotion
from store import SessionFactory, tax_rates
from store import promotions as store
from tests.admin_support import uid
from tests.seat_portal_support import CART, PAYMENT, SeatAccount, form_action, text_of
from tests.support import eventually
from tests.test_admin_cli import onramp


async def promotion(
    sessions: SessionFactory, today: date, percent: str = "10", days: tuple[int, int] = (-1, 30), **more: object
) -> str:
    code = f"SPRING{uid()[:6]}".upper()
    new = NewPromotion.model_validate(
        {
            "code": code,
            "name": "Spring sale",
            "percent_off": percent,
            "valid_from": today + timedelta(days=days[0]),
            "valid_until": today + timedelta(days=days[1]),
            **more,
        }
    )
    async with sessions.begin() as session:
        await store.add(session, new, datetime.now(UTC))
    return code


async def save_cart(admin: httpx.AsyncClient, code: str, seats: str = "5") -> tuple[str, httpx.Response]:
    action = form_action((await admin.get("/admin/seat-orders/new")).text)
    return action.split("/")[3], await admin.post(action, data={CART: seats, "promotion_code": code})


async def test_a_promotion_code_is_discounted_on_the_quote_taxed_by_country_and_shown_in_the_order_list(
    admin: httpx.AsyncClient, account: SeatAccount, workflow_db: tuple[str, SessionFactory], today: date
) -> None:
    code = await promotion(workflow_db[1], today)
    order_no, saved = await save_cart(admin, code.lower())  # a code is a code whatever its case
    assert saved.status_code == 303, text_of(saved.text)
    quote = text_of((await admin.get(saved.headers["location"])).text)
    # 5 x 240.00 x 73 / 365 = 240.00; 10% off: 24.00; the account's own 22% (no billing country yet) on 216.00
    assert f"Subtotal 240.00 EUR Promotion {code}: Spring sale (10% off) −24.00 EUR" in quote
    assert "Tax (22%) 47.52 EUR Total 263.52 EUR" in quote
    assert f'value="{code}"' in (await admin.get(f"/admin/seat-orders/{order_no}/seats")).text

    assert (await admin.post(f"/admin/seat-orders/{order_no}/accept")).status_code == 303
    paid = await admin.post(f"/admin/seat-orders/{order_no}/payment", data=PAYMENT)  # billed in China
    assert paid.status_code == 303, text_of(paid.text)
    service_order = text_of((await admin.get(paid.headers["location"])).text)
    assert "增值税 (6%) 12.96 EUR Total 228.96 EUR" in service_order  # China's VAT on 216.00
    assert (await admin.post(f"/admin/seat-orders/{order_no}/place")).status_code == 303

    async def completed() -> dict[str, object] | None:
        state = (await admin.get(f"/api/seat-orders/{order_no}")).json()
        return state if state["status"] == "completed" else None

    done = await eventually(completed, what="the order completed")
    assert done["charge"]["amount"] == "228.96"  # type: ignore[index]

    listed = (await admin.get("/api/admin/orders", params={"promotion": code})).json()
    [row] = listed["orders"]
    assert (row["order_no"], row["promotion"], row["promotion_name"], row["available"]) == (
        order_no,
        code,
        "Spring sale",
        True,
    )
    assert code in listed["promotions"] and listed["promotion_names"][code] == "Spring sale"
    page = text_of((await admin.get("/admin/orders")).text)
    assert f"{code} Spring sale Yes" in page
    export = await admin.get("/api/admin/orders/export", params={"format": "csv", "promotion": code})
    [header, line] = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert line[header.index("Promotion")] == f"{code} Spring sale" and line[header.index("Available")] == "Yes"


@pytest.mark.parametrize(
    ("days", "products", "refusal"),
    [
        ((-30, -2), [], "The promotion {code} ended on"),
        ((3, 10), [], "The promotion {code} starts on"),
        ((-1, 30), [Product.GOTO_WEBINAR], "The promotion {code} covers GoTo Webinar, none of which is in the cart."),
    ],
)
async def test_a_code_that_does_not_apply_is_refused_next_to_its_field(
    admin: httpx.AsyncClient,
    workflow_db: tuple[str, SessionFactory],
    today: date,
    days: tuple[int, int],
    products: list[Product],
    refusal: str,
) -> None:
    code = await promotion(workflow_db[1], today, days=days, products=products)
    _, refused = await save_cart(admin, code)
    assert refused.status_code == 422
    assert 'id="promotion_code-error">' + refusal.format(code=code) in refused.text
    assert 'value="5"' in refused.text  # the cart is kept


async def test_an_unknown_or_malformed_code_is_refused(admin: httpx.AsyncClient) -> None:
    order_no, unknown = await save_cart(admin, "NOSUCHCODE")
    assert unknown.status_code == 422
    assert 'id="promotion_code-error">There is no promotion with the code NOSUCHCODE.' in unknown.text
    api = await admin.post(
        f"/api/seat-orders/{order_no}/quantities",
        json={"lines": [{"product": "GoTo Meeting", "edition": "Enterprise", "new_seats": 1}], "promotion_code": "X!"},
    )
    assert api.status_code == 422 and api.json()["fields"][0]["field"] == "promotion_code"


def test_the_tax_table_names_each_countrys_tax() -> None:
    assert tax_rates.rate_for("de", Decimal("0.22")).model_dump() == {
        "country": "DE",
        "rate": Decimal("0.19"),
        "name": "MwSt",
    }
    assert (tax_rates.rate_for("GB", Decimal(0)).name, tax_rates.rate_for("CN", Decimal(0)).name) == ("VAT", "增值税")
    unknown = tax_rates.rate_for("ZZ", Decimal("0.22"))
    assert (unknown.country, unknown.rate, unknown.name) == (None, Decimal("0.22"), None)


async def test_promotions_are_kept_on_both_databases(sessions: SessionFactory) -> None:
    today = date(2026, 12, 1)
    code = await promotion(sessions, today, percent="12.5", products=[Product.GOTO_MEETING])
    async with sessions() as session:
        found = await store.find(session, code.lower())
    assert found is not None and (found.percent_off, found.products, found.ended) == (
        Decimal("12.5"),
        [Product.GOTO_MEETING],
        False,
    )
    with pytest.raises(store.PromotionExists):
        await promotion_again(sessions, code, today)
    async with sessions.begin() as session:
        ended = await store.end(session, code)
    assert ended is not None and ended.ended
    with pytest.raises(ValidationError, match="GoTo Connect does not support seat additions"):
        NewPromotion(
            code="X-1",
            name="n",
            percent_off=Decimal(5),
            valid_from=today,
            valid_until=today,
            products=[Product.GOTO_CONNECT],
        )


async def promotion_again(sessions: SessionFactory, code: str, today: date) -> None:
    new = NewPromotion(code=code, name="again", percent_off=Decimal(5), valid_from=today, valid_until=today)
    async with sessions.begin() as session:
        await store.add(session, new, datetime.now(UTC))


async def test_an_operator_manages_promotions_from_the_cli(cli_env: None) -> None:
    code = f"CLI{uid()[:6]}".upper()
    flags = ["--name", "Winter", "--percent-off", "15", "--from", "2026-12-01", "--until", "2027-01-31"]
    added = await onramp("promotion", "add", code.lower(), *flags, "--product", "GoTo Meeting")
    assert added.exit_code == 0, added.output
    assert f"Promotion {code} added: Winter · 15% · GoTo Meeting · 2026-12-01 to 2027-01-31." in added.output
    again = await onramp("promotion", "add", code, *flags)
    assert again.exit_code == 2 and f"A promotion with the code {code} exists already." in again.output
    backwards = await onramp("promotion", "add", f"{code}B", *flags[:6], "--until", "2026-11-30")
    assert backwards.exit_code == 2 and "must end on or after the day it starts" in backwards.output
    listed = json.loads((await onramp("promotion", "list", "--json")).output)
    assert {"code": code, "name": "Winter", "percent_off": "15", "ended": False} | {
        "products": ["GoTo Meeting"],
        "valid_from": "2026-12-01",
        "valid_until": "2027-01-31",
    } in listed
    ended = await onramp("promotion", "end", code)
    assert ended.exit_code == 0 and f"Promotion {code} ended" in ended.output
    missing = await onramp("promotion", "end", "NOPE-NOPE")
    assert missing.exit_code == 2 and "There is no promotion NOPE-NOPE." in missing.output
