"""The seat portal's tests (seed 002 in the admin portal): an account of the test's own whose admin can log in."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from typing import Any

from models.accounts import Edition, NewAccount, Product, SubscriptionLine
from starter.services.accounts import create_account, demo_account
from starter.settings import Settings
from store import SessionFactory
from tests.admin_support import FIRST_PASSWORD, PortalAccount

RENEWAL_DAYS = 73  # 5 GoTo Meeting Enterprise seats at 240.00 a year for 73 days: 240.00, tax 52.80, total 292.80
CART = "qty-goto-meeting-enterprise"
PAYMENT = {
    "first_name": "Mei",
    "last_name": "Chen",
    "email": "mei.chen@yitong.example",
    "payment_method": "new",
    "card_number": "4242 4242 4242 4242",
    "card_expiry": "12/2030",
    "company": "Yitong",
    "street": "88 Century Avenue",
    "postal_code": "200120",
    "city": "Shanghai",
    "country": "cn",
}


@dataclass
class SeatAccount(PortalAccount):
    billing_email: str
    renewal: date


async def seat_account(sessions: SessionFactory, settings: Settings, today: date, **changes: Any) -> SeatAccount:
    """The demo account's subscriptions (GoTo Meeting Enterprise renews in 73 days) plus GoTo Connect, which does
    not support seat additions; its admin's first password is FIRST_PASSWORD."""
    tag = uuid.uuid4().hex[:8]
    account = demo_account(today)
    renewal = today + timedelta(days=RENEWAL_DAYS)
    account.subscriptions[0].renewal_date = renewal
    account.subscriptions.append(
        SubscriptionLine(
            product=Product.GOTO_CONNECT,
            edition=Edition.STANDARD,
            seats=4,
            unit_price=Decimal("300.00"),
            renewal_date=renewal,
        )
    )
    body = account.model_dump(mode="json") | {
        "account_no": f"SP-{tag}",
        "billing_contact_email": f"billing-{tag}@yitong-{tag}.example",
        "initial_password": FIRST_PASSWORD,
        **changes,
    }
    body["company"]["admin_email"] = f"admin-{tag}@yitong-{tag}.example"
    account = NewAccount.model_validate(body)
    await create_account(sessions, settings, account)
    return SeatAccount(
        account.account_no,
        str(account.company.admin_email),
        account.company.customer_name,
        str(account.billing_contact_email),
        renewal,
    )


def text_of(html: str) -> str:
    """What a person reads: the page without its tags, one space between words."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def form_action(html: str) -> str:
    [action] = re.findall(r'<form method="post" action="(/admin/seat-orders/[^"]+/seats)"', html)
    return action
