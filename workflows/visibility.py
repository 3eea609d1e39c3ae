"""Mirroring a workflow's state into the typed search attributes operators filter by (kind, status, business id,
escalated, next deadline). No personal data: search attributes are not encrypted."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio import workflow
from temporalio.common import SearchAttributeUpdate

with workflow.unsafe.imports_passed_through():
    from models import search_attributes as sa


class Visibility:
    """``publish`` writes the attributes; with ``dedupe`` only when they changed since the last write (a write costs
    the Temporal server about as much as an activity)."""

    def __init__(self, kind: str, *, dedupe: bool = True) -> None:
        self.kind = kind
        self.dedupe = dedupe
        self._published: list[tuple[str, Any]] | None = None

    def publish(
        self, *, status: str, business_id: str, escalated: bool = False, next_deadline: datetime | None = None
    ) -> None:
        updates: list[SearchAttributeUpdate[Any]] = [
            sa.KIND.value_set(self.kind),
            sa.STATUS.value_set(status),
            sa.BUSINESS_ID.value_set(business_id),
            sa.ESCALATED.value_set(escalated),
            sa.NEXT_DEADLINE.value_unset() if next_deadline is None else sa.NEXT_DEADLINE.value_set(next_deadline),
        ]
        if self.dedupe:
            values = [(update.key.name, update.value) for update in updates]
            if values == self._published:
                return
            self._published = values
        workflow.upsert_search_attributes(updates)
