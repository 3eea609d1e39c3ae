"""What the seat portal keeps, on SQLite and on PostgreSQL: the account's payment method and cards, its quotes as the
Quotes area reads them, the billing country its first quote's tax comes from, and the order list's availability."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from models.admin import OrderFilter
from models.seat_order import Quote, SeatOrderStatus
from starter.services import order_list, seat_quotes
from starter.settings import Settings
from store import SessionFactory
from store import accounts as account_store
from store.cards import CardRefused, cards_of, pay_automatically, pay_by_invoice, tokenize
from store.tables import Account, SeatOrderRow
from tests.admin_support import add_order, new_account

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def test_an_invoice_account_pays_by_card_and_back(sessions: SessionFactory, settings: Settings) -> None:
    account = (await new_account(sessions, settings)).account_no
    await pay_by_invoice(sessions, account)
    assert await cards_of(sessions, account) == ("invoice", None, [])
    with pytest.raises(CardRefused, match="Add a credit or debit card first"):
        await pay_automatically(sessions, account, None)

    first = await tokenize(sessions, account, "4242424242424242", "12/2030", NOW)
    second = await tokenize(sessions, account, "4000 0000 0000 0002", "01/2031", NOW + timedelta(minutes=1))
    chosen = await pay_automatically(sessions, account, second.reference)
    assert chosen == second
    method, on_file, cards = await cards_of(sessions, account)
    assert (method, on_file, cards) == ("card", second, [second, first])
    async with sessions() as session:
        snapshot = await account_store.snapshot(session, account)
    assert snapshot is not None and snapshot.pays_by_card and snapshot.card_last4 == "0002"

    other = (await new_account(sessions, settings)).account_no
    with pytest.raises(CardRefused, match="keeps no card"):  # another account's card is not this one's
        await pay_automatically(sessions, other, first.reference)
    await pay_by_invoice(sessions, account)
    assert (await cards_of(sessions, account))[:2] == ("invoice", second)  # the card stays on file


async def test_the_billing_country_decides_the_first_quotes_tax(sessions: SessionFactory, settings: Settings) -> None:
    account = (await new_account(sessions, settings)).account_no
    async with sessions.begin() as session:
        assert (snapshot := await account_store.snapshot(session, account)) is not None
        assert snapshot.tax is not None and (snapshot.tax.rate, snapshot.tax.name) == (Decimal("0.22"), None)
        row = await session.get(Account, account)
        assert row is not None
        row.billing_country = "DE"  # opened with a German billing address
    async with sessions.begin() as session:
        snapshot = await account_store.snapshot(session, account)
        assert snapshot is not None and snapshot.tax is not None
        assert (snapshot.tax.country, snapshot.tax.rate, snapshot.tax.name) == ("DE", Decimal("0.19"), "MwSt")
        row = await session.get(Account, account)
        assert row is not None
        row.billing_address = {"country": "AT"}  # an order's address since: Austria's USt
    async with sessions() as session:
        snapshot = await account_store.snapshot(session, account)
    assert snapshot is not None and snapshot.tax is not None and snapshot.tax.name == "USt"


def quote(total: str, quoted_at: datetime, number: str | None) -> dict[str, object]:
    return Quote(
        number=number,
        lines=[],
        currency="EUR",
        subtotal=Decimal(total),
        tax_rate=Decimal(0),
        tax=Decimal(0),
        total=Decimal(total),
        quoted_at=quoted_at,
        expires_at=quoted_at + timedelta(days=7),
    ).model_dump(mode="json")


async def test_the_quotes_area_reads_each_quote_state(sessions: SessionFactory, settings: Settings) -> None:
    account = (await new_account(sessions, settings)).account_no
    kinds = [
        ("quoted", "open", "Q-A-1"),
        ("service_order", "accepted", "Q-B-2"),
        ("completed", "accepted", None),  # quoted before quotes had numbers: its order number
        ("declined", "declined", "Q-D-1"),
        ("expired", "expired", "Q-E-1"),
        ("superseded", "superseded", "Q-F-1"),
    ]
    async with sessions.begin() as session:
        for minutes, (status, _, number) in enumerate(kinds):
            at = NOW + timedelta(minutes=minutes)
            session.add(
                SeatOrderRow(
                    order_no=f"{account}-{minutes}",
                    account_no=account,
                    status=status,
                    quote=quote("10.00", at, number),
                    total="10.00",
                    reason=None,
                    created_at=at,
                    updated_at=NOW,
                )
            )
        session.add(  # a cart never reviewed has no quote
            SeatOrderRow(
                order_no=f"{account}-cart",
                account_no=account,
                status="cart",
                quote=None,
                total=None,
                reason=None,
                created_at=NOW,
                updated_at=NOW,
            )
        )
    listed = await seat_quotes.quotes(sessions, account)
    assert [(q.number, q.state.value) for q in listed] == [
        (number or f"{account}-{minutes}", state) for minutes, (_, state, number) in reversed(list(enumerate(kinds)))
    ]
    assert [q.acceptable for q in listed] == [False] * 5 + [True]
    assert [q.decidable for q in listed] == [False] * 4 + [True, True]
    found = await seat_quotes.open_quote(sessions, account, f"{account}-0")
    assert found is not None and found.order_status is SeatOrderStatus.QUOTED
    assert await seat_quotes.open_quote(sessions, account, f"{account}-3") is None  # declined: not open


async def test_a_line_is_available_while_in_force(sessions: SessionFactory, settings: Settings) -> None:
    account = (await new_account(sessions, settings)).account_no
    today = datetime.now(UTC).date()
    kept = await add_order(sessions, account, edition="Standard", expires_at=today + timedelta(days=2), available=True)
    past = await add_order(sessions, account, edition="Standard", expires_at=date(2020, 1, 1), available=True)
    gone = await add_order(sessions, account, edition="Basic", available=True)  # an edition the account lacks
    listed = await order_list.query(sessions, account, OrderFilter())
    available = {line.id: line.available for line in listed.orders}
    assert (available[kept], available[past], available[gone]) == (True, False, False)
