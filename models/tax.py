"""Tax on a quote (seed 002): the rate of the billing address's country, with the name the country gives it
(MwSt, VAT, 增值税). The rates are data (store/data/tax_rates.csv); a quote carries the rate it was made with."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from models.common import Contract

CountryCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, min_length=2, max_length=2, pattern=r"^[A-Za-z]{2}$")
]
"""ISO 3166-1 alpha-2."""


class TaxRate(Contract):
    country: CountryCode | None = Field(
        default=None, description="The country whose rate it is; empty: the account's own rate (no country known)."
    )
    rate: Decimal = Field(ge=0, le=1, max_digits=6, decimal_places=4)
    name: Annotated[str, StringConstraints(max_length=40)] | None = Field(
        default=None, description="The tax's name in its country (MwSt, VAT, 增值税); empty: just 'tax'."
    )


class TaxLookup(Contract):
    """The rate for a billing country; the account's own rate when the table has no row for it."""

    account_no: str
    country: CountryCode
