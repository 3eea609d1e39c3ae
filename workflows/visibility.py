"""Mirroring a workflow's state into the typed search attributes operators filter by (kind, status, business id,
escalated, next deadline, and the console's: close date, session start, no producer, reminded). No personal data: search attributes are not encrypted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate

from workflows import patches

with workflow.unsafe.imports_passed_through():
    from models import search_attributes as sa


CONSOLE_QUEUES = "console-queues"
"""Patch: the attributes the operators' console queues by (a partner order's close date, an Assist session's start
and whether it has a producer, an organizer's reminder) are published too. Runs that started before it publish the
five first ones only, so the same upserts replay."""


def console_queues() -> bool:
    """Whether this run publishes the console's attributes (``workflow.patched``; not in a query or validator)."""
    return patches.patched(CONSOLE_QUEUES)


class Visibility:
    """``publish`` writes the attributes; with ``dedupe`` only when they changed since the last write (a write costs
    the Temporal server about as much as an activity)."""

    def __init__(self, kind: str, *, dedupe: bool = True) -> None:
        self.kind = kind
        self.dedupe = dedupe
        self._published: list[tuple[str, Any]] | None = None

    def publish(
        self,
        *,
        status: str,
        business_id: str,
        escalated: bool = False,
        next_deadline: datetime | None = None,
        more: Sequence[SearchAttributeUpdate[Any]] = (),
    ) -> None:
        """``more``: the console's attributes (only where ``console_queues()`` says so)."""
        updates: list[SearchAttributeUpdate[Any]] = [
            sa.KIND.value_set(self.kind),
            sa.STATUS.value_set(status),
            sa.BUSINESS_ID.value_set(business_id),
            sa.ESCALATED.value_set(escalated),
            sa.NEXT_DEADLINE.value_unset() if next_deadline is None else sa.NEXT_DEADLINE.value_set(next_deadline),
            *more,
        ]
        if self.dedupe:
            values = [(update.key.name, update.value) for update in updates]
            if values == self._published:
                return
            self._published = values
        workflow.upsert_search_attributes(updates)
