"""What the seat order's activities (seed 002) take and answer: the account's one open quote, the card check, the
charge with its idempotency key, adding the seats and saving the order's row. The order's steps and state are
models/seat_order.py."""

from __future__ import annotations

from decimal import Decimal

from pydantic import AwareDatetime, Field, model_validator
from pydantic.json_schema import SkipJsonSchema

from models.common import Contract
from models.refusals import RuleBroken, because
from models.seat_order import QuoteLine, SeatOrderState
from models.seat_order_requests import AdminContact, BillingAddress, CardReference, GatewayToken

LOAD_ACCOUNT_ACTIVITY = "load_account_snapshot"
CLAIM_OPEN_QUOTE_ACTIVITY = "claim_open_quote"
RELEASE_OPEN_QUOTE_ACTIVITY = "release_open_quote"
CHECK_CARD_ACTIVITY = "check_card"
CHARGE_ACTIVITY = "charge_card"
APPLY_SEAT_ORDER_ACTIVITY = "apply_seat_order"
SAVE_SEAT_ORDER_ACTIVITY = "save_seat_order"
FIND_PROMOTION_ACTIVITY = "find_promotion"
TAX_RATE_ACTIVITY = "tax_rate_for"


class ClaimOpenQuote(Contract):
    account_no: str
    order_no: str


class CheckCard(Contract):
    """The card an order's payment names (None: the account's card on file)."""

    account_no: str
    card: CardReference | None = None
    token: SkipJsonSchema[GatewayToken | None] = Field(default=None, exclude_if=lambda token: token is None)
    """Sent by orders paid before cards had references: their payment named the card by its token."""


class ChargeRequest(Contract):
    """A charge of the card the order's payment checked; the gateway reads the card's token itself."""

    idempotency_key: str
    account_no: str
    card: CardReference | None = None
    card_token: SkipJsonSchema[GatewayToken | None] = Field(default=None, exclude_if=lambda token: token is None)
    """Sent by orders whose card was checked before cards had references (their history holds the token)."""
    amount: Decimal
    currency: str

    @model_validator(mode="after")
    def _names_a_card(self) -> ChargeRequest:
        if self.card is None and self.card_token is None:
            raise RuleBroken(because("a charge names its card"))
        return self


class ApplySeatOrder(Contract):
    order_no: str
    account_no: str
    lines: list[QuoteLine]
    admin_contact: AdminContact
    billing_address: BillingAddress
    payment_type: str
    customer_type: str
    promotion: str | None = Field(default=None, description="The code of the quote's promotion: the order list's.")
    completed: SeatOrderState | None = Field(
        default=None, description="The order's row, written as completed in the same transaction (older workflows)."
    )
    mark_completed: bool = Field(
        default=False,
        description="The order's row (saved at its earlier steps) is marked completed in the same transaction.",
    )
    placed_at: AwareDatetime | None = Field(
        default=None, description="When the order was placed: its time to completion is measured from it (metrics)."
    )


class SeatOrderSnapshot(Contract):
    state: SeatOrderState
