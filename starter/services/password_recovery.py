"""Account recovery for the enterprise admin ("forgot password?" on the login page, seed 000): a single-use link by
mail, then a new password.

- Anyone may ask for a link by the admin e-mail, and everyone gets the same answer whether or not an account has
  that address. The request does the same statements either way (the look-up, the count, the revoking UPDATE); a
  known address adds the link's row. The mail itself (its rendering, its token, SMTP) is sent after the answer
  (``ResetMail.send``), so the answer's timing does not tell either.
- The link's row is written before the answer: it is the mail's promise. The API sends the mail at once; when SMTP
  is away, or the API dies first, the worker's relay sends it (``deliver_waiting_resets``), once (its outbox key).
- The token is made by the mail delivery (activities/mail_delivery.py), like the activation links: only its SHA-256
  is stored, the token is only in the e-mail, never in a log line, a workflow or the outbox's kept request.
- A link works once, for ``password_reset_minutes`` (at most 60), and only the newest link of an account works.
  An account gets at most ``LINKS_PER_HOUR`` links an hour: more requests are answered the same and send nothing
  (the last link still works), so the form cannot flood an admin's mailbox.
- Using it sets the new password (the password change's rule and scrypt hash), clears the forced change, ends every
  session of the admin and mails the same confirmation as the password change.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiosmtplib
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from activities.mail_delivery import MailDelivery
from models.accounts import no_account
from models.common import Recipient
from models.mail import MailRequest, PasswordResetLinkRequest
from models.refusals import Reason, Refusal, because
from starter.errors import NotFound, OnrampError
from starter.services import admin_auth
from starter.services.passwords import hashed
from starter.settings import Settings
from store import SessionFactory, password_resets
from store.accounts import admin_language
from store.tables import Account, AdminSession, EnterpriseAdmin, PasswordReset

log = logging.getLogger("onramp.admin")

LINKS_PER_HOUR = 5
"""At most this many reset mails per account an hour, however often the form is sent."""
KEPT_DAYS = 30
"""A link's row is forgotten this long after it expired."""
NOBODY = ""
"""The account number no account has: the statements an unknown address runs match no row."""


class ResetLinkUnknown(NotFound):
    def __init__(self) -> None:
        super().__init__(
            because(
                "This password reset link is not known: open the whole link from the e-mail, or ask for a new one."
            ),
            type=Refusal.LINK_INVALID,
        )


class ResetLinkGone(OnrampError):
    """A link that worked once: used, replaced by a newer one, or expired (410)."""

    http_status = 410

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason, type=Refusal.LINK_INVALID)


USED = because("This password reset link has been used already: each link works once. Ask for a new one if needed.")
REPLACED = because(
    "This password reset link no longer works: a newer link was sent, or the password was changed since. Use the "
    "newest link, or ask for a new one."
)
EXPIRED = because("This password reset link has expired. Ask for a new one.")


@dataclass(frozen=True)
class ResetMail:
    """A link's mail, to send after the answer (or, failing that, by the worker's relay)."""

    account_no: str
    sequence: int

    async def send(self, sessions: SessionFactory, settings: Settings) -> bool:
        return await send_reset(sessions, settings, self.account_no, self.sequence)


@dataclass(frozen=True)
class ResetLink:
    """A link that still works, and whose password it sets."""

    id: int
    account_no: str
    email: str
    language: str
    expires_at: datetime


async def ask(sessions: SessionFactory, settings: Settings, email: str) -> ResetMail | None:
    """Answer "forgot password?" for ``email``: the new link's mail to send, or None (no such account, or its
    hourly links are spent). The caller answers the same either way."""
    now = _now()
    address = email.strip().lower()[:320]
    try:
        async with sessions.begin() as session:
            await password_resets.prune(session, now - timedelta(days=KEPT_DAYS))
            admin = await session.scalar(select(EnterpriseAdmin).where(EnterpriseAdmin.email == address))
            account_no = admin.account_no if admin is not None else NOBODY
            recent = await password_resets.asked_since(session, account_no, now - timedelta(hours=1))
            sequence = await password_resets.next_sequence(session, account_no)
            if admin is None or recent >= LINKS_PER_HOUR:
                await password_resets.revoke_unused(session, NOBODY, now)  # the same statement, matching nothing
                if admin is not None:
                    log.info("account %s asked for more than %d reset links in an hour", account_no, LINKS_PER_HOUR)
                return None
            await password_resets.add(session, account_no, sequence, now, _expiry(settings, now))
    except IntegrityError:  # another request for this account took the sequence at this moment: its mail goes
        return None
    return ResetMail(account_no, sequence)


async def send_to_account(sessions: SessionFactory, settings: Settings, account_no: str) -> tuple[str, bool]:
    """An operator's `onramp account send-reset`: a new link for the account's admin, mailed now (no hourly limit:
    the operator asked). Returns the admin's address, and whether the mail is out (else it waits for SMTP)."""
    now = _now()
    async with sessions.begin() as session:
        admin = await session.get(EnterpriseAdmin, account_no)
        if admin is None:
            raise NotFound(no_account(account_no), type=Refusal.ACCOUNT_UNKNOWN)
        sequence = await password_resets.next_sequence(session, account_no)
        await password_resets.add(session, account_no, sequence, now, _expiry(settings, now))
        email = admin.email
    return email, await send_reset(sessions, settings, account_no, sequence)


