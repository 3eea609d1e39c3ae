"""Seed 002's rules as pure functions: which accounts may add seats, which lines a cart may hold, and the quote
(prorated to the renewal date, with the account's tax). The workflow, the portal's pages and the API read them here."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from models.account_services import AccountServices, with_reach
from models.accounts import CORPORATE_ACCOUNT_SERVICES, SEAT_ADDITION_PRODUCTS
from models.promotions import AppliedPromotion
from models.refusals import Reason, RuleBroken, because, because_n
from models.seat_order import AccountSnapshot, Quote, QuoteLine, SeatOrderPolicy
from models.seat_order_requests import NewSeats
from models.tax import TaxRate

CENT = Decimal("0.01")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def refusal_for(account: AccountSnapshot, services: AccountServices) -> Reason | None:
    """The account-level refusals (self-service, an automatic payment method), as a person should read them, with
    how to reach Corporate Account Services (``services``: the settings', or the order's policy's)."""
    if not account.self_service:
        return with_reach(
            because(
                "This account cannot add seats itself: its products need additional support. Please contact "
                "%(services)s.",
                services=CORPORATE_ACCOUNT_SERVICES,
            ),
            services,
        )
    if not account.pays_by_card:
        return with_reach(
            because(
                "Adding seats needs an automatic payment method (credit or debit card) on the account. Choose one, "
                "or contact %(services)s.",
                services=CORPORATE_ACCOUNT_SERVICES,
            ),
            services,
        )
    return None


def no_seat_order(order_no: str) -> Reason:
    """The refusal wherever an order number names no seat order."""
    return because("No seat order %(order_no)s.", order_no=order_no)


def no_subscription(product: str, edition: str) -> Reason:
    return because("The account has no %(product)s %(edition)s subscription.", product=product, edition=edition)


def line_refusal(account: AccountSnapshot, line: NewSeats, policy: SeatOrderPolicy) -> tuple[str, Reason] | None:
    """(the field, why) when a New Seat Qty line cannot be ordered: a product without seat additions, an edition
    the account does not have, more seats than one order may add. The two that send the admin to Corporate
    Account Services say how to reach them (the policy carries it)."""
    if line.product not in SEAT_ADDITION_PRODUCTS:
        return "product", with_reach(
            because(
                "%(product)s does not support seat additions here (only GoTo Meeting, GoTo Webinar, "
                "GoTo Training, GoToAssist v4 and GoToAssist v5 do). Please contact Corporate Account Services.",
                product=line.product.value,
            ),
            policy.account_services,
        )
    if account.line(line.product, line.edition) is None:
        return "product", no_subscription(line.product.value, line.edition.value)
    if line.new_seats > policy.max_new_seats:
        return "new_seats", with_reach(
            because_n(
                "At most %(num)d seat can be added at once; for more, contact Corporate Account Services.",
                "At most %(num)d seats can be added at once; for more, contact Corporate Account Services.",
                policy.max_new_seats,
            ),
            policy.account_services,
        )
    return None


def quote_for(
    account: AccountSnapshot,
    cart: list[NewSeats],
    now: datetime,
    policy: SeatOrderPolicy,
    promotion: AppliedPromotion | None = None,
    number: str | None = None,
) -> Quote:
    """Each line: new seats x yearly unit price x days to the renewal date / 365, to the cent, less the promotion's
    share where it covers the product; then the tax of the account's billing country on what remains."""
    today = now.date()
    lines = []
    for item in cart:
        line = account.line(item.product, item.edition)
        if line is None:
            raise RuleBroken(no_subscription(item.product.value, item.edition.value))
        days = max((line.renewal_date - today).days, 1)
        amount = money(line.unit_price * item.new_seats * Decimal(days) / Decimal(365))
        off = promotion.percent_off if promotion is not None and promotion.covers(item.product) else Decimal(0)
        lines.append(
            QuoteLine(
                product=item.product,
                edition=item.edition,
                new_seats=item.new_seats,
                unit_price=line.unit_price,
                days_to_renewal=days,
                amount=amount,
                discount=money(amount * off / Decimal(100)),
            )
        )
    tax = account.tax or TaxRate(rate=account.tax_rate)
    untaxed = Quote(
        number=number,
        lines=lines,
        currency=account.currency,
        subtotal=money(sum((line.amount for line in lines), Decimal(0))),
        promotion=promotion if promotion is not None and any(line.discount for line in lines) else None,
        discount=money(sum((line.discount for line in lines), Decimal(0))),
        tax_rate=tax.rate,
        tax=Decimal(0),
        total=Decimal(0),
        quoted_at=now,
        expires_at=now + timedelta(days=policy.quote_valid_days),
    )
    return taxed(untaxed, tax)


def taxed(quote: Quote, tax: TaxRate) -> Quote:
    """The quote with ``tax``: the billing address's country decides the rate (a new address, a new rate)."""
    amount = money((quote.subtotal - quote.discount) * tax.rate)
    return quote.model_copy(
        update={
            "tax_rate": tax.rate,
            "tax_name": tax.name,
            "tax_country": tax.country,
            "tax": amount,
            "total": quote.subtotal - quote.discount + amount,
        }
    )


def describe(cart: list[NewSeats]) -> str:
    return ", ".join(f"{line.new_seats} x {line.product.value} {line.edition.value}" for line in cart)
