"""Contracts of the seat order (seed 002): a billing admin adds seats, gets a quote, pays, places the service order;
the order is processed within 24 hours and a receipt goes to the billing contact. What its activities take and
answer is models/seat_order_activities.py; what its steps send, models/seat_order_requests.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, EmailStr, Field, StringConstraints
from pydantic.json_schema import SkipJsonSchema

from models.account_services import (
    DEFAULT_EMAIL,
    DEFAULT_HOURS,
    DEFAULT_PHONE,
    AccountServices,
    ServicesHours,
    ServicesPhone,
)
from models.accounts import Edition, Product
from models.common import MULTI_LINE, Contract, Language, Recipient
from models.mail import MailRecord
from models.promotions import AppliedPromotion
from models.refusals import Reason
from models.seat_order_requests import (
    MAX_NEW_SEATS,
    AcceptQuote,
    AdminContact,
    ApproveOrder,
    BillingAddress,
    CardReference,
    DeclineQuote,
    GatewayToken,
    NewSeats,
    PaymentDetails,
    PlaceOrder,
    ReviewCart,
    SetQuantities,
)
from models.seed_rules import PROCESSING_HOURS, QUOTE_VALID_DAYS
from models.tax import TaxRate

OrderNo = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$")
]


class SeatOrderStatus(StrEnum):
    CART = "cart"
    QUOTED = "quoted"
    PAYMENT = "payment"
    SERVICE_ORDER = "service_order"
    PLACED = "placed"
    AWAITING_REVIEW = "awaiting_review"
    COMPLETED = "completed"
    FAILED = "failed"
    DECLINED = "declined"
    SUPERSEDED = "superseded"
    EXPIRED = "expired"
    REFUSED = "refused"


OPEN_QUOTE = frozenset({SeatOrderStatus.QUOTED, SeatOrderStatus.PAYMENT, SeatOrderStatus.SERVICE_ORDER})
BEFORE_PLACED = frozenset({SeatOrderStatus.CART, *OPEN_QUOTE})
FINISHED = frozenset(
    {
        SeatOrderStatus.COMPLETED,
        SeatOrderStatus.FAILED,
        SeatOrderStatus.DECLINED,
        SeatOrderStatus.SUPERSEDED,
        SeatOrderStatus.EXPIRED,
        SeatOrderStatus.REFUSED,
    }
)


class SeatOrderPolicy(Contract):
    quote_valid_days: int = Field(
        default=QUOTE_VALID_DAYS, ge=1, le=90, description="An untouched quote expires after this."
    )
    processing_hours: int = Field(
        default=PROCESSING_HOURS, ge=1, le=240, description="Seed 002: processed within 24 hours."
    )
    max_new_seats: int = Field(default=MAX_NEW_SEATS, ge=1, le=100_000, description="Most seats one line may add.")
    manual_review_over: Decimal = Field(
        default=Decimal("10000"), gt=0, description="Orders whose total is above this wait for an operator's approval."
    )
    corporate_account_services_email: EmailStr = Field(
        default=DEFAULT_EMAIL, description="Corporate Account Services: who is alerted when the hours pass."
    )
    corporate_account_services_phone: ServicesPhone = Field(
        default=DEFAULT_PHONE, description="Their phone, said wherever the order tells someone to contact them."
    )
    corporate_account_services_hours: ServicesHours = Field(
        default=DEFAULT_HOURS, description="When they answer (free text); the defaults keep older histories whole."
    )

    @property
    def account_services(self) -> AccountServices:
        return AccountServices(
            email=self.corporate_account_services_email,
            phone=self.corporate_account_services_phone,
            hours=self.corporate_account_services_hours,
        )

    def reaching(self, services: AccountServices) -> SeatOrderPolicy:
        """This policy with ``services`` as the order's Corporate Account Services (onramp's settings, stamped by
        the API when it starts the order)."""
        return self.model_copy(
            update={
                "corporate_account_services_email": services.email,
                "corporate_account_services_phone": services.phone,
                "corporate_account_services_hours": services.hours,
            }
        )


class SeatOrderInput(Contract):
    order_no: OrderNo
    account_no: str
    requested_by: EmailStr = Field(description="The billing admin placing the order.")
    policy: SeatOrderPolicy = Field(default_factory=SeatOrderPolicy)
    account: AccountSnapshot | None = Field(
        default=None,
        description="The account as read when the order started (its prices quote); read by the workflow when absent.",
    )

    @property
    def workflow_id(self) -> str:
        return seat_order_workflow_id(self.order_no)


def seat_order_workflow_id(order_no: str) -> str:
    return f"seat-order-{order_no}"


# ----------------------------------------------------------------------------------------------- account snapshot


class PricedLine(Contract):
    product: Product
    edition: Edition
    seats: int
    unit_price: Decimal
    renewal_date: date


class AccountSnapshot(Contract):
    """What the order needs to know of the account, read once at the start."""

    account_no: str
    customer_name: str
    self_service: bool
    pays_by_card: bool
    card_last4: str | None = None
    currency: str
    tax_rate: Decimal = Field(description="The rate of ``tax`` (kept for the orders that started before it).")
    tax: TaxRate | None = Field(
        default=None, description="The billing country's tax as the rate table has it; empty in older histories."
    )
    billing_contact_email: EmailStr
    billing_contact_name: str
    customer_type: str
    lines: list[PricedLine]
    language: Language = Field(default="en", description="The account's language: the billing contact reads it.")

    @property
    def billing_contact(self) -> Recipient:
        return Recipient(email=self.billing_contact_email, language=self.language)

    def line(self, product: Product, edition: Edition) -> PricedLine | None:
        return next((x for x in self.lines if x.product is product and x.edition is edition), None)


# ----------------------------------------------------------------------------------------------- quote and state


class QuoteLine(Contract):
    product: Product
    edition: Edition
    new_seats: int
    unit_price: Decimal
    days_to_renewal: int
    amount: Decimal = Field(description="new seats x yearly unit price x days to renewal / 365, to the cent.")
    discount: Decimal = Field(default=Decimal(0), description="What the promotion takes off the amount, to the cent.")


class Quote(Contract):
    number: str | None = Field(default=None, description="Q-<order no>-<n>: the order's n-th quote.")
    lines: list[QuoteLine]
    currency: str
    subtotal: Decimal = Field(description="The lines' amounts, before the discount.")
    promotion: AppliedPromotion | None = None
    discount: Decimal = Field(default=Decimal(0), description="The lines' discounts together.")
    tax_rate: Decimal
    tax_name: str | None = Field(default=None, description="MwSt, VAT, 增值税…; empty: just 'tax'.")
    tax_country: str | None = Field(default=None, description="The billing country the rate is for.")
    tax: Decimal = Field(description="(subtotal - discount) x tax rate, to the cent.")
    total: Decimal
    quoted_at: AwareDatetime
    expires_at: AwareDatetime


class CardOnOrder(Contract):
    """The card an order pays with, as its state and history hold it: a reference, never the gateway's token."""

    reference: CardReference | None = Field(
        default=None, description="Empty only on orders paid before cards had references."
    )
    brand: Annotated[str, StringConstraints(max_length=20)]
    last4: Annotated[str, StringConstraints(max_length=4, pattern=r"^[0-9]{4}$")]
    token: SkipJsonSchema[GatewayToken | None] = Field(default=None, exclude=True)
    """Read from the histories of orders paid before cards had references, never written again."""


