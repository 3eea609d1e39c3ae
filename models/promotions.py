"""Promotions (seed 000's 促销信息): a code an operator sets up with a discount, a validity and the products it
covers; a billing admin enters it at the cart, the quote applies it, and the account's order list shows it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints, field_validator, model_validator

from models.accounts import SEAT_ADDITION_PRODUCTS, Product
from models.common import Contract
from models.refusals import Reason, RuleBroken, When, because

PromotionCode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_upper=True, min_length=3, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
    ),
]
"""What the admin types at the cart: letters, digits, - and _, compared without regard to case."""
PromotionName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


class AppliedPromotion(Contract):
    """A promotion as a quote applies it: a share off the lines of the products it covers."""

    code: PromotionCode
    name: PromotionName
    percent_off: Decimal = Field(gt=0, le=100, max_digits=5, decimal_places=2)
    products: list[Product] = Field(
        default_factory=list, max_length=10, description="The products it covers; empty: every one that takes seats."
    )

    def covers(self, product: Product) -> bool:
        return not self.products or product in self.products

    @property
    def label(self) -> str:
        """How the order list and the documents name it: the code and its name."""
        return f"{self.code} {self.name}"


class NewPromotion(AppliedPromotion):
    """`onramp promotion add`: a promotion with its validity, both days included."""

    valid_from: date
    valid_until: date

    @field_validator("products")
    @classmethod
    def _takes_seats(cls, products: list[Product]) -> list[Product]:
        for product in products:
            if product not in SEAT_ADDITION_PRODUCTS:
                raise RuleBroken(
                    because("%(product)s does not support seat additions: no promotion can cover it.", product=product)
                )
        if len(set(products)) != len(products):
            raise RuleBroken(because("each product may be listed once"))
        return products

    @model_validator(mode="after")
    def _ordered_days(self) -> NewPromotion:
        if self.valid_until < self.valid_from:
            raise RuleBroken(because("The promotion must end on or after the day it starts."))
        return self

    def applied(self) -> AppliedPromotion:
        return AppliedPromotion(code=self.code, name=self.name, percent_off=self.percent_off, products=self.products)


class Promotion(NewPromotion):
    """A promotion as an operator lists it."""

    ended: bool = Field(default=False, description="Ended by an operator before its last day.")


class FindPromotion(Contract):
    """The cart's code, checked against the products in it on the day the cart is saved: the account's day at
    ``at``, the order's own clock."""

    code: PromotionCode
    account_no: str
    products: list[Product] = Field(min_length=1, max_length=20)
    at: AwareDatetime


def promotion_refusal(promotion: Promotion | None, wanted: FindPromotion, today: date) -> Reason | None:
    """Why the code cannot be applied to this cart ``today``, or None."""
    if promotion is None:
        return because("There is no promotion with the code %(code)s.", code=wanted.code)
    if promotion.ended or today > promotion.valid_until:
        return because(
            "The promotion %(code)s ended on %(day)s.", code=promotion.code, day=When(at=promotion.valid_until)
        )
    if today < promotion.valid_from:
        return because(
            "The promotion %(code)s starts on %(day)s.", code=promotion.code, day=When(at=promotion.valid_from)
        )
    if not any(promotion.covers(product) for product in wanted.products):
        return because(
            "The promotion %(code)s covers %(products)s, none of which is in the cart.",
            code=promotion.code,
            products=", ".join(product.value for product in promotion.products),
        )
    return None
