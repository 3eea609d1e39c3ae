"""The organizer accounts' side effects (seed 000): take a license and create the account, activate it, remove it
and return the license, and look up the account's current admin (whose e-mail may have changed).

Every write is idempotent per workflow run (the row carries the run's creation id), and every business refusal is a
non-retryable ApplicationError whose message the portal shows as it is, naming the field it is about.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity

from models.accounts import no_account
from models.organizer import (
    ACCOUNT_ADMIN_ACTIVITY,
    ACTIVATE_ORGANIZER_ACTIVITY,
    CREATE_ORGANIZER_ACTIVITY,
    REMOVE_ORGANIZER_ACTIVITY,
    AccountAdmin,
    LicenseReturned,
    LicenseTaken,
    OrganizerRef,
    TakeLicense,
)
from models.organizer_rules import edition_phrase, no_license_left, no_such_edition, organizer_exists
from models.refusals import Refusal, because, refuse
from store import SessionFactory, activation_tokens
from store import organizers as store
from store.accounts import admin_language
from store.tables import Organizer
from store.upsert import upsert


class OrganizerActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @activity.defn(name=CREATE_ORGANIZER_ACTIVITY)
    async def create_organizer(self, request: TakeLicense) -> LicenseTaken:
        """One transaction: take one license of the edition (refused when none is left) and create the organizer."""
        email = str(request.email).lower()
        product, edition = request.product.value, request.edition.value
        async with self._sessions.begin() as session:
            existing = await store.find(session, request.account_no, email)
            already_mine = existing is not None and existing.creation_id == request.creation_id
            if existing is not None and existing.status in store.HOLDING and not already_mine:
                raise refuse(
                    Refusal.ORGANIZER_EXISTS,
                    organizer_exists(email, existing.product, existing.edition, existing.status),
                    "email",
                )
            if not already_mine:
                pool = await store.pool(session, request.account_no, product, edition)
                if pool is None:
                    held = [
                        edition_phrase(p.product, p.edition) for p in await store.pools(session, request.account_no)
                    ]
                    raise refuse(Refusal.INVALID_STEP, no_such_edition(product, edition, held), "edition")
                if not await store.take_license(session, request.account_no, product, edition):
                    raise refuse(Refusal.NO_LICENSE_LEFT, no_license_left(product, edition, pool.seats), "edition")
                admin = await self._admin(session, request.account_no)
                await upsert(
                    session,
                    Organizer,
                    {
                        "account_no": request.account_no,
                        "email": email,
                        "last_name": request.last_name,
                        "first_name": request.first_name,
                        "product": product,
                        "edition": edition,
                        "status": "invited",
                        "invited_at": request.at,
                        "activated_at": None,
                        "removed_at": None,
                        "creation_id": request.creation_id,
                        "language": request.language or admin.language,
                    },
                    key=["account_no", "email"],
                )
            after = await store.pool(session, request.account_no, product, edition)
            admin = await self._admin(session, request.account_no)
        assert after is not None
        return LicenseTaken(remaining=after.remaining, seats=after.seats, admin=admin)

    @activity.defn(name=ACTIVATE_ORGANIZER_ACTIVITY)
    async def activate_organizer(self, ref: OrganizerRef) -> bool:
        """The organizer confirmed through the link: the account is active and every link of it is spent."""
        async with self._sessions.begin() as session:
            moved = await store.mark(
                session,
                account_no=ref.account_no,
                email=str(ref.email),
                creation_id=ref.creation_id,
                from_statuses=("invited",),
                status="active",
                at=ref.at,
                language=ref.language,
            )
            await activation_tokens.use_all(session, ref.workflow_id, ref.at)
        return moved

    @activity.defn(name=REMOVE_ORGANIZER_ACTIVITY)
    async def remove_organizer(self, ref: OrganizerRef) -> LicenseReturned:
        """One transaction: the account is removed, its license goes back to the pool, its links stop working."""
        async with self._sessions.begin() as session:
            row = await store.find(session, ref.account_no, str(ref.email))
            if row is None or row.creation_id != ref.creation_id:
                missing = because("The organizer account %(email)s is not in the database.", email=str(ref.email))
                raise refuse(Refusal.ORGANIZER_MISSING, missing, non_retryable=False)
            product, edition = row.product, row.edition
            moved = await store.mark(
                session,
                account_no=ref.account_no,
                email=str(ref.email),
                creation_id=ref.creation_id,
                from_statuses=store.HOLDING,
                status="removed",
                at=ref.at,
            )
            if moved:
                await store.return_license(session, ref.account_no, product, edition)
            await activation_tokens.revoke_all(session, ref.workflow_id, ref.at)
            after = await store.pool(session, ref.account_no, product, edition)
        return LicenseReturned(returned=moved, remaining=after.remaining if after else 0)

    @activity.defn(name=ACCOUNT_ADMIN_ACTIVITY)
    async def account_admin(self, account_no: str) -> AccountAdmin:
        """The admin as of now: a changed admin e-mail gets every later copy."""
        async with self._sessions() as session:
            return await self._admin(session, account_no)

    @staticmethod
    async def _admin(session: AsyncSession, account_no: str) -> AccountAdmin:
        found = await store.admin_of(session, account_no)
        if found is None:
            raise refuse(Refusal.INVALID_STEP, no_account(account_no), "account_no")
        admin, account = found
        return AccountAdmin(
            account_no=account_no,
            email=admin.email,
            name=admin.name,
            customer_name=account.customer_name,
            language=admin_language(admin, account),
        )