class ChargeResult(Contract):
    outcome: Literal["approved", "declined"]
    reason: Annotated[str, MULTI_LINE] | None = None
    reference: str
    amount: Decimal
    currency: str


class StatusChange(Contract):
    """The order reached ``status`` at ``at``: its history as the billing admin reads it, in their language (the
    timeline's notes are the operators', in English)."""

    at: AwareDatetime
    status: SeatOrderStatus


class SeatOrderState(Contract):
    order_no: str
    account_no: str
    status: SeatOrderStatus
    requested_by: EmailStr
    reason: Annotated[str, MULTI_LINE] | None = Field(
        default=None, description="Why the order was refused, failed, declined or ended (in English)."
    )
    why: Reason | None = Field(default=None, description="The same reason, for the reader's language.")
    cart: list[NewSeats] = Field(default_factory=list)
    promotion: AppliedPromotion | None = Field(default=None, description="The cart's promotion, as it was checked.")
    quote: Quote | None = None
    quotes_made: int = Field(default=0, description="How many quotes the order made (the next one's number).")
    admin_contact: AdminContact | None = None
    card: CardOnOrder | None = None
    billing_address: BillingAddress | None = None
    placed_at: AwareDatetime | None = None
    process_by: AwareDatetime | None = None
    escalated: bool = False
    approved_by: str | None = None
    charge: ChargeResult | None = None
    completed_at: AwareDatetime | None = None
    mails: list[MailRecord] = Field(default_factory=list)
    timeline: list[tuple[AwareDatetime, str]] = Field(default_factory=list)
    history: list[StatusChange] = Field(default_factory=list)


# ----------------------------------------------------------------------------------------------- the step table


@dataclass(frozen=True)
class SeatOrderStep:
    """One portal step as clients drive it: the URL path segment, the workflow Update, its input and answer."""

    path: str
    update: str
    model: type[Contract]
    result: type[Contract]
    summary: str


SEAT_ORDER_STEPS: tuple[SeatOrderStep, ...] = (
    SeatOrderStep("quantities", "set_quantities", SetQuantities, SeatOrderState, "New Seat Qty: the cart's lines"),
    SeatOrderStep("review", "review", ReviewCart, Quote, "Save cart & review: make the quote"),
    SeatOrderStep("accept", "accept", AcceptQuote, SeatOrderState, "Accept the quote: proceed to payment"),
    SeatOrderStep("decline", "decline", DeclineQuote, SeatOrderState, "Decline the quote (with an optional reason)"),
    SeatOrderStep(
        "payment",
        "payment",
        PaymentDetails,
        SeatOrderState,
        "Payment details: save and continue to the service order (the card by its reference, never a number)",
    ),
    SeatOrderStep("place", "place", PlaceOrder, SeatOrderState, "Place the service order"),
    SeatOrderStep("approve", "approve", ApproveOrder, SeatOrderState, "Approve an order waiting for a manual review"),
)
STEP_OF_UPDATE = {step.update: step for step in SEAT_ORDER_STEPS}


SeatOrderInput.model_rebuild()
