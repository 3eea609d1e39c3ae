"""Corporate Account Services (seed 002): whom a billing admin turns to when the account cannot add seats itself or
needs more help, and how to reach them.

The team's e-mail, phone and hours are onramp's settings (starter/settings.py). A workflow reads no settings, so a
seat order carries them in its policy (models/seat_order.py); every sentence that says "contact Corporate Account
Services" is followed by ``reach``, so nobody has to look the team up.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import EmailStr, StringConstraints

from models.accounts import CORPORATE_ACCOUNT_SERVICES
from models.common import Contract
from models.refusals import Reason, because

DEFAULT_EMAIL = "corporate-account-services@goto.example"
DEFAULT_PHONE = "+1 800 555 0142"
DEFAULT_HOURS = "Mon\u2013Fri 08:00\u201318:00 CET"

ServicesPhone = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40, pattern=r"^\+?[0-9][0-9 ()./-]*$")
]
"""A phone number as people write it: digits, spaces, ``+ ( ) . / -``."""
ServicesHours = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
"""When the team answers, as free text ("Mon-Fri 08:00-18:00 CET"): shown as it is in every language."""


class AccountServices(Contract):
    """How to reach Corporate Account Services."""

    email: EmailStr = DEFAULT_EMAIL
    phone: ServicesPhone = DEFAULT_PHONE
    hours: ServicesHours = DEFAULT_HOURS

    @property
    def name(self) -> str:
        return CORPORATE_ACCOUNT_SERVICES


def reach(services: AccountServices) -> Reason:
    """The sentence after "contact Corporate Account Services": their e-mail, phone and hours."""
    return because(
        "You can reach them at %(email)s or by phone at %(phone)s (%(hours)s).",
        email=str(services.email),
        phone=services.phone,
        hours=services.hours,
    )


def with_reach(reason: Reason, services: AccountServices) -> Reason:
    """``reason`` (a sentence that says to contact the team), then how to reach them. The joining key holds no
    words, so it is no sentence to translate: it reads as it is in every language, and each sentence keeps its own
    translation."""
    return Reason(key="%(reason)s %(reach)s", params={"reason": reason, "reach": reach(services)})
