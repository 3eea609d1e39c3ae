"""Seat orders' side effects: the account snapshot, the one open quote per account, adding the seats (with the
order history and the admin's seats) in one idempotent transaction, and the order's row for the portal."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, case, insert, null, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from temporalio import activity

from activities import metrics
from models.accounts import no_account
from models.promotions import AppliedPromotion, FindPromotion, promotion_refusal
from models.refusals import Refusal, because, refuse
from models.seat_order import FINISHED, AccountSnapshot, SeatOrderState, SeatOrderStatus
from models.seat_order_activities import (
    APPLY_SEAT_ORDER_ACTIVITY,
    CLAIM_OPEN_QUOTE_ACTIVITY,
    FIND_PROMOTION_ACTIVITY,
    LOAD_ACCOUNT_ACTIVITY,
    RELEASE_OPEN_QUOTE_ACTIVITY,
    SAVE_SEAT_ORDER_ACTIVITY,
    TAX_RATE_ACTIVITY,
    ApplySeatOrder,
    ClaimOpenQuote,
    SeatOrderSnapshot,
)
from models.tax import TaxLookup, TaxRate
from store import SessionFactory, promotions, tax_rates
from store import accounts as store
from store.statements import ByDialect
from store.tables import (
    Account,
    AccountOrder,
    AccountSubscription,
    SeatAssignment,
    SeatOrderRow,
)
from store.transactions import run_transaction

# ------------------------------------------------------------------ statements on every placed order's path
# Built once, run with parameters (store/statements.py says why). Bound names carry a "p_" prefix: a column's
# own name is reserved for the VALUES / SET clause.
ACCOUNTS, ASSIGNMENTS, ORDERS = Account.__table__, SeatAssignment.__table__, AccountOrder.__table__
SUBSCRIPTIONS, ROWS = AccountSubscription.__table__, SeatOrderRow.__table__

ALREADY_APPLIED = select(ORDERS.c.id).where(ORDERS.c.order_no == bindparam("p_order_no")).limit(1)
ROW_STATUS = select(ROWS.c.status).where(ROWS.c.order_no == bindparam("p_order_no"))
RENAME_ASSIGNED = (
    update(ASSIGNMENTS)
    .where(
        ASSIGNMENTS.c.account_no == bindparam("p_account_no"),
        ASSIGNMENTS.c.email == bindparam("p_email"),
        ASSIGNMENTS.c.product == bindparam("p_product"),
    )
    .values(first_name=bindparam("p_first_name"), last_name=bindparam("p_last_name"))
)
ADD_SEATS = (
    update(SUBSCRIPTIONS)
    .where(
        SUBSCRIPTIONS.c.account_no == bindparam("p_account_no"),
        SUBSCRIPTIONS.c.product == bindparam("p_product"),
        SUBSCRIPTIONS.c.edition == bindparam("p_edition"),
    )
    .values(
        seats=SUBSCRIPTIONS.c.seats + bindparam("p_seats"),
        used=SUBSCRIPTIONS.c.used + bindparam("p_used"),  # the admin's new seat is a license in use
    )
    .returning(SUBSCRIPTIONS.c.seats, SUBSCRIPTIONS.c.renewal_date)
)
RECORD_ORDER_LINE = insert(ORDERS)
SET_BILLING_ADDRESS = (
    update(ACCOUNTS)
    .where(ACCOUNTS.c.account_no == bindparam("p_account_no"))
    .values(
        billing_address=bindparam("p_billing_address", type_=ACCOUNTS.c.billing_address.type),
        open_quote_order_no=case(  # the order's quote is no longer open; a newer order's stays
            (ACCOUNTS.c.open_quote_order_no == bindparam("p_order_no"), null()),
            else_=ACCOUNTS.c.open_quote_order_no,
        ),
    )
)
ROW_COLUMNS = ("status", "quote", "total", "reason", "updated_at")
MARK_COMPLETED = (
    update(ROWS)
    .where(ROWS.c.order_no == bindparam("p_order_no"))
    .values(status=SeatOrderStatus.COMPLETED.value, reason=None, updated_at=bindparam("p_updated_at"))
)


ASSIGN_SEAT = ByDialect(
    lambda insert_: insert_(ASSIGNMENTS).on_conflict_do_nothing(index_elements=["account_no", "email", "product"])
)
SAVE_ROW = ByDialect(
    lambda insert_: (statement := insert_(ROWS)).on_conflict_do_update(
        index_elements=["order_no"], set_={name: statement.excluded[name] for name in ROW_COLUMNS}
    )
)


class SeatOrderActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    @activity.defn(name=LOAD_ACCOUNT_ACTIVITY)
    async def load_account_snapshot(self, account_no: str) -> AccountSnapshot:
        async with self._sessions() as session:
            found = await store.snapshot(session, account_no)
        if found is None:
            raise refuse(Refusal.ACCOUNT_UNKNOWN, no_account(account_no))
        return found

    @activity.defn(name=CLAIM_OPEN_QUOTE_ACTIVITY)
    async def claim_open_quote(self, request: ClaimOpenQuote) -> str:
        """Make this order's quote the account's open one; answer the order whose quote it replaces ('' if none)."""
        async with self._sessions.begin() as session:
            account = await session.get(Account, request.account_no, with_for_update=True)
            if account is None:
                raise refuse(Refusal.ACCOUNT_UNKNOWN, no_account(request.account_no))
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
            reached = await run_transaction(self._sessions, partial(_apply, request, now))
        except IntegrityError:
            return  # a concurrent attempt applied the order first
        if reached is not None:
            _count(reached, request.placed_at or (request.completed.placed_at if request.completed else None), now)

    @activity.defn(name=FIND_PROMOTION_ACTIVITY)
    async def find_promotion(self, wanted: FindPromotion) -> AppliedPromotion:
        """The cart's promotion, valid on the account's today for a product in the cart; else refused, with why."""
        async with self._sessions() as session:
            account = await session.get(Account, wanted.account_no)
            if account is None:
                raise refuse(Refusal.ACCOUNT_UNKNOWN, no_account(wanted.account_no))
            promotion = await promotions.find(session, wanted.code)
        today = wanted.at.astimezone(ZoneInfo(account.time_zone)).date()
        why = promotion_refusal(promotion, wanted, today)
        if why is not None or promotion is None:
            raise refuse(Refusal.PROMOTION_INVALID, why or because("No such promotion."), "promotion_code")
        return promotion.applied()

    @activity.defn(name=TAX_RATE_ACTIVITY)
    async def tax_rate_for(self, lookup: TaxLookup) -> TaxRate:
        """The billing country's rate from the table, or the account's own when the country is not in it."""
        async with self._sessions() as session:
            account = await session.get(Account, lookup.account_no)
        if account is None:
            raise refuse(Refusal.ACCOUNT_UNKNOWN, no_account(lookup.account_no))
        return tax_rates.rate_for(lookup.country, Decimal(account.tax_rate))

    @activity.defn(name=SAVE_SEAT_ORDER_ACTIVITY)
    async def save_seat_order(self, snapshot: SeatOrderSnapshot) -> None:
        state = snapshot.state
        reached = await run_transaction(self._sessions, partial(_save_row, state, datetime.now(UTC)))
        if reached is not None:
            _count(reached, state.placed_at, state.completed_at)


COUNTED = FINISHED | {SeatOrderStatus.AWAITING_REVIEW}
"""The seat orders' outcomes the metrics count (activities/metrics.py): the earlier steps are the cart's."""


def _count(status: SeatOrderStatus, placed_at: datetime | None, completed_at: datetime | None) -> None:
    """A status the order's row reached in a committed transaction: its outcome, and for a completed order the time
    it took from placing."""
    if status in COUNTED:
        metrics.SEAT_ORDERS.labels(status=status.value).inc()
    if status is SeatOrderStatus.COMPLETED:
        metrics.seat_order_completed(placed_at, completed_at)


def _apply(request: ApplySeatOrder, now: datetime, session: Session) -> SeatOrderStatus | None:
    """Plain statements, no ORM objects: this runs for every seat order placed, and a unit of work per line cost
    more than the SQL itself. Answers the status the order's row reached (completed), if it changed."""
    if session.execute(ALREADY_APPLIED, {"p_order_no": request.order_no}).first():
        return None
    for line in request.lines:
        _add_line(session, request, line.product.value, line.edition.value, line.new_seats, now)
    session.execute(
        SET_BILLING_ADDRESS,
        {
            "p_account_no": request.account_no,
            "p_order_no": request.order_no,
            "p_billing_address": request.billing_address.model_dump(mode="json"),
        },
    )
    if request.completed is not None:
        return _save_row(request.completed, now, session)
    if request.mark_completed:
        previous = session.execute(ROW_STATUS, {"p_order_no": request.order_no}).scalar()
        session.execute(MARK_COMPLETED, {"p_order_no": request.order_no, "p_updated_at": now})
        if metrics.status_reached(previous, SeatOrderStatus.COMPLETED.value):
            return SeatOrderStatus.COMPLETED
    return None


