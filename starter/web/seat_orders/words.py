"""What the seat portal's pages (seed 002) say in the reader's language: a New Seat Qty that is no number, the card
on file, and a sentence for every way an order can end or refuse a step (an order's status and a product that takes
no seats here are starter/web/vocabulary.py's, which the portal's templates share). What the workflow itself said
(``state.why``) is shown in the reader's language too; an order from before it was kept shows its English
``state.reason``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from models.accounts import CORPORATE_ACCOUNT_SERVICES
from models.seat_order import SeatOrderState, SeatOrderStatus
from starter.web import reading
from starter.web.reading import gettext, lazy_gettext, ngettext
from starter.web.said import said
from starter.web.vocabulary import edition_label, reach_services
from translations import formats

WHOLE_NUMBER = lazy_gettext("Enter a whole number of seats, 1 or more.")
NOTHING_ADDED = lazy_gettext("Enter the New Seat Qty of at least one product.")


def card(brand: str, last4: str) -> str:
    """The card on file: 'Visa ending 4242'."""
    return gettext("%(brand)s ending %(last4)s", brand=brand, last4=last4)


def when(moment: datetime | None) -> str:
    """A moment in a sentence, on the account's clock and naming its zone."""
    reader = reading.reader()
    return formats.zoned(moment, reader.language, reader.time_zone) if moment else ""


def _why(state: SeatOrderState) -> str | None:
    return said(state.why) if state.why is not None else state.reason


def refused_step(state: SeatOrderState) -> str:
    """Why a step on a page cannot be done any more (a 409), said to a person."""
    status = state.status
    if status is SeatOrderStatus.SUPERSEDED:
        return gettext(
            "This quote is no longer valid. %(reason)s", reason=_why(state) or gettext("A newer order replaced it.")
        )
    if status is SeatOrderStatus.EXPIRED:
        if state.quote:
            return gettext(
                "This quote expired on %(moment)s without being accepted. Add seats again for a new quote.",
                moment=when(state.quote.expires_at),
            )
        return gettext("This quote expired without being accepted. Add seats again for a new quote.")
    if status is SeatOrderStatus.DECLINED:
        return gettext(
            "This quote was declined, so it can no longer be accepted or paid. Add seats again for a new quote."
        )
    if status is SeatOrderStatus.REFUSED:
        return _why(state) or gettext("Seats cannot be added to this account.")
    return gettext("This service order has already been placed; nothing was changed.")


@dataclass(frozen=True)
class Outcome:
    title: str
    lead: str
    kind: str  # done | waiting | ended
    refresh: bool = False


def _added(state: SeatOrderState) -> str:
    lines = [
        ngettext(
            "%(num)d %(edition)s seat",
            "%(num)d %(edition)s seats",
            line.new_seats,
            edition=edition_label(line.product, line.edition),
        )
        for line in state.cart
    ]
    return gettext(" and ").join(lines)


def _money(amount: Decimal, currency: str) -> str:
    return formats.money(amount, currency, reading.language())


def _waiting(lead: str, state: SeatOrderState, billing_contact: str) -> str:
    """A placed order's sentence: what happens to it, the promise it is processed within (seed 002's 24 hours,
    as the order's policy set its deadline), and where the receipt goes."""
    hours = (
        round((state.process_by - state.placed_at).total_seconds() / 3600)
        if state.process_by and state.placed_at
        else 0
    )
    promise = ngettext(
        "It is processed within %(num)d hour (until %(moment)s).",
        "It is processed within %(num)d hours (until %(moment)s).",
        hours,
        moment=when(state.process_by),
    )
    receipt = gettext(
        "A confirmation e-mail with the receipt will go to the billing contact, %(contact)s.", contact=billing_contact
    )
    if not state.escalated:
        return f"{lead} {promise} {receipt}"
    late = gettext(
        "It is taking longer than that: %(services)s has been told and is looking at it. You need not place it again.",
        services=CORPORATE_ACCOUNT_SERVICES,
    )
    return f"{lead} {promise} {late} {reach_services()} {receipt}"


def outcome(state: SeatOrderState, billing_contact: str) -> Outcome:
    """The result page's title and sentence for an order that is placed or has ended."""
    no, status = state.order_no, state.status
    if status is SeatOrderStatus.COMPLETED:
        lead = gettext("Service order %(order)s is complete: %(added)s added.", order=no, added=_added(state))
        if state.charge and state.card:
            lead += " " + gettext(
                "%(amount)s was charged to the %(brand)s card ending %(last4)s.",
                amount=_money(state.charge.amount, state.charge.currency),
                brand=state.card.brand,
                last4=state.card.last4,
            )
        elif state.charge:
            lead += " " + gettext("%(amount)s was charged.", amount=_money(state.charge.amount, state.charge.currency))
        lead += " " + gettext(
            "A confirmation e-mail with the receipt is on its way to the billing contact, %(contact)s.",
            contact=billing_contact,
        )
        return Outcome(gettext("Your seats have been added"), lead, "done")
    if status is SeatOrderStatus.PLACED:
        lead = gettext("Service order %(order)s is being processed.", order=no)
        return Outcome(
            gettext("Your service order has been placed"), _waiting(lead, state, billing_contact), "waiting", True
        )
    if status is SeatOrderStatus.AWAITING_REVIEW:
        lead = gettext(
            "Service order %(order)s is above the amount that is processed automatically, so %(services)s reviews "
            "it first.",
            order=no,
            services=CORPORATE_ACCOUNT_SERVICES,
        )
        return Outcome(
            gettext("Your service order is being reviewed"), _waiting(lead, state, billing_contact), "waiting", True
        )
    if status is SeatOrderStatus.FAILED:
        reason = (_why(state) or gettext("The payment did not go through")).rstrip(".")
        return Outcome(
            gettext("Your service order could not be completed"),
            gettext(
                "%(reason)s. No seats were added and nothing was charged. The billing contact, %(contact)s, has "
                "been told. Add seats again with another card, or contact %(services)s.",
                reason=reason,
                contact=billing_contact,
                services=CORPORATE_ACCOUNT_SERVICES,
            )
            + " "
            + reach_services(),
            "ended",
        )
    if status is SeatOrderStatus.DECLINED:
        return Outcome(
            gettext("You declined the quote"),
            gettext(
                "Quote %(order)s was declined: nothing was ordered or charged. Add seats whenever you need a new "
                "quote.",
                order=no,
            ),
            "ended",
        )
    if status is SeatOrderStatus.SUPERSEDED:
        return Outcome(
            gettext("This quote was replaced"),
            gettext(
                "%(reason)s An account has one open quote at a time: continue with the newer order, or add seats "
                "again.",
                reason=_why(state) or gettext("A newer order replaced this quote."),
            ),
            "ended",
        )
    if status is SeatOrderStatus.EXPIRED:
        return Outcome(gettext("This quote has expired"), refused_step(state), "ended")
    return Outcome(
        gettext("Seats cannot be added"), _why(state) or gettext("Seats cannot be added to this account."), "ended"
    )
