"""What the console's pages show of an order: its state as facts, its timeline, its mails, and which actions its
state allows. One view for the four processes, read from each one's ``status`` Query (or its result, once ended)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from temporalio.client import Client

from models.assist import KIND as ASSIST
from models.assist import AssistBookingState, CancellationQuote
from models.assist_time import SessionTime
from models.mail import MailRecord
from models.organizer import KIND as ORGANIZER
from models.organizer import OrganizerState
from models.partner_order import PartnerOrderState, PartnerOrderStatus
from models.refusals import Refusal, Word, because
from models.seat_order import SeatOrderState, SeatOrderStatus
from models.words import ASSIST_BOOKING, PARTNER_ORDER, SEAT_ORDER
from models.words import ORGANIZER as ORGANIZER_WORDS
from starter.errors import NotFound
from starter.services import assist, console_queues, partner_orders, seat_orders, workflow_calls
from starter.web.reading import Text, gettext, lazy_gettext
from starter.web.said import named
from workflows.partner_order import KIND as PARTNER
from workflows.seat_order import KIND as SEAT


class Action(StrEnum):
    RESEND = "resend"
    SEND_NOW = "send-now"
    CONTACT = "contact"
    APPROVE = "approve"
    CANCEL = "cancel"


KIND_NAMES: dict[str, Text] = {
    PARTNER: lazy_gettext("Partner order"),
    SEAT: lazy_gettext("Seat order"),
    ASSIST: lazy_gettext("Webex Assist booking"),
    ORGANIZER: lazy_gettext("Organizer account"),
}
STATUS_WORDS: dict[str, dict[str, Word]] = {
    PARTNER: {k.value: v for k, v in PARTNER_ORDER.items()},
    SEAT: {k.value: v for k, v in SEAT_ORDER.items()},
    ASSIST: {k.value: v for k, v in ASSIST_BOOKING.items()},
    ORGANIZER: {k.value: v for k, v in ORGANIZER_WORDS.items()},
}
BEFORE_SET_UP = frozenset(
    {
        PartnerOrderStatus.AWAITING_START_DATE,
        PartnerOrderStatus.AWAITING_SETUP,
        PartnerOrderStatus.AWAITING_ORG_CONFIRMATION,
    }
)
"""A partner order's Set Up Now e-mail can be resent, and its contact changed, until the order is set up."""


def kind_name(kind: str) -> str:
    return str(KIND_NAMES.get(kind, kind))


def status_name(kind: str, status: str) -> str:
    """A status in the words the refusals use for it, in the reader's language; an unknown one as stored."""
    found = STATUS_WORDS.get(kind, {}).get(status)
    return named(found) if found is not None else status.replace("_", " ")


@dataclass(frozen=True)
class Fact:
    label: Text
    text: str = ""
    moment: datetime | None = None


@dataclass(frozen=True)
class OrderView:
    workflow_id: str
    kind: str
    business_id: str
    status: str
    facts: list[Fact]
    timeline: list[tuple[datetime, str]]
    mails: list[MailRecord]
    actions: frozenset[Action] = field(default_factory=frozenset)
    cancellation: CancellationQuote | None = None
    """What cancelling an Assist booking now costs, shown beside the cancel action."""
    english_notes: bool = True
    """The timeline is the workflow's own notes, in English (an Assist booking's is told in the reader's language)."""

    @property
    def kind_name(self) -> str:
        return kind_name(self.kind)

    @property
    def status_name(self) -> str:
        return status_name(self.kind, self.status)


def _yes(value: bool) -> str:
    return str(lazy_gettext("yes") if value else lazy_gettext("no"))


def _partner(workflow_id: str, state: PartnerOrderState) -> OrderView:
    actions = set()
    if state.status in BEFORE_SET_UP:
        actions |= {Action.RESEND, Action.CONTACT}
    if state.status is PartnerOrderStatus.AWAITING_START_DATE:
        actions = {Action.SEND_NOW, Action.CONTACT}
    facts = [
        Fact(lazy_gettext("Offer"), state.offer.value),
        Fact(lazy_gettext("Partner"), state.partner_name),
        Fact(lazy_gettext("Customer"), state.customer_name),
        Fact(lazy_gettext("Provisioning contact"), state.provisioning_contact_email),
        Fact(lazy_gettext("Account representative"), state.account_representative_email),
        Fact(lazy_gettext("Starts"), moment=state.starts_at),
        Fact(lazy_gettext("Escalated"), _yes(state.escalated)),
        Fact(lazy_gettext("Escalates"), moment=state.escalates_at),
        Fact(lazy_gettext("Order line closes"), moment=state.closes_at),
    ]
    timeline = [(entry.at, entry.text) for entry in state.timeline]
    return OrderView(
        workflow_id, PARTNER, state.order_id, state.status.value, facts, timeline, state.mails, frozenset(actions)
    )


