"""Company info (seed 000, step 3): the basic information, where the username follows the admin e-mail.

After the admin e-mail changes, the username is the new address and every later mail (the password change
confirmation, invitation copies, order mails) goes there: each of them reads the admin e-mail when it is sent.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models.accounts import CompanyInfo, no_account
from models.admin import BillingContact, CompanyEdit, CompanyView, Preferences
from models.languages import DEFAULT_LANGUAGE, supported
from models.refusals import Refusal, because
from starter.errors import NotFound, OnrampError
from store import SessionFactory
from store import accounts as store
from store.organizers import admin_of
from store.tables import Account, EnterpriseAdmin


class UsernameTaken(OnrampError):
    http_status = 409


async def read(sessions: SessionFactory, account_no: str) -> CompanyView:
    async with sessions() as session:
        info = await store.company_info(session, account_no)
    if info is None:
        raise NotFound(no_account(account_no), type=Refusal.NOT_FOUND)
    return CompanyView(company=info, username=info.admin_email)


async def preferences(sessions: SessionFactory, account_no: str) -> Preferences:
    async with sessions() as session:
        found = await admin_of(session, account_no)
    if found is None:
        raise NotFound(no_account(account_no), type=Refusal.NOT_FOUND)
    admin, account = found
    return Preferences(
        language=supported(store.admin_language(admin, account)) or DEFAULT_LANGUAGE, time_zone=account.time_zone
    )


async def billing_contact(sessions: SessionFactory, account_no: str) -> BillingContact:
    async with sessions() as session:
        account = await store.billing_contact(session, account_no)
    if account is None:
        raise NotFound(no_account(account_no), type=Refusal.NOT_FOUND)
    return BillingContact(
        name=account.billing_contact_name,
        email=account.billing_contact_email,
        language=supported(account.language) or DEFAULT_LANGUAGE,
    )


async def save_billing_contact(sessions: SessionFactory, account_no: str, wanted: BillingContact) -> BillingContact:
    """The receipts of the seat orders started from now on go to ``wanted``, in its language."""
    async with sessions.begin() as session:
        await store.set_billing_contact(session, account_no, wanted.name, str(wanted.email), wanted.language.value)
    return await billing_contact(sessions, account_no)


async def save_preferences(sessions: SessionFactory, account_no: str, wanted: Preferences) -> Preferences:
    """From now on the admin's mails and pages are in ``wanted.language``, and so are the mails of the organizers
    they create from now on (each can choose another when activating); the account's dates are in its zone."""
    async with sessions.begin() as session:
        await store.set_preferences(session, account_no, wanted.language.value, wanted.time_zone)
    return wanted


async def update(sessions: SessionFactory, account_no: str, edit: CompanyEdit) -> CompanyView:
    """Save the basic information; a new admin e-mail becomes the username (unique across all admins)."""
    email = str(edit.admin_email).lower()
    try:
        async with sessions.begin() as session:
            account = await session.get(Account, account_no)
            admin = await session.get(EnterpriseAdmin, account_no)
            if account is None or admin is None:
                raise NotFound(no_account(account_no), type=Refusal.NOT_FOUND)
            taken = (
                await session.execute(
                    select(EnterpriseAdmin.account_no).where(
                        EnterpriseAdmin.email == email, EnterpriseAdmin.account_no != account_no
                    )
                )
            ).scalar_one_or_none()
            if taken is not None:
                raise _taken(email)
            changed = admin.email != email
            admin.email = email
            admin.name = edit.admin_name
            fields = edit.model_dump(mode="json", exclude={"admin_email"})
            account.company = {**account.company, **fields, "customer_name": account.customer_name}
    except IntegrityError:  # another account took the address at the same moment
        raise _taken(email) from None
    info = CompanyInfo.model_validate({**fields, "customer_name": account.customer_name, "admin_email": email})
    return CompanyView(company=info, username=email, username_changed=changed)


def _taken(email: str) -> UsernameTaken:
    return UsernameTaken(
        because(
            "%(email)s is already the username of another enterprise admin; choose another admin e-mail.", email=email
        ),
        type=Refusal.USERNAME_TAKEN,
        field="admin_email",
    )
