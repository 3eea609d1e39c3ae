"""Contracts of billing accounts (seeds 002 and 000): products, editions, seats, payment method, company details.

One account, two views: the seats a billing admin buys with a seat order are the licenses the enterprise admin's
organizer accounts draw from.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints, ValidationInfo, field_validator

from models import china_divisions
from models.common import Contract, Language, Name, TimeZoneName
from models.refusals import Reason, RuleBroken, because
from models.tax import CountryCode

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


Region = Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)]
CHINA = "CN"
COUNTRY_DESCRIPTION = (
    "The company's country (ISO 3166-1 alpha-2), CN when absent. In China the province and the city are choices "
    "from the national list of divisions (GB/T 2260); elsewhere they are free text."
)
PROVINCE_DESCRIPTION = (
    "In China: one of the 34 province-level divisions of GB/T 2260, sent as its code (310000), its name (上海市, "
    "上海, 臺灣省) or its pinyin (Shanghai), and returned as the list's name in simplified Chinese (上海市). "
    "Elsewhere: free text (a state, a region)."
)
CITY_DESCRIPTION = (
    "In China: one of the province's prefecture-level cities (for 北京市, 天津市, 上海市, 重庆市, Hong Kong, Macao "
    "and Taiwan the division itself, filled in when left out), sent and returned like the province (330100, "
    "杭州市, Hangzhou → 杭州市); required with a province, empty without. Elsewhere: free text."
)


def checked_province(country: str | None, value: str) -> str:
    """A Chinese company's province as the national list names it (refused when it is not on the list); any other
    country's as written."""
    if country != CHINA or not value:
        return value
    found = china_divisions.province(value)
    if found is None:
        raise RuleBroken(
            because(
                "'%(province)s' is not a province of China: choose one of the 34 province-level divisions (a name "
                "such as 浙江省 or Zhejiang, or its code such as 330000), or another country",
                province=value,
            )
        )
    return found.name


def checked_city(country: str | None, province: str | None, value: str) -> str:
    """A Chinese company's city as the national list names it, one of its province's (required with a province;
    the division itself where it is the only one); any other country's as written. ``province`` is None when the
    province was refused (that refusal is the one to read)."""
    if country != CHINA or province is None:
        return value
    if not province:
        if value:
            raise RuleBroken(because("choose the province first, then one of its cities"))
        return value
    found = china_divisions.province(province)
    if found is not None and not value:
        if len(found.cities) == 1:  # a municipality, Hong Kong, Macao, Taiwan: the city is the division itself
            return found.cities[0].name
        raise RuleBroken(
            because("choose the city in %(province)s (%(pinyin)s)", province=found.name, pinyin=found.english)
        )
    city = found.city(value) if found else None
    if found is None or city is None:
        raise RuleBroken(
            because(
                "'%(city)s' is not a city of %(province)s (%(pinyin)s): choose one of the province's cities",
                city=known.name if (known := china_divisions.city_anywhere(value)) else value,
                province=found.name if found else province,
                pinyin=found.english if found else province,
            )
        )
    return city.name


class CompanyInfo(Contract):
    """Seed 000's 'basic information'. The username is the admin e-mail and follows it."""

    customer_name: Name
    admin_email: EmailStr
    admin_name: Name
    admin_phone: Phone
    admin_mobile: Phone = ""
    company_phone: Phone = ""
    company_fax: Phone = ""
    country: CountryCode = Field(default=CHINA, description=COUNTRY_DESCRIPTION)
    province: Region = Field(default="", description=PROVINCE_DESCRIPTION)
    city: Region = Field(default="", description=CITY_DESCRIPTION, validate_default=True)
    street: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""

    @field_validator("province")
    @classmethod
    def _province_of_the_country(cls, value: str, info: ValidationInfo) -> str:
        return checked_province(info.data.get("country"), value)

    @field_validator("city")
    @classmethod
    def _city_of_the_province(cls, value: str, info: ValidationInfo) -> str:
        return checked_city(info.data.get("country"), info.data.get("province"), value)


class NewAccount(Contract):
    """`onramp account create` and `POST /api/accounts`."""

    account_no: AccountNo
    company: CompanyInfo
    billing_contact_email: EmailStr
    billing_contact_name: Name
    self_service: bool = True
    payment_method: PaymentMethod = PaymentMethod.CARD
    currency: Annotated[str, StringConstraints(max_length=3, pattern=r"^[A-Z]{3}$")] = "EUR"
    tax_rate: Decimal = Field(
        default=Decimal("0.22"),
        ge=0,
        le=1,
        decimal_places=4,
        description="The account's own tax rate: quoted when its billing country is not in the rate table.",
    )
    billing_country: CountryCode | None = Field(
        default=None,
        description="The billing address's country (ISO 3166-1 alpha-2) until an order gives an address: its tax "
        "comes from the rate table.",
    )
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
