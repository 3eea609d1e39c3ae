"""The operators' console's queues: each answers one question an operator asks ("which partner orders are
escalated?", "which seat orders are close to their 24 hours?") with a Temporal visibility query over onramp's typed
search attributes (models/search_attributes.py), one page at a time (Temporal's next page token).

Only ids, statuses, flags and dates come back: search attributes hold no personal data, so a queue row shows none.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from temporalio.client import Client, WorkflowExecution

from models import search_attributes as sa
from models.assist import KIND as ASSIST
from models.organizer import KIND as ORGANIZER
from models.refusals import Refusal, because
from starter.errors import NotFound, OnrampError
from workflows.partner_order import KIND as PARTNER_ORDER
from workflows.seat_order import KIND as SEAT_ORDER

PAGE_SIZE = 25
CLOSING_WITHIN = timedelta(days=3)
"""A partner order whose order line closes within this is "close to its close date"."""
SEAT_DEADLINE_WITHIN = timedelta(hours=4)
"""A placed seat order whose 24 hours end within this (or have ended) is "past or near its 24 hours"."""
SESSION_WITHIN = timedelta(hours=48)
"""An Assist session that starts within this is "in the next 48 hours"."""


class Queue(StrEnum):
    ESCALATED = "escalated"
    CLOSING = "closing"
    SEAT_DEADLINE = "seat-deadline"
    SEAT_REVIEW = "seat-review"
    ASSIST = "assist"
    ORGANIZERS = "organizers"


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _running(kind: str) -> str:
    return f"{sa.KIND.name} = '{kind}' AND ExecutionStatus = 'Running'"


QUERIES: dict[Queue, Callable[[datetime], str]] = {
    Queue.ESCALATED: lambda now: f"{_running(PARTNER_ORDER)} AND {sa.ESCALATED.name} = true",
    Queue.CLOSING: lambda now: (
        f"{_running(PARTNER_ORDER)} AND {sa.CLOSES_AT.name} <= '{_moment(now + CLOSING_WITHIN)}'"
    ),
    Queue.SEAT_DEADLINE: lambda now: (
        f"{_running(SEAT_ORDER)} AND {sa.STATUS.name} = 'placed' "
        f"AND {sa.NEXT_DEADLINE.name} <= '{_moment(now + SEAT_DEADLINE_WITHIN)}'"
    ),
    Queue.SEAT_REVIEW: lambda now: f"{_running(SEAT_ORDER)} AND {sa.STATUS.name} = 'awaiting_review'",
    Queue.ASSIST: lambda now: (
        f"{_running(ASSIST)} AND {sa.STATUS.name} IN ('draft', 'confirmed', 'live') AND ({sa.NO_PRODUCER.name} = true "
        f"OR ({sa.SESSION_START.name} >= '{_moment(now)}' "
        f"AND {sa.SESSION_START.name} <= '{_moment(now + SESSION_WITHIN)}'))"
    ),
    Queue.ORGANIZERS: lambda now: (
        f"{_running(ORGANIZER)} AND {sa.STATUS.name} = 'invited' AND {sa.REMINDED.name} = true"
    ),
}
"""Each queue's visibility query at ``now`` (only running workflows: a finished one needs nobody)."""

KINDS = {PARTNER_ORDER: "partner-order-", SEAT_ORDER: "seat-order-", ASSIST: "assist-", ORGANIZER: "organizer-"}
"""Each kind and the prefix of its workflow ids (the business key follows it)."""


@dataclass(frozen=True)
class Row:
    """One workflow in a queue: what its search attributes say."""

    workflow_id: str
    kind: str
    business_id: str
    status: str
    escalated: bool
    next_deadline: datetime | None
    closes_at: datetime | None
    session_start: datetime | None
    no_producer: bool
    started_at: datetime | None


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    next_token: str | None
    """The next page's token (URL-safe), none on the last page."""


class BadPageToken(OnrampError):
    http_status = 422

    def __init__(self) -> None:
        super().__init__(
            because("This page of the queue is no longer available: open the queue from its first page."),
            type=Refusal.INVALID_INPUT,
            field="page",
        )


def queue_of(name: str) -> Queue:
    try:
        return Queue(name)
    except ValueError:
        raise NotFound(because("No queue %(name)s.", name=name[:40]), type=Refusal.NOT_FOUND) from None


def _token_bytes(token: str | None) -> bytes | None:
    if not token:
        return None
    try:
        return base64.urlsafe_b64decode(token.encode("ascii") + b"=" * (-len(token) % 4))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise BadPageToken() from None


def _token_text(token: bytes | None) -> str | None:
    return base64.urlsafe_b64encode(token).decode("ascii").rstrip("=") if token else None


def _row(execution: WorkflowExecution) -> Row:
    found = execution.typed_search_attributes
    return Row(
        workflow_id=execution.id,
        kind=found.get(sa.KIND) or "",
        business_id=found.get(sa.BUSINESS_ID) or "",
        status=found.get(sa.STATUS) or "",
        escalated=bool(found.get(sa.ESCALATED)),
        next_deadline=found.get(sa.NEXT_DEADLINE),
        closes_at=found.get(sa.CLOSES_AT),
        session_start=found.get(sa.SESSION_START),
        no_producer=bool(found.get(sa.NO_PRODUCER)),
        started_at=execution.start_time,
    )


async def page(
    client: Client, queue: Queue, token: str | None = None, *, now: datetime | None = None, size: int = PAGE_SIZE
) -> Page:
    """One page of ``queue``: from its start, or from where ``token`` (the last page's ``next_token``) left off."""
    query = QUERIES[queue](now or datetime.now(UTC))
    executions = client.list_workflows(query, page_size=size, next_page_token=_token_bytes(token))
    try:
        await executions.fetch_next_page()
    except Exception as err:
        if token and "token" in str(err).lower():
            raise BadPageToken() from err
        raise
    return Page(
        [_row(execution) for execution in executions.current_page or []], _token_text(executions.next_page_token)
    )


def kind_of(workflow_id: str) -> str:
    """The kind of a workflow id (``partner-order-CCW-1001`` → ``partner_order``)."""
    for kind, prefix in KINDS.items():
        if workflow_id.startswith(prefix) and len(workflow_id) > len(prefix):
            return kind
    raise NotFound(because("No order or booking %(id)s.", id=workflow_id[:120]), type=Refusal.NOT_FOUND)


def business_key(workflow_id: str) -> str:
    """The business key of a partner order's, seat order's or booking's workflow id."""
    return workflow_id.removeprefix(KINDS[kind_of(workflow_id)])