def _seat(workflow_id: str, state: SeatOrderState) -> OrderView:
    facts = [
        Fact(lazy_gettext("Account"), state.account_no),
        Fact(lazy_gettext("Requested by"), state.requested_by),
        Fact(lazy_gettext("Placed"), moment=state.placed_at),
        Fact(lazy_gettext("Processed by"), moment=state.process_by),
        Fact(lazy_gettext("Escalated"), _yes(state.escalated)),
    ]
    if state.quote is not None:
        facts.append(Fact(lazy_gettext("Total"), f"{state.quote.total} {state.quote.currency}"))
    if state.reason:
        facts.append(Fact(lazy_gettext("Reason"), state.reason))
    actions = frozenset({Action.APPROVE}) if state.status is SeatOrderStatus.AWAITING_REVIEW else frozenset()
    return OrderView(
        workflow_id, SEAT, state.order_no, state.status.value, facts, list(state.timeline), state.mails, actions
    )


def _assist(workflow_id: str, state: AssistBookingState) -> OrderView:
    facts = [
        Fact(lazy_gettext("Package"), state.availability.package.value),
        Fact(lazy_gettext("Site"), state.availability.site),
        Fact(lazy_gettext("Session starts"), moment=state.session.starts_at),
        Fact(lazy_gettext("Producer"), state.producer.producer_id if state.producer else str(lazy_gettext("none"))),
        Fact(lazy_gettext("Next deadline"), moment=state.next_deadline),
    ]
    timeline = [(state.created_at, gettext("Ordering started"))]
    if state.confirmed_at:
        timeline.append((state.confirmed_at, gettext("Confirmed: a producer is reserved")))
    timeline += [
        (move.at, gettext("Moved from %(old)s to %(new)s", old=_local(move.old), new=_local(move.new)))
        for move in state.moves
    ]
    if state.cancelled_at:
        timeline.append((state.cancelled_at, gettext("Cancelled")))
    if state.completed_at:
        timeline.append((state.completed_at, gettext("Completed")))
    if not assist.cancellable(state):
        return OrderView(
            workflow_id,
            ASSIST,
            state.reservation_no,
            state.status.value,
            facts,
            timeline,
            state.mails,
            english_notes=False,
        )
    quote = assist.cancellation_quote(state, datetime.now(UTC))
    return OrderView(
        workflow_id,
        ASSIST,
        state.reservation_no,
        state.status.value,
        facts,
        timeline,
        state.mails,
        frozenset({Action.CANCEL}),
        quote,
        english_notes=False,
    )


def _local(session: SessionTime) -> str:
    """A session's start on its own wall clock, as the customer booked it."""
    return f"{session.date.isoformat()} {session.time:%H:%M} {session.time_zone}"


def _organizer(workflow_id: str, state: OrganizerState) -> OrderView:
    facts = [
        Fact(lazy_gettext("Account"), state.account_no),
        Fact(lazy_gettext("Reminders sent"), str(state.reminders)),
        Fact(lazy_gettext("Next deadline"), moment=state.next_deadline),
    ]
    timeline = [(event.at, event.text) for event in state.timeline]
    return OrderView(workflow_id, ORGANIZER, state.account_no, state.status.value, facts, timeline, state.mails)


def _unknown(workflow_id: str) -> NotFound:
    return NotFound(because("No order or booking %(id)s.", id=workflow_id[:120]), type=Refusal.NOT_FOUND)


async def order_view(client: Client, workflow_id: str) -> OrderView:
    """The order, booking or organizer account of ``workflow_id``, from its workflow (running or ended)."""
    kind = console_queues.kind_of(workflow_id)
    key = console_queues.business_key(workflow_id)
    if kind == PARTNER:
        return _partner(workflow_id, await partner_orders.status(client, key))
    if kind == SEAT:
        return _seat(workflow_id, await seat_orders.status(client, key))
    if kind == ASSIST:
        return _assist(workflow_id, await assist.status(client, key))
    handle = client.get_workflow_handle(workflow_id)
    state = await workflow_calls.current_state(client, handle, OrganizerState, lambda: _unknown(workflow_id))
    return _organizer(workflow_id, state)
