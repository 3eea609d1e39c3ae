"""Seed 002's rules as pure functions: which accounts may add seats, which lines a cart may hold, and the quote
(prorated to the renewal date, with the account's tax). The workflow, the portal's pages and the API read them here."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from models.accounts import CORPORATE_ACCOUNT_SERVICES, SEAT_ADDITION_PRODUCTS
from models.refusals import Reason, RuleBroken, because, because_n
from models.seat_order import AccountSnapshot, NewSeats, Quote, QuoteLine, SeatOrderPolicy

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def refusal_for(account: AccountSnapshot) -> Reason | None:
    """The account-level refusals (self-service, an automatic payment method), as a person should read them."""
    if not account.self_service:
        return because(
            "This account cannot add seats itself: its products need additional support. Please contact %(services)s.",
            services=CORPORATE_ACCOUNT_SERVICES,
        )
    if not account.pays_by_card:
        return because(
            "Adding seats needs an automatic payment method (credit or debit card) on the account. Choose one, or "
            "contact %(services)s.",
            services=CORPORATE_ACCOUNT_SERVICES,
        )
    return None


def no_seat_order(order_no: str) -> Reason:
    """The refusal wherever an order number names no seat order."""
    return because("No seat order %(order_no)s.", order_no=order_no)


def no_subscription(product: str, edition: str) -> Reason:
    return because("The account has no %(product)s %(edition)s subscription.", product=product, edition=edition)


def line_refusal(account: AccountSnapshot, line: NewSeats, policy: SeatOrderPolicy) -> tuple[str, Reason] | None:
    """(the field, why) when a New Seat Qty line cannot be ordered: a product without seat additions, an edition
    the account does not have, more seats than one order may add."""
    if line.product not in SEAT_ADDITION_PRODUCTS:
        return "product", because(
            "%(product)s does not support seat additions here (only GoTo Meeting, GoTo Webinar, "
            "GoTo Training, GoToAssist v4 and GoToAssist v5 do). Please contact Corporate Account Services.",
            product=line.product.value,
        )
    if account.line(line.product, line.edition) is None:
        return "product", no_subscription(line.product.value, line.edition.value)
    if line.new_seats > policy.max_new_seats:
        return "new_seats", because_n(
            "At most %(num)d seat can be added at once; for more, contact Corporate Account Services.",
            "At most %(num)d seats can be added at once; for more, contact Corporate Account Services.",
            policy.max_new_seats,
        )
    return None


def quote_for(account: AccountSnapshot, cart: list[NewSeats], now: datetime, policy: SeatOrderPolicy) -> Quote:
    """Each line: new seats x yearly unit price x days to the renewal date / 365, to the cent; then the tax."""
    today = now.date()
    lines = []
    for item in cart:
        line = account.line(item.product, item.edition)
        if line is None:
            raise RuleBroken(no_subscription(item.product.value, item.edition.value))
        days = max((line.renewal_date - today).days, 1)
        lines.append(
            QuoteLine(
                product=item.product,
                edition=item.edition,
                new_seats=item.new_seats,
                unit_price=line.unit_price,
                days_to_renewal=days,
                amount=money(line.unit_price * item.new_seats * Decimal(days) / Decimal(365)),
            )
        )
    subtotal = money(sum((line.amount for line in lines), Decimal(0)))
    tax = money(subtotal * account.tax_rate)
    return Quote(
        lines=lines,
        currency=account.currency,
        subtotal=subtotal,
        tax_rate=account.tax_rate,
        tax=tax,
        total=subtotal + tax,
        quoted_at=now,
        expires_at=now + timedelta(days=policy.quote_valid_days),
    )


def describe(cart: list[NewSeats]) -> str:
    return ", ".join(f"{line.new_seats} x {line.product.value} {line.edition.value}" for line in cart)
