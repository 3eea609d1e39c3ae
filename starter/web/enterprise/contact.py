"""Writing to Corporate Account Services, as the contact page (contact_pages.py) and its JSON twin (contact_api.py)
both do it: at most ``ONRAMP_RATE_LIMIT_CONTACT`` messages per account (not per address: an account's admins share
it, wherever they write from), then the mail, then the confirmation in the reader's language."""

from __future__ import annotations

from fastapi import Request

from models.account_services_message import ServicesMessage
from models.refusals import Refusal, because_n
from starter.errors import OnrampError
from starter.services import account_services_contact as contact
from starter.services.admin_auth import Admin
from starter.settings import Settings
from starter.web.rate_limits import Limit, RateLimits, TooManyRequests
from starter.web.reading import gettext
from store import SessionFactory

PATH = "/admin/contact"


class TooManyMessages(OnrampError):
    http_status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            because_n(
                "Too many messages from this account: try again in %(num)d second.",
                "Too many messages from this account: try again in %(num)d seconds.",
                retry_after,
            ),
            type=Refusal.TOO_MANY_REQUESTS,
        )
        self.headers = {"Retry-After": str(retry_after)}


def _count(request: Request, admin: Admin) -> None:
    limits: RateLimits = request.app.state.rate_limits
    try:
        limits.hit(Limit.CONTACT, f"account:{admin.account_no}")
    except TooManyRequests as err:
        raise TooManyMessages(int((err.headers or {}).get("Retry-After", "60"))) from None


async def send(
    request: Request, sessions: SessionFactory, settings: Settings, admin: Admin, wanted: ServicesMessage
) -> contact.Sent:
    """The message, counted against the account's limit, on its way (refused with the field when the order is not
    the account's, which counts too: guessing order numbers is no free game)."""
    _count(request, admin)
    return await contact.write(sessions, settings, admin, wanted)


def confirmation(to: str, reply_to: str) -> str:
    return gettext(
        "Your message is on its way to Corporate Account Services (%(to)s). They will answer you at %(reply_to)s.",
        to=to,
        reply_to=reply_to,
    )
