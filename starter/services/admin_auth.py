"""The enterprise admin's login (seed 000, steps 1 and 2): server-side sessions and the forced password change.

- The username is the admin e-mail (EnterpriseAdmin.email, unique); the password is kept only as a scrypt hash.
- A session is an AdminSession row. The cookie holds only a random id; the row's key is the id's SHA-256, so the
  table alone does not let anyone in. The cookie is HttpOnly and SameSite=Lax.
- Until the first password is changed (`must_change_password`), the portal shows only the change page.
- Wrong passwords slow down whoever keeps guessing (login_throttle.py: growing delays per client address and per
  account), never lock the admin out; an unknown username, a wrong password and a throttled try read the same.
- A login and a password change each start a new session id; the change ends every other session too, and any
  password reset link still open (starter/services/password_recovery.py: "forgot password?").
- No password ever enters a workflow: this module checks, hashes and stores it, and mails a confirmation (without
  the password) to the admin e-mail of that moment.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select

from activities.mail_delivery import MailDelivery
from models.admin import PASSWORD_RULE_REASON as RULE
from models.admin import AdminSessionView
from models.common import Recipient
from models.mail import MailRequest
from models.refusals import Reason, Refusal, because
from models.seed_rules import ADMIN_PASSWORD_LENGTH
from starter.errors import OnrampError
from starter.services.login_throttle import LoginThrottle
from starter.services.passwords import hash_password, hashed, verified
from starter.settings import Settings
from store import SessionFactory, outbox, password_resets
from store.accounts import admin_language
from store.tables import Account, AdminSession, EnterpriseAdmin

log = logging.getLogger("onramp.admin")

COOKIE = "onramp_admin"
SESSION_HOURS = 8
PASSWORD = re.compile(r"^[A-Za-z0-9]+$")
_DUMMY_HASH = hash_password("not-a-password-0")  # a wrong username costs as much time as a wrong password


class NotLoggedIn(OnrampError):
    http_status = 401

    def __init__(self, reason: Reason | None = None) -> None:
        super().__init__(
            reason or because("Log in to the enterprise admin self-service portal first."), type=Refusal.NOT_LOGGED_IN
        )


class PasswordChangeRequired(OnrampError):
    http_status = 403

    def __init__(self) -> None:
        super().__init__(
            because("This is your first login: change your initial password first (POST /api/admin/password)."),
            type=Refusal.PASSWORD_CHANGE_REQUIRED,
        )


class InvalidInput(OnrampError):
    http_status = 422


@dataclass(frozen=True)
class Admin:
    """The logged-in enterprise admin, as the portal needs them."""

    account_no: str
    email: str
    name: str
    customer_name: str
    must_change_password: bool
    session_key: str
    expires_at: datetime
    language: str = "en"
    """The admin's own language (chosen in the portal), else the account's: their mails, and their organizers'."""
    time_zone: str = "UTC"
    """The account's time zone: the portal's dates and times."""

    def view(self) -> AdminSessionView:
        return AdminSessionView(
            account_no=self.account_no,
            username=self.email,
            admin_name=self.name,
            customer_name=self.customer_name,
            must_change_password=self.must_change_password,
            expires_at=self.expires_at,
        )


