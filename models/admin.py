"""Contracts of the enterprise admin's self-service portal (seed 000): login, the forced password change, company
info, license counts, organizer rows, and the order list with its filters. They cross the JSON API and the CLI
(the organizer workflow's own contracts are in models/organizer.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, EmailStr, Field, SecretStr, StringConstraints, ValidationInfo, field_validator

from models.accounts import (
    CHINA,
    CITY_DESCRIPTION,
    COUNTRY_DESCRIPTION,
    PROVINCE_DESCRIPTION,
    CompanyInfo,
    Edition,
    Phone,
    Product,
    Region,
    checked_city,
    checked_province,
)
from models.common import Contract, Name, SchemaStates, TimeZoneName, not_blank_pattern
from models.languages import SupportedLanguage
from models.organizer import OrganizerStatus
from models.refusals import RuleBroken, because
from models.seed_rules import ADMIN_PASSWORD_LENGTH
from models.tax import CountryCode

PASSWORD_RULE_REASON = because(
    "%(shortest)d-%(longest)d letters and digits", shortest=ADMIN_PASSWORD_LENGTH[0], longest=ADMIN_PASSWORD_LENGTH[1]
)
"""Seed 000: 密码格式为 4-16 位字母数字任意组合."""
PASSWORD_RULE = PASSWORD_RULE_REASON.english()
PASSWORD_PATTERN = rf"^[A-Za-z0-9]{{{ADMIN_PASSWORD_LENGTH[0]},{ADMIN_PASSWORD_LENGTH[1]}}}$"
"""The same rule as the schema states it (starter/services/admin_auth.py checks it, with its own messages)."""


class Login(Contract):
    """The login form: the username is the admin e-mail."""

    username: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=320), SchemaStates(pattern=not_blank_pattern(1))
    ] = Field(description="The enterprise admin's e-mail address.")
    password: SecretStr = Field(max_length=200, json_schema_extra={"minLength": 1})


class AdminSessionView(Contract):
    """Who is logged in, and whether the first password must still be changed."""

    account_no: str
    username: EmailStr
    admin_name: str
    customer_name: str
    must_change_password: bool
    expires_at: AwareDatetime


class PasswordChange(Contract):
    """Seed 000, step 2: the old password, then the new one twice (4-16 letters and digits)."""

    old_password: SecretStr = Field(max_length=200, json_schema_extra={"minLength": 1})
    new_password: SecretStr = Field(
        max_length=200, description=f"{PASSWORD_RULE}.", json_schema_extra={"pattern": PASSWORD_PATTERN}
    )
    new_password_confirmation: SecretStr = Field(max_length=200)


class CompanyEdit(Contract):
    """Seed 000, step 3: every field of the basic information except the customer name, which is read-only.
    The username follows the admin e-mail."""

    admin_email: EmailStr
    admin_name: Name
    admin_phone: Phone = Field(min_length=1)
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


class CompanyView(Contract):
    company: CompanyInfo
    username: EmailStr = Field(description="Always the admin e-mail.")
    username_changed: bool = False


class LicenseCount(Contract):
    """One product edition's pool: what remains is what organizer accounts can still take."""

    product: Product
    edition: Edition
    label: str
    seats: int
    used: int
    remaining: int


class OrganizerRow(Contract):
    """One organizer account in the product list."""

    email: EmailStr
    last_name: str
    first_name: str
    product: Product
    edition: Edition
    label: str
    status: OrganizerStatus
    invited_at: AwareDatetime
    activated_at: AwareDatetime | None = None
    language: str | None = Field(default=None, description="The organizer's language (their mails and pages).")


class SeatHolderRow(Contract):
    """A seat a seat order assigned to its admin contact (seed 002: a seat of each product in the quote). It holds
    one license of its edition, as an organizer account does, and is released like one is removed
    (`DELETE /api/admin/seats/{email}/{product}`); it has no invitation to send again."""

    email: EmailStr
    last_name: str
    first_name: str
    product: Product
    edition: Edition
    label: str
    order_no: str = Field(description="The seat order that assigned the seat.")
    status: Literal["seat_from_order"] = "seat_from_order"
    assigned_at: AwareDatetime


class OrganizerList(Contract):
    licenses: list[LicenseCount]
    remaining: str = Field(description="What remains per edition, as the portal says it.")
    organizers: list[OrganizerRow]
    seats: list[SeatHolderRow] = Field(
        default_factory=list,
        description="The seats the account's seat orders assigned to their admin contacts: each holds a license.",
    )


class OrderFilter(Contract):
    """The order list's filters (seed 000, step 6): date range, order number, promotion. Empty means any."""

    date_from: date | None = None
    date_to: date | None = None
    order_no: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] | None = None
    promotion: Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)] | None = None

    @field_validator("date_to")
    @classmethod
    def _range(cls, date_to: date | None, info: ValidationInfo) -> date | None:
        date_from = info.data.get("date_from")
        if date_to and date_from and date_to < date_from:
            raise RuleBroken(because("the end of the date range is before its start"))
        return date_to

    @field_validator("order_no", "promotion")
    @classmethod
    def _blank_is_any(cls, value: str | None) -> str | None:
        return value or None

    @property
    def active(self) -> bool:
        return any(value is not None for value in (self.date_from, self.date_to, self.order_no, self.promotion))


class OrderLine(Contract):
    """One row of the order list, with the seed's columns."""

    id: int
    number: int = Field(description="No.: the row's position in the list.")
    customer_name: str
    ordered_at: datetime
    kind: str = Field(description="Order nature: 'account increase'.")
    quantity: int
    running_total: int = Field(description="Accounts of the edition after this order (remaining max accounts).")
    payment_type: str
    invoice_type: str
    order_no: str
    customer_type: str
    expires_at: date | None
    product: Product | str
    edition: Edition | str
    product_edition: str
    promotion: str | None = Field(description="The code of the promotion the order applied (促销信息).")
    promotion_name: str | None = Field(default=None, description="That promotion's name.")
    available: bool = Field(
        description="Whether the line is still in force: not past its expiry, its product edition still held."
    )

    @property
    def promotion_label(self) -> str:
        return " ".join(part for part in (self.promotion, self.promotion_name) if part)


class OrderList(Contract):
    filter: OrderFilter
    promotions: list[str] = Field(description="Every promotion on the account's orders, for the filter.")
    promotion_names: dict[str, str] = Field(default_factory=dict, description="Those promotions' names, by code.")
    orders: list[OrderLine]
    time_zone: str = Field(default="UTC", description="The account's time zone: the dates' wall clock.")


class Preferences(Contract):
    """The enterprise admin's language (their mails and pages, and the default of the organizers they create) and
    the account's time zone (the dates of the order list and of the mails about the account)."""

    language: SupportedLanguage = Field(
        description="One of the languages onramp speaks (en, zh-Hans, zh-Hant, de, sl, ar)."
    )
    time_zone: TimeZoneName


class BillingContact(Contract):
    """Who gets the account's receipts (seed 002), and the language they read them in (the account's)."""

    name: Name
    email: EmailStr
    language: SupportedLanguage = Field(description="The language of the receipts (and the account's language).")
