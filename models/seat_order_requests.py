"""What a seat order's steps send (seed 002): the new seat quantities, the quote's review, acceptance or decline,
the payment (the admin's contact, the billing address and the card, by its reference), placing and approving; and
the names a card goes by, which are safe in a workflow's history."""

from __future__ import annotations

from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints, field_validator
from pydantic.json_schema import SkipJsonSchema

from models.accounts import Edition, Product
from models.common import MULTI_LINE, Contract, Name
from models.promotions import PromotionCode
from models.refusals import RuleBroken, because

CARD_REFERENCE_PREFIX = "card_"
CardReference = Annotated[
    str, StringConstraints(min_length=21, max_length=21, pattern=rf"^{CARD_REFERENCE_PREFIX}[0-9a-f]{{16}}$")
]
"""A card the gateway keeps, by a name that is safe in a workflow's history (``card_`` and 16 hex digits): its
token stays in the gateway's database, and only the charge activity reads it."""

GatewayToken = Annotated[str, StringConstraints(max_length=64, pattern=r"^tok_[A-Za-z0-9_-]{8,60}$")]
"""The gateway's own name for a card: a secret kept in its database. Only orders paid before cards had references
carry one, in their histories; a client never sends one now."""

MAX_NEW_SEATS = 500
"""The most seats one line may add under the default policy, which every seat order the API starts runs under."""


class NewSeats(Contract):
    product: Product
    edition: Edition
    new_seats: int = Field(
        description="New Seat Qty: how many seats to add.",
        json_schema_extra={"minimum": 1, "maximum": MAX_NEW_SEATS},  # the validators' bounds, with their own messages
    )

    @field_validator("new_seats")
    @classmethod
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise RuleBroken(because("enter a whole number of seats, 1 or more"))
        return value


class SetQuantities(Contract):
    lines: list[NewSeats] = Field(min_length=1, max_length=20)
    promotion_code: PromotionCode | None = Field(
        default=None, description="A promotion's code: checked now, applied by the quote."
    )

    @field_validator("promotion_code", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("lines")
    @classmethod
    def _once(cls, lines: list[NewSeats]) -> list[NewSeats]:
        keys = [(line.product, line.edition) for line in lines]
        if len(set(keys)) != len(keys):
            raise RuleBroken(because("each product and edition may be listed once"))
        return lines


class ReviewCart(Contract):
    """Save cart & review: make the quote."""


class AcceptQuote(Contract):
    """Proceed to payment."""


class DeclineQuote(Contract):
    reason: Annotated[str, StringConstraints(max_length=300), MULTI_LINE] | None = None


class AdminContact(Contract):
    """Seed 002: creates or updates the admin and assigns them a seat for every product in the quote."""

    first_name: Name
    last_name: Name
    email: EmailStr


class BillingAddress(Contract):
    company: Name
    street: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    city: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    postal_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
    country: Annotated[
        str, StringConstraints(strip_whitespace=True, to_upper=True, max_length=8, pattern=r"^[A-Za-z]{2}$")
    ]


class PaymentUpdate(Contract):
    """The payment Update's input. Orders paid before cards had references named the card by its gateway token:
    their histories still hold ``card_token``, read here and never written again (``exclude``)."""

    admin_contact: AdminContact
    card: CardReference | None = Field(
        default=None,
        description="The card's reference, as POST /api/accounts/{no}/cards answers it; empty for the card on file.",
    )
    billing_address: BillingAddress
    card_token: SkipJsonSchema[GatewayToken | None] = Field(default=None, exclude=True)


CARD_TOKEN_RETIRED = because(
    "card_token is no longer taken: send card, the reference POST /api/accounts/{no}/cards answers "
    "(or leave it out for the card on file)"
)


class PaymentDetails(PaymentUpdate):
    """Save and continue to the service order, as a client sends it: the card by its reference, never its number
    or the gateway's token. A client that still sends ``card_token`` is told what to send instead."""

    @field_validator("card_token", mode="before")
    @classmethod
    def _token_retired(cls, value: object) -> None:
        raise RuleBroken(CARD_TOKEN_RETIRED)


class PlaceOrder(Contract):
    """Place the service order."""


class ApproveOrder(Contract):
    operator: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = "operator"