async def send_reset(sessions: SessionFactory, settings: Settings, account_no: str, sequence: int) -> bool:
    """Send one link's mail now, to the admin e-mail and in the admin's language of this moment (at most once: the
    outbox key decides). A link that stopped working meanwhile is not sent. An SMTP that does not answer leaves
    the mail waiting for the worker's relay: False."""
    now = _now()
    async with sessions() as session:
        link = await password_resets.get(session, account_no, sequence)
        admin = await session.get(EnterpriseAdmin, account_no)
        account = await session.get(Account, account_no)
    if link is None or admin is None or account is None or not _waiting(link, now):
        return True  # sent already, or nothing to send any more
    request = MailRequest(
        workflow_id=password_resets.mail_workflow_id(account_no),
        purpose=password_resets.PURPOSE,
        sequence=sequence,
        recipient=Recipient(email=admin.email, language=admin_language(admin, account)),
        template="admin_password_reset",
        context={
            "account_no": account_no,
            "admin_name": admin.name,
            "customer_name": account.customer_name,
            "username": admin.email,
            "expires_at": f"{link.expires_at:%Y-%m-%d %H:%M} UTC",
            "time_zone": account.time_zone,
            "reset_page_url": f"{settings.link_base}/admin/password-reset",
        },
        reset_link=PasswordResetLinkRequest(account_no=account_no),
    )
    try:
        await MailDelivery(sessions, settings.mail_config()).send(request)
    except (aiosmtplib.SMTPException, OSError) as err:
        log.warning("the password reset mail of account %s waits for SMTP: %s", account_no, err)
        return False
    async with sessions.begin() as session:
        await password_resets.mark_mailed(session, link.id, _now())
    return True


async def deliver_waiting_resets(
    sessions: SessionFactory, settings: Settings, *, older_than_seconds: float = 10
) -> int:
    """The worker's relay: send every link's mail still waiting (its request met an SMTP outage, or the API died
    before sending it), while the link still works. Returns how many went out."""
    now = _now()
    async with sessions() as session:
        waiting = await password_resets.waiting(session, now, now - timedelta(seconds=older_than_seconds))
    sent = 0
    for account_no, sequence in waiting:
        try:
            if not await send_reset(sessions, settings, account_no, sequence):
                break  # SMTP is away: the next round tries again
        except Exception:  # this mail cannot be written (a broken template): the others still go
            log.exception("the password reset mail %s of account %s cannot be sent", sequence, account_no)
            continue
        sent += 1
    return sent


async def open_link(sessions: SessionFactory, token: str) -> ResetLink:
    """The link's target while it works; else why not (unknown: 404; used, replaced, expired: 410). Reading it
    changes nothing (a link checker's GET)."""
    async with sessions() as session:
        link = await password_resets.find(session, token)
        if link is None:
            raise ResetLinkUnknown()
        admin = await session.get(EnterpriseAdmin, link.account_no)
        account = await session.get(Account, link.account_no)
    if admin is None or account is None:
        raise ResetLinkUnknown()
    if link.used_at is not None:
        raise ResetLinkGone(USED)
    if link.revoked_at is not None:
        raise ResetLinkGone(REPLACED)
    if link.expires_at <= _now():
        raise ResetLinkGone(EXPIRED)
    return ResetLink(link.id, link.account_no, admin.email, admin_language(admin, account), link.expires_at)


async def reset_password(
    sessions: SessionFactory, settings: Settings, token: str, new: str, confirmation: str
) -> ResetLink:
    """Set the new password with the link: the link is spent (once: of two uses at once one wins), every other
    link of the account stops working, the forced change is cleared, every session of the admin ends, and the
    confirmation goes to the admin e-mail. The link's target (to log in as)."""
    link = await open_link(sessions, token)
    admin_auth.check_new_password(new, confirmation)
    password_hash = await hashed(new)
    now = _now()
    async with sessions.begin() as session:
        if not await password_resets.spend(session, link.id, now):
            raise ResetLinkGone(USED)
        admin = await session.get(EnterpriseAdmin, link.account_no)
        account = await session.get(Account, link.account_no)
        if admin is None or account is None:
            raise ResetLinkUnknown()
        admin.password_hash = password_hash
        admin.must_change_password = False
        admin.password_changed_at = now
        await password_resets.revoke_unused(session, link.account_no, now)
        await session.execute(delete(AdminSession).where(AdminSession.account_no == link.account_no))
        changed = admin_auth.PasswordChanged(
            link.account_no,
            admin.email,
            admin.name,
            account.customer_name,
            admin_language(admin, account),
            account.time_zone,
            now,
        )
    await admin_auth.mail_password_changed(sessions, settings, changed)
    return ResetLink(link.id, link.account_no, changed.email, changed.language, link.expires_at)


def _waiting(link: PasswordReset, now: datetime) -> bool:
    return link.mailed_at is None and link.used_at is None and link.revoked_at is None and link.expires_at > now


def _expiry(settings: Settings, now: datetime) -> datetime:
    return now + timedelta(minutes=settings.password_reset_minutes)


def _now() -> datetime:
    return datetime.now(UTC)
