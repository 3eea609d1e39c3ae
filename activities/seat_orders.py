"""Seat orders' side effects: the account snapshot, the one open quote per account, adding the seats (with the
order history and the admin's seats) in one idempotent transaction, and the order's row for the portal."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.store import SessionFactory
from activities.store import accounts as store
from activities.store.tables import (
    Account,
    AccountOrder,
    AccountSubscription,
    PaymentCard,
    SeatAssignment,
    SeatOrderRow,
)
from activities.store.upsert import upsert
from models.seat_order import (
    APPLY_SEAT_ORDER_ACTIVITY,
    CLAIM_OPEN_QUOTE_ACTIVITY,
    LOAD_ACCOUNT_ACTIVITY,
    RELEASE_OPEN_QUOTE_ACTIVITY,
    SAVE_SEAT_ORDER_ACTIVITY,
    AccountSnapshot,
    ApplySeatOrder,
    ClaimOpenQuote,
    PricedLine,
    SeatOrderSnapshot,
    SeatOrderState,
)


class SeatOrderActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @activity.defn(name=LOAD_ACCOUNT_ACTIVITY)
    async def load_account_snapshot(self, account_no: str) -> AccountSnapshot:
        async with self._sessions() as session:
            account = await session.get(Account, account_no)
            if account is None:
                raise ApplicationError(f"No account {account_no}.", type="AccountUnknown", non_retryable=True)
            card = await session.get(PaymentCard, account.card_token) if account.card_token else None
            lines = await store.subscriptions(session, account_no)
        return AccountSnapshot(
            account_no=account_no,
            customer_name=account.customer_name,
            self_service=account.self_service,
            pays_by_card=store.pays_automatically(account),
            card_last4=card.last4 if card else None,
            currency=account.currency,
            tax_rate=Decimal(account.tax_rate),
            billing_contact_email=account.billing_contact_email,
            billing_contact_name=account.billing_contact_name,
            customer_type=account.customer_type,
            lines=[PricedLine(**line.model_dump()) for line in lines],
        )

    @activity.defn(name=CLAIM_OPEN_QUOTE_ACTIVITY)
    async def claim_open_quote(self, request: ClaimOpenQuote) -> str:
        """Make this order's quote the account's open one; answer the order whose quote it replaces ('' if none)."""
        async with self._sessions.begin() as session:
            account = await session.get(Account, request.account_no, with_for_update=True)
            if account is None:
                raise ApplicationError(f"No account {request.account_no}.", type="AccountUnknown", non_retryable=True)
            previous = account.open_quote_order_no or ""
            account.open_quote_order_no = request.order_no
        return previous

    @activity.defn(name=RELEASE_OPEN_QUOTE_ACTIVITY)
    async def release_open_quote(self, request: ClaimOpenQuote) -> None:
        """Only this order's own quote is released: a newer order's stays open."""
        async with self._sessions.begin() as session:
            await session.execute(
                update(Account)
                .where(Account.account_no == request.account_no, Account.open_quote_order_no == request.order_no)
                .values(open_quote_order_no=None)
            )

    @activity.defn(name=APPLY_SEAT_ORDER_ACTIVITY)
    async def apply_seat_order(self, request: ApplySeatOrder) -> None:
        """Seats, order history (with running totals), the admin's seats and the billing address: all or nothing,
        and once only (a retry finds the order's history lines and stops)."""
        now = datetime.now(UTC)
        try:
            async with self._sessions.begin() as session:
                done = (
                    await session.execute(
                        select(AccountOrder.id).where(AccountOrder.order_no == request.order_no).limit(1)
                    )
                ).first()
                if done:
                    return
                for line in request.lines:
                    await self._add_line(session, request, line.product.value, line.edition.value, line.new_seats, now)
                account = await session.get(Account, request.account_no)
                if account is not None:
                    account.billing_address = request.billing_address.model_dump(mode="json")
                    if account.open_quote_order_no == request.order_no:
                        account.open_quote_order_no = None
                if request.completed is not None:
                    await _save_row(session, request.completed, now)
        except IntegrityError:
            return  # a concurrent attempt applied the order first

    async def _add_line(self, session, request: ApplySeatOrder, product: str, edition: str, seats: int, now: datetime):  # type: ignore[no-untyped-def]
        key = (
            AccountSubscription.account_no == request.account_no,
            AccountSubscription.product == product,
            AccountSubscription.edition == edition,
        )
        await session.execute(update(AccountSubscription).where(*key).values(seats=AccountSubscription.seats + seats))
        subscription = (await session.execute(select(AccountSubscription).where(*key))).scalar_one()
        admin = request.admin_contact
        assigned = await session.get(SeatAssignment, (request.account_no, str(admin.email).lower(), product))
        if assigned is None:
            session.add(
                SeatAssignment(
                    account_no=request.account_no,
                    email=str(admin.email).lower(),
                    product=product,
                    edition=edition,
                    first_name=admin.first_name,
                    last_name=admin.last_name,
                    order_no=request.order_no,
                    assigned_at=now,
                )
            )
            subscription.used += 1  # the admin's seat is a license in use
        else:
            assigned.first_name, assigned.last_name = admin.first_name, admin.last_name
        session.add(
            AccountOrder(
                account_no=request.account_no,
                order_no=request.order_no,
                ordered_at=now,
                kind="account increase",
                product=product,
                edition=edition,
                quantity=seats,
                running_total=subscription.seats,
                payment_type=request.payment_type,
                invoice_type="Electronic invoice",
                customer_type=request.customer_type,
                promotion=None,
                expires_at=subscription.renewal_date,
                available=True,
            )
        )
        await session.flush()

    @activity.defn(name=SAVE_SEAT_ORDER_ACTIVITY)
    async def save_seat_order(self, snapshot: SeatOrderSnapshot) -> None:
        async with self._sessions.begin() as session:
            await _save_row(session, snapshot.state, datetime.now(UTC))


async def _save_row(session, state: SeatOrderState, now: datetime) -> None:  # type: ignore[no-untyped-def]
    await upsert(
        session,
        SeatOrderRow,
        {
            "order_no": state.order_no,
            "account_no": state.account_no,
            "status": state.status.value,
            "quote": state.quote.model_dump(mode="json") if state.quote else None,
            "total": str(state.quote.total) if state.quote else None,
            "reason": state.reason,
            "created_at": now,
            "updated_at": now,
        },
        key=["order_no"],
        update=["status", "quote", "total", "reason", "updated_at"],
    )
