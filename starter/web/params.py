"""The path parameters of every route, each with the bound its OpenAPI schema states and FastAPI enforces: a path
segment too long to be an order number or an address is a 422 naming it, before any look-up."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from models.common import SINGLE_LINE_PATTERN

Token = Annotated[
    str,
    Path(
        description="The link token from the e-mail.",
        json_schema_extra={"maxLength": 200, "pattern": SINGLE_LINE_PATTERN},
    ),
]
"""Not refused by FastAPI: any token that is not a live one, garbage included, is the look-up's friendly 404
("this link does not work any more"), which is what the person holding a mangled link should read."""
OrderId = Annotated[
    str,
    Path(
        pattern=SINGLE_LINE_PATTERN, min_length=1, max_length=64, description="The partner order's id, e.g. CCW-1001."
    ),
]
OrderNo = Annotated[
    str, Path(pattern=SINGLE_LINE_PATTERN, min_length=1, max_length=40, description="The seat order's number.")
]
AccountNo = Annotated[
    str, Path(pattern=SINGLE_LINE_PATTERN, min_length=1, max_length=32, description="The billing account's number.")
]
Email = Annotated[
    str, Path(pattern=SINGLE_LINE_PATTERN, min_length=3, max_length=320, description="The organizer's e-mail address.")
]
