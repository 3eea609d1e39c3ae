"""Promotions an operator manages (seed 000's 促销信息): the code a billing admin enters at the cart."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, String
from sqlalchemy.orm import Mapped, mapped_column

from store.tables.base import Base


class PromotionRow(Base):
    __tablename__ = "promotions"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)  # upper case: a code matches whatever its case
    name: Mapped[str] = mapped_column(String(80))
    percent_off: Mapped[str] = mapped_column(String(8))  # a Decimal, as text: exact on every database
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)  # the last day it applies
    products: Mapped[list[str]]  # empty: every product that takes seat additions
    ended: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
