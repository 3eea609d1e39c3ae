"""Organizer accounts and the licenses they hold (seed 000): the queries the activities and the admin portal share.

A license is taken with one conditional UPDATE (`used = used + 1 … WHERE used < seats`): the database decides, so
two admins racing for the last license get one winner on SQLite (one writer at a time) and on PostgreSQL (the row
lock, and the WHERE clause evaluated again after the first transaction commits).

The seats a seat order assigned to its admin contact (seed 002, `seat_assignments`) hold licenses of the same pools:
they are listed with the organizers and released the same way, the DELETE deciding who releases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.tables import Account, AccountSubscription, EnterpriseAdmin, Organizer, SeatAssignment

HOLDING = ("invited", "active")  # organizer rows that hold a license


@dataclass(frozen=True)
class LicensePool:
    product: str
    edition: str
    seats: int
    used: int

    @property
    def remaining(self) -> int:
        return max(self.seats - self.used, 0)


async def pools(session: AsyncSession, account_no: str) -> list[LicensePool]:
    """Every product edition of the account with its seats and the licenses organizers hold."""
    rows = (
        await session.execute(
            select(AccountSubscription)
            .where(AccountSubscription.account_no == account_no)
            .order_by(AccountSubscription.product, AccountSubscription.edition)
        )
    ).scalars()
    return [LicensePool(row.product, row.edition, row.seats, row.used) for row in rows]


async def pool(session: AsyncSession, account_no: str, product: str, edition: str) -> LicensePool | None:
    row = await session.get(AccountSubscription, (account_no, product, edition))
    if row is None:
        return None
    await session.refresh(row)
    return LicensePool(row.product, row.edition, row.seats, row.used)


async def take_license(session: AsyncSession, account_no: str, product: str, edition: str) -> bool:
    """One license of the edition, if one is left: True when taken. Atomic (a single conditional UPDATE)."""
    result = await session.execute(
        update(AccountSubscription)
        .where(
            AccountSubscription.account_no == account_no,
            AccountSubscription.product == product,
            AccountSubscription.edition == edition,
            AccountSubscription.used < AccountSubscription.seats,
        )
        .values(used=AccountSubscription.used + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def return_license(session: AsyncSession, account_no: str, product: str, edition: str) -> None:
    await session.execute(
        update(AccountSubscription)
        .where(
            AccountSubscription.account_no == account_no,
            AccountSubscription.product == product,
            AccountSubscription.edition == edition,
            AccountSubscription.used > 0,
        )
        .values(used=AccountSubscription.used - 1)
        .execution_options(synchronize_session=False)
    )


async def find(session: AsyncSession, account_no: str, email: str) -> Organizer | None:
    return (
        await session.execute(
            select(Organizer).where(Organizer.account_no == account_no, Organizer.email == email.lower())
        )
    ).scalar_one_or_none()


async def listing(session: AsyncSession, account_no: str, *, include_removed: bool = False) -> list[Organizer]:
    """The account's organizers, by edition then name (the seed's product list)."""
    query = select(Organizer).where(Organizer.account_no == account_no)
    if not include_removed:
        query = query.where(Organizer.status.in_(HOLDING))
    query = query.order_by(Organizer.product, Organizer.edition, Organizer.last_name, Organizer.first_name)
    return list((await session.execute(query)).scalars())


async def seat_holders(session: AsyncSession, account_no: str) -> list[SeatAssignment]:
    """The seats the account's seat orders assigned to their admin contacts, by product then name."""
    query = (
        select(SeatAssignment)
        .where(SeatAssignment.account_no == account_no)
        .order_by(SeatAssignment.product, SeatAssignment.edition, SeatAssignment.last_name, SeatAssignment.first_name)
    )
    return list((await session.execute(query)).scalars())


async def release_seat(session: AsyncSession, account_no: str, email: str, product: str) -> SeatAssignment | None:
    """Delete the seat ``email`` holds of ``product`` and give its license back, in the caller's transaction. The
    DELETE comes first and decides: of two releases at once (a double click) one deletes the row and returns the
    license, the other finds nothing (None) and returns nothing, on SQLite (one writer) and PostgreSQL (the row lock).
    The license's conditional UPDATE never takes ``used`` below 0."""
    deleted = (
        await session.execute(
            delete(SeatAssignment)
            .where(
                SeatAssignment.account_no == account_no,
                SeatAssignment.email == email.lower(),
                SeatAssignment.product == product,
            )
            .returning(SeatAssignment)
            .execution_options(synchronize_session=False)
        )
    ).scalar_one_or_none()
    if deleted is None:
        return None
    await return_license(session, account_no, product, deleted.edition)
    return deleted


async def seats_of(session: AsyncSession, account_no: str, email: str) -> list[SeatAssignment]:
    """The seats ``email`` holds from seat orders (to say why an organizer's step does not apply to them)."""
    query = select(SeatAssignment).where(SeatAssignment.account_no == account_no, SeatAssignment.email == email.lower())
    return list((await session.execute(query.order_by(SeatAssignment.product))).scalars())


async def mark(
    session: AsyncSession,
    *,
    account_no: str,
    email: str,
    creation_id: str,
    from_statuses: tuple[str, ...],
    status: str,
    at: datetime,
    language: str | None = None,
) -> bool:
    """Move the row created by ``creation_id`` from one of ``from_statuses`` to ``status`` (with the language the
    organizer chose, if they did): True when it moved (False: a retry found it moved already)."""
    values: dict[str, object] = {"status": status}
    values["activated_at" if status == "active" else "removed_at"] = at
    if language:
        values["language"] = language
    result = await session.execute(
        update(Organizer)
        .where(
            Organizer.account_no == account_no,
            Organizer.email == email.lower(),
            Organizer.creation_id == creation_id,
            Organizer.status.in_(from_statuses),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def admin_of(session: AsyncSession, account_no: str) -> tuple[EnterpriseAdmin, Account] | None:
    admin = await session.get(EnterpriseAdmin, account_no)
    account = await session.get(Account, account_no)
    if admin is None or account is None:
        return None
    await session.refresh(admin)
    return admin, account
