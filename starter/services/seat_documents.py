"""A seat order's quote and receipt as PDF files, for the portal's downloads and their API twins: the order's state
(its workflow's status Query, read by the caller) and the account's customer name and language (the billing
contact's: the receipt mail is written in it) go to documents/, which draws the file on a thread.

An order with no quote yet has no quote to download, and one that is not completed no receipt: both are refused
with a sentence (409), as a step the order is not at is."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import documents
from documents.facts import quote_of, receipt_of
from models.accounts import no_account
from models.refusals import Reason, Refusal, because
from models.seat_order import SeatOrderState, SeatOrderStatus
from models.words import SEAT_ORDER
from starter.errors import NotFound, StepRefused
from store import SessionFactory
from store.tables import Account


@dataclass(frozen=True)
class Document:
    number: str
    data: bytes
    media_type: str = documents.MEDIA_TYPE

    @property
    def file_name(self) -> str:
        return documents.file_name(self.number)


async def customer(sessions: SessionFactory, account_no: str) -> documents.Customer:
    """Whom the account's documents are for, in the account's language."""
    async with sessions() as session:
        found = await session.get(Account, account_no)
    if found is None:
        raise NotFound(no_account(account_no), type=Refusal.ACCOUNT_UNKNOWN)
    return documents.Customer(account_no=account_no, name=found.customer_name, language=found.language)


async def quote(sessions: SessionFactory, state: SeatOrderState) -> Document:
    facts = quote_of(state, await customer(sessions, state.account_no))
    if facts is None:
        raise StepRefused(
            because(
                "Seat order %(order_no)s has no quote yet: save the cart and review it first.",
                order_no=state.order_no,
            ),
            type=Refusal.WRONG_STATE,
        )
    data = await asyncio.to_thread(documents.quote_pdf, facts)
    return Document(documents.quote_number(facts.order_no, facts.quote), data)


async def receipt(sessions: SessionFactory, state: SeatOrderState) -> Document:
    facts = receipt_of(state, await customer(sessions, state.account_no))
    if facts is None:
        raise StepRefused(_no_receipt(state), type=Refusal.WRONG_STATE)
    data = await asyncio.to_thread(documents.receipt_pdf, facts)
    return Document(documents.receipt_number(facts.order_no), data)


def _no_receipt(state: SeatOrderState) -> Reason:
    if state.status is SeatOrderStatus.FAILED:
        return because(
            "Seat order %(order_no)s has no receipt: it was not completed, and nothing was charged.",
            order_no=state.order_no,
        )
    return because(
        "Seat order %(order_no)s has no receipt yet: it is %(status)s, and the receipt is made when it is completed.",
        order_no=state.order_no,
        status=SEAT_ORDER[state.status],
    )