def _add_line(session: Session, request: ApplySeatOrder, product: str, edition: str, seats: int, now: datetime) -> None:
    """One product edition: its seats, the admin's seat of the product (a license in use, once), the history line."""
    admin = request.admin_contact
    who = {"p_account_no": request.account_no, "p_email": str(admin.email).lower(), "p_product": product}
    assigned = session.execute(
        ASSIGN_SEAT.on(session),
        {
            "account_no": request.account_no,
            "email": who["p_email"],
            "product": product,
            "edition": edition,
            "first_name": admin.first_name,
            "last_name": admin.last_name,
            "order_no": request.order_no,
            "assigned_at": now,
        },
    )
    newly_assigned = assigned.rowcount == 1
    if not newly_assigned:
        session.execute(RENAME_ASSIGNED, {**who, "p_first_name": admin.first_name, "p_last_name": admin.last_name})
    running_total, renewal_date = (
        session.execute(
            ADD_SEATS,
            {**who, "p_edition": edition, "p_seats": seats, "p_used": 1 if newly_assigned else 0},
        )
    ).one()
    session.execute(
        RECORD_ORDER_LINE,
        {
            "account_no": request.account_no,
            "order_no": request.order_no,
            "ordered_at": now,
            "kind": "account increase",
            "product": product,
            "edition": edition,
            "quantity": seats,
            "running_total": running_total,
            "payment_type": request.payment_type,
            "invoice_type": "Electronic invoice",
            "customer_type": request.customer_type,
            "promotion": request.promotion,
            "expires_at": renewal_date,
            "available": True,
        },
    )


def _save_row(state: SeatOrderState, now: datetime, session: Session) -> SeatOrderStatus | None:
    """Upsert the order's row; answers its new status when the row did not have it before."""
    previous = session.execute(ROW_STATUS, {"p_order_no": state.order_no}).scalar()
    session.execute(
        SAVE_ROW.on(session),
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
    )
    return state.status if metrics.status_reached(previous, state.status.value) else None
