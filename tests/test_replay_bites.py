"""The saved-history replay tests can fail: a non-deterministic change to a workflow is caught by replaying a history.

tests/test_replay.py replays every file in tests/histories/ against today's workflows and passes when they all
replay. That is only worth something if a replay of a changed workflow fails. Here the newest saved history of a seat
order that was reviewed, escalated and completed is replayed by two deliberately changed copies of SeatOrderWorkflow
(registered under the same workflow name: one starts an extra timer first, one schedules an extra activity late in
the process), each of which must raise the SDK's NondeterminismError, and, as the control, by the unchanged
SeatOrderWorkflow, which must replay it without error.
"""

from __future__ import annotations

import re
from pathlib import Path

from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from workflows import activity_calls
from workflows.registry import workflow_runner
from workflows.seat_order import SeatOrderWorkflow

# The sandbox re-imports this module to run the changed workflow: what it needs outside the workflow is passed
# through (the payload codec's cryptography cannot be imported twice).
with workflow.unsafe.imports_passed_through():
    import pytest

    from models.seat_order import AccountSnapshot, Quote, SeatOrderInput, SeatOrderState
    from models.seat_order_activities import SAVE_SEAT_ORDER_ACTIVITY, SeatOrderSnapshot
    from tests.support import HISTORIES, make_converter


@workflow.defn(name="SeatOrderWorkflow")
class SeatOrderWorkflowWithAnExtraTimer(SeatOrderWorkflow):
    """SeatOrderWorkflow with one change: a one-second timer before anything else.

    The saved history's first workflow task recorded the real workflow's first commands (the baseline patch's
    marker and version attribute, the search attributes, the save). Replaying, this copy's first command after the
    marker is a StartTimer instead: it matches no recorded event, which is exactly what a running workflow would hit after such a
    deploy, so the replay must fail with a NondeterminismError. (Shipping a change like this needs `workflow.patched`.)
    """

    @workflow.run
    async def run(self, order: SeatOrderInput) -> SeatOrderState:
        await workflow.sleep(1)  # the change: a timer the saved history never started
        return await super().run(order)


@workflow.defn(name="SeatOrderWorkflow")
class SeatOrderWorkflowWithAnExtraSave(SeatOrderWorkflow):
    """SeatOrderWorkflow with one change deep in the process: one more save_seat_order before the seats are added.

    The saved history went from the charge straight to apply_seat_order (a local activity: its marker). Replaying,
    this copy schedules a save_seat_order activity where the history has that marker: a different command at the
    same place, so the replay must fail with a NondeterminismError, though everything before it matches.
    """

    @workflow.run
    async def run(self, order: SeatOrderInput) -> SeatOrderState:
        return await super().run(order)  # unchanged (the SDK wants @workflow.run on the class itself)

    async def _add_seats(self, quote: Quote, account: AccountSnapshot, done: str) -> None:
        await activity_calls.run(SAVE_SEAT_ORDER_ACTIVITY, SeatOrderSnapshot(state=self._state))  # the change
        await super()._add_seats(quote, account, done)


def _newest(kind: str) -> Path:
    """The newest recording (highest vN) of ``kind``, e.g. SeatOrderWorkflow.v5-reviewed-escalated-completed.json."""
    versions: dict[int, Path] = {}
    for path in HISTORIES.glob(f"SeatOrderWorkflow.v*-{kind}.json"):
        found = re.fullmatch(rf"SeatOrderWorkflow\.v(\d+)-{re.escape(kind)}\.json", path.name)
        if found:
            versions[int(found.group(1))] = path
    assert versions, f"no saved SeatOrderWorkflow history of kind {kind}"
    return versions[max(versions)]


def _history() -> WorkflowHistory:
    path = _newest("reviewed-escalated-completed")
    return WorkflowHistory.from_json(path.stem, path.read_text())


def _replayer(workflow_class: type) -> Replayer:
    return Replayer(
        workflows=[workflow_class], data_converter=make_converter(), workflow_runner=workflow_runner(strict=True)
    )


@pytest.mark.parametrize(
    ("changed", "mismatch"),
    [
        (
            SeatOrderWorkflowWithAnExtraTimer,
            "Timer machine does not handle this event",
        ),
        (
            SeatOrderWorkflowWithAnExtraSave,
            "Missing associated machine for LocalActivity",
        ),
    ],
    ids=["extra-timer-first", "extra-activity-late"],
)
async def test_a_changed_workflow_fails_to_replay_the_saved_history(
    changed: type[SeatOrderWorkflow], mismatch: str
) -> None:
    with pytest.raises(workflow.NondeterminismError) as caught:
        await _replayer(changed).replay_workflow(_history())

    assert "[TMPRL1100] Nondeterminism error" in caught.value.message
    assert mismatch in caught.value.message  # the first command that does not match the recorded events


async def test_the_unchanged_workflow_replays_the_same_history() -> None:
    result = await _replayer(SeatOrderWorkflow).replay_workflow(_history(), raise_on_replay_failure=False)

    assert result.replay_failure is None
