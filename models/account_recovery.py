"""Contracts of the enterprise admin's account recovery (seed 000's login): asking for a password reset link by
the admin e-mail, and setting a new password with it. They cross the JSON API; the pages read the same models."""

from __future__ import annotations

from pydantic import AwareDatetime, EmailStr, Field, SecretStr

from models.admin import PASSWORD_PATTERN, PASSWORD_RULE
from models.common import Contract


class ResetRequest(Contract):
    """The "forgot password?" form: the admin e-mail (the username). The answer is the same whether or not an
    account has it."""

    email: EmailStr = Field(max_length=320, description="The enterprise admin's e-mail address (the username).")


class ResetRequested(Contract):
    message: str = Field(description="The same sentence whether or not an account has the address.")


class ResetLinkView(Contract):
    """A link that still works: whose password it sets, and until when."""

    username: EmailStr
    expires_at: AwareDatetime


class NewPassword(Contract):
    """The new password, twice (the same rule as the password change: 4-16 letters and digits)."""

    new_password: SecretStr = Field(
        max_length=200, description=f"{PASSWORD_RULE}.", json_schema_extra={"pattern": PASSWORD_PATTERN}
    )
    new_password_confirmation: SecretStr = Field(max_length=200)


class PasswordResetDone(Contract):
    """The new password is set and every session of the admin has ended: log in with it."""

    username: EmailStr
    message: str
