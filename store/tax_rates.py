"""The tax rate table (store/data/tax_rates.csv): data, read once; the seat order's activities look a billing
country up in it, so a quote holds the rate it was made with in its history."""

from __future__ import annotations

import csv
from decimal import Decimal
from functools import cache
from pathlib import Path

from models.tax import TaxRate

TABLE = Path(__file__).parent / "data" / "tax_rates.csv"


@cache
def table() -> dict[str, TaxRate]:
    with TABLE.open(encoding="utf-8", newline="") as file:
        rows = csv.DictReader(line for line in file if not line.startswith("#"))
        return {
            row["country"]: TaxRate(country=row["country"], rate=Decimal(row["rate"]), name=row["name"] or None)
            for row in rows
        }


def rate_for(country: str | None, account_rate: Decimal) -> TaxRate:
    """The country's rate, or the account's own when the country is not in the table (or not known)."""
    found = table().get((country or "").upper())
    return found if found is not None else TaxRate(rate=account_rate)
