"""Contracts of billing accounts (seeds 002 and 000): products, editions, seats, payment method, company details.

One account, two views: the seats a billing admin buys with a seat order are the licenses the enterprise admin's
organizer accounts draw from.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints, field_validator

from models.common import Contract, Language, Name, TimeZoneName
from models.refusals import Reason, RuleBroken, because

AccountNo = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$")
]
PHONE_PATTERN = r"^[0-9 +()\-]*(?:(?:[Ee][Xx][Tt]\.?|[Xx]|#|转|轉) ?[0-9]+)?$"
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40, pattern=PHONE_PATTERN)]
"""A phone number: digits, spaces, + ( ) -, and an extension written the usual ways (ext 12, x12, #12, and the
Chinese 转12, as seed 000's admins write it)."""


class Product(StrEnum):
    GOTO_MEETING = "GoTo Meeting"
    GOTO_WEBINAR = "GoTo Webinar"
    GOTO_TRAINING = "GoTo Training"
    GOTOASSIST_V4 = "GoToAssist v4"
    GOTOASSIST_V5 = "GoToAssist v5"
    GOTO_CONNECT = "GoTo Connect"
    GOTO_ROOM = "GoTo Room"


SEAT_ADDITION_PRODUCTS = frozenset(
    {Product.GOTO_MEETING, Product.GOTO_WEBINAR, Product.GOTO_TRAINING, Product.GOTOASSIST_V4, Product.GOTOASSIST_V5}
)
"""Seed 002: the products that support seat additions in the Corporate Billing Portal."""


class Edition(StrEnum):
    ENTERPRISE = "Enterprise"
    STANDARD = "Standard"
    BASIC = "Basic"


class PaymentMethod(StrEnum):
    CARD = "card"  # automatic: credit or debit card
    INVOICE = "invoice"


CORPORATE_ACCOUNT_SERVICES = "Corporate Account Services"


def no_account(account_no: str) -> Reason:
    """The refusal wherever an account number names no account."""
    return because("No account %(account_no)s.", account_no=account_no)


class SubscriptionLine(Contract):
    product: Product
    edition: Edition
    seats: int = Field(ge=0, le=100_000)
    unit_price: Decimal = Field(gt=0, max_digits=10, decimal_places=2, description="Yearly price of one seat.")
    renewal_date: date


class CompanyInfo(Contract):
    """Seed 000's 'basic information'. The username is the admin e-mail and follows it."""

    customer_name: Name
    admin_email: EmailStr
    admin_name: Name
    admin_phone: Phone
    admin_mobile: Phone = ""
    company_phone: Phone = ""
    company_fax: Phone = ""
    province: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] = ""
    city: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] = ""
    street: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class NewAccount(Contract):
    """`onramp account create` and `POST /api/accounts`."""

    account_no: AccountNo
    company: CompanyInfo
    billing_contact_email: EmailStr
    billing_contact_name: Name
    self_service: bool = True
    payment_method: PaymentMethod = PaymentMethod.CARD
    currency: Annotated[str, StringConstraints(max_length=3, pattern=r"^[A-Z]{3}$")] = "EUR"
    tax_rate: Decimal = Field(default=Decimal("0.22"), ge=0, le=1, decimal_places=4)
    customer_type: Annotated[str, StringConstraints(max_length=40)] = "Group"
    language: Language = Field(
        default="en",
        description="The account's language (BCP 47): the billing contact's mails, and the enterprise admin's until "
        "they choose their own in the portal.",
    )
    time_zone: TimeZoneName = Field(
        default="UTC", description="The account's time zone: the order list's dates are shown in it."
    )
    subscriptions: list[SubscriptionLine] = Field(min_length=1, max_length=20)
    initial_password: (
        Annotated[str, StringConstraints(min_length=4, max_length=16, pattern=r"^[A-Za-z0-9]+$")] | None
    ) = Field(
        default=None,
        description="The enterprise admin's first password (4-16 letters and digits); made up when absent.",
    )

    @field_validator("subscriptions")
    @classmethod
    def _one_line_per_edition(cls, lines: list[SubscriptionLine]) -> list[SubscriptionLine]:
        keys = [(line.product, line.edition) for line in lines]
        if len(set(keys)) != len(keys):
            raise RuleBroken(because("each product and edition may be listed once"))
        return lines