def session_key(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


WRONG_LOGIN = because(
    "The username or password is not correct. After several wrong tries, wait a little before the next one."
)
"""One answer for an unknown username, a wrong password and a throttled attempt: none says which it was."""


async def login(
    sessions: SessionFactory,
    username: str,
    password: str,
    *,
    throttle: LoginThrottle,
    address: str,
    replacing: str | None = None,
) -> tuple[str, Admin]:
    """A new session for the right username and password: (the cookie's value, the admin). The session the browser
    had before (``replacing``) ends: a session id is never carried across a login."""
    username = username.strip().lower()
    if not username:
        raise InvalidInput(
            because("Enter your username (your admin e-mail address)."), type=Refusal.INVALID_INPUT, field="username"
        )
    if not password:
        raise InvalidInput(because("Enter your password."), type=Refusal.INVALID_INPUT, field="password")
    if throttle.wait(address, username) > 0:
        raise NotLoggedIn(WRONG_LOGIN)
    async with sessions() as session:
        admin = (
            await session.execute(select(EnterpriseAdmin).where(EnterpriseAdmin.email == username[:320]))
        ).scalar_one_or_none()
    if not await verified(password, admin.password_hash if admin else _DUMMY_HASH) or admin is None:
        throttle.failed(address, username)
        raise NotLoggedIn(WRONG_LOGIN)
    throttle.succeeded(address, username)
    cookie = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    async with sessions.begin() as session:
        await session.execute(delete(AdminSession).where(AdminSession.expires_at <= now))
        if replacing:
            await session.execute(delete(AdminSession).where(AdminSession.id == session_key(replacing[:200])))
        session.add(_new_session(cookie, admin.account_no, now))
    found = await current(sessions, cookie)
    assert found is not None
    return cookie, found


def _new_session(cookie: str, account_no: str, now: datetime) -> AdminSession:
    return AdminSession(
        id=session_key(cookie), account_no=account_no, created_at=now, expires_at=now + timedelta(hours=SESSION_HOURS)
    )


async def current(sessions: SessionFactory, cookie: str | None) -> Admin | None:
    """The admin of a live session, or None (no cookie, unknown, expired)."""
    if not cookie or len(cookie) > 200:
        return None
    found = await _by_key(sessions, session_key(cookie))
    if found is None or found.expires_at <= datetime.now(UTC):
        return None
    return found


async def logout(sessions: SessionFactory, cookie: str | None) -> None:
    if not cookie:
        return
    async with sessions.begin() as session:
        await session.execute(delete(AdminSession).where(AdminSession.id == session_key(cookie)))


def check_new_password(new: str, confirmation: str) -> None:
    """Seed 000: 4-16 letters and digits, typed the same twice."""
    if not new:
        raise InvalidInput(because("Enter a new password."), type=Refusal.INVALID_PASSWORD, field="new_password")
    if not PASSWORD.match(new):
        raise InvalidInput(
            because(
                "The new password may contain only letters and digits (%(rule)s): no spaces or symbols.",
                rule=RULE,
            ),
            type=Refusal.INVALID_PASSWORD,
            field="new_password",
        )
    shortest, longest = ADMIN_PASSWORD_LENGTH
    if not shortest <= len(new) <= longest:
        raise InvalidInput(
            because("The new password is too short: use %(rule)s (it has %(num)d).", rule=RULE, num=len(new))
            if len(new) < shortest
            else because("The new password is too long: use %(rule)s (it has %(num)d).", rule=RULE, num=len(new)),
            type=Refusal.INVALID_PASSWORD,
            field="new_password",
        )
    if new != confirmation:
        raise InvalidInput(
            because("The two new passwords are not the same."),
            type=Refusal.INVALID_PASSWORD,
            field="new_password_confirmation",
        )


async def change_password(
    sessions: SessionFactory, settings: Settings, admin: Admin, old: str, new: str, confirmation: str
) -> tuple[str, Admin]:
    """Check the old password and the new one, store the new hash, end every session of the admin (this one too:
    the browser gets a new session id, the cookie's value returned), and mail a confirmation to the current admin
    e-mail."""
    if not old:
        raise InvalidInput(because("Enter your old password."), type=Refusal.INVALID_PASSWORD, field="old_password")
    check_new_password(new, confirmation)
    now = datetime.now(UTC)
    async with sessions.begin() as session:
        stored = await session.get(EnterpriseAdmin, admin.account_no)
        if stored is None:
            raise NotLoggedIn()
        if not await verified(old, stored.password_hash):
            raise InvalidInput(
                because("The old password is not correct."), type=Refusal.INVALID_PASSWORD, field="old_password"
            )
        if new == old:
            raise InvalidInput(
                because("The new password must be different from the old one."),
                type=Refusal.INVALID_PASSWORD,
                field="new_password",
            )
        stored.password_hash = await hashed(new)
        stored.must_change_password = False
        stored.password_changed_at = now
        await session.execute(delete(AdminSession).where(AdminSession.account_no == admin.account_no))
        await password_resets.revoke_unused(session, admin.account_no, now)  # a link asked for before: no more
        cookie = secrets.token_urlsafe(32)
        session.add(_new_session(cookie, admin.account_no, now))
        changed = PasswordChanged(
            admin.account_no, stored.email, stored.name, admin.customer_name, admin.language, admin.time_zone, now
        )
    await mail_password_changed(sessions, settings, changed)
    found = await current(sessions, cookie)
    assert found is not None
    return cookie, found


async def _by_key(sessions: SessionFactory, key: str) -> Admin | None:
    async with sessions() as session:
        row = (
            await session.execute(
                select(AdminSession, EnterpriseAdmin, Account)
                .join(EnterpriseAdmin, EnterpriseAdmin.account_no == AdminSession.account_no)
                .join(Account, Account.account_no == AdminSession.account_no)
                .where(AdminSession.id == key)
            )
        ).one_or_none()
    if row is None:
        return None
    stored, admin, account = row
    return Admin(
        admin.account_no,
        admin.email,
        admin.name,
        account.customer_name,
        admin.must_change_password,
        key,
        stored.expires_at,
        language=admin_language(admin, account),
        time_zone=account.time_zone,
    )


@dataclass(frozen=True)
class PasswordChanged:
    """What the confirmation of a new password says, and to whom (the admin e-mail of that moment)."""

    account_no: str
    email: str
    name: str
    customer_name: str
    language: str
    time_zone: str
    at: datetime


async def mail_password_changed(sessions: SessionFactory, settings: Settings, changed: PasswordChanged) -> None:
    """A short confirmation, without the password: after a change in the portal, and after a reset by link. A mail
    problem does not undo the change: the request is kept in its outbox row, and the worker's relay sends it once
    SMTP answers."""
    key = f"account-{changed.account_no}"
    async with sessions() as session:
        sent = await outbox.sent_count(session, key, "password_changed")
    request = MailRequest(
        workflow_id=key,
        purpose="password_changed",
        sequence=sent + 1,
        recipient=Recipient(email=changed.email, language=changed.language),
        template="admin_password_changed",
        context={
            "account_no": changed.account_no,
            "admin_name": changed.name,
            "customer_name": changed.customer_name,
            "username": changed.email,
            "changed_at": f"{changed.at:%Y-%m-%d %H:%M} UTC",
            "time_zone": changed.time_zone,
        },
    )
    try:
        await MailDelivery(sessions, settings.mail_config()).send(request, keep_request=True)
    except Exception:  # SMTP down: the password is changed all the same, and the relay sends the mail later
        log.warning("password change confirmation for account %s not sent yet", changed.account_no, exc_info=True)
