"""What an enterprise admin writes to Corporate Account Services from the portal (/admin/contact), and what the
portal answers. The account, the admin and the chosen seat order travel with it from onramp's own records, never
from the form: the admin names an order, onramp says what it is."""

from __future__ import annotations

from typing import Annotated

from pydantic import EmailStr, Field, StringConstraints, field_validator

from models.common import MULTI_LINE, Contract
from models.seat_order import OrderNo

SUBJECT_LENGTH = 150
MESSAGE_LENGTH = 5000


class ServicesMessage(Contract):
    subject: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SUBJECT_LENGTH)]
    message: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MESSAGE_LENGTH), MULTI_LINE
    ]
    order_no: OrderNo | None = Field(
        default=None, description="One of the account's seat orders, whose number, status and quote total go along."
    )

    @field_validator("order_no", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        """The form's "no order" choice is an empty value."""
        return None if isinstance(value, str) and not value.strip() else value


class ServicesMessageSent(Contract):
    """The message is on its way (a mail that cannot be lost: when SMTP is away, the worker's relay sends it)."""

    to: EmailStr
    reply_to: EmailStr = Field(description="The admin's e-mail, where Corporate Account Services answers.")
    order_no: str | None = None
    message: str = Field(description="The confirmation, in the reader's language.")
