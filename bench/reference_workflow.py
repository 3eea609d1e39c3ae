"""The reference every benchmark compares with: the least a workflow can be, sandboxed like onramp's own."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow


@workflow.defn
class ReferenceWorkflow:
    """Answers no-op Updates until told to finish."""

    def __init__(self) -> None:
        self._done = False

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: self._done)

    @workflow.update
    async def noop(self, _: str) -> str:
        return "ok"

    @workflow.update
    async def with_activity(self, _: str) -> str:
        """An Update that waits for one no-op activity: the least a step that holds something can cost."""
        return str(await workflow.execute_activity(noop_activity, 1, start_to_close_timeout=timedelta(seconds=30)))

    @workflow.signal
    def finish(self) -> None:
        self._done = True


@activity.defn(name="bench_noop")
async def noop_activity(step: int) -> int:
    return step


@workflow.defn
class NoopActivitiesWorkflow:
    """Runs the given number of no-op activities one after the other: the reference for a process's work."""

    @workflow.run
    async def run(self, count: int) -> int:
        for step in range(count):
            await workflow.execute_activity(noop_activity, step, start_to_close_timeout=timedelta(seconds=30))
        return count


@workflow.defn
class WaitingNoopActivitiesWorkflow:
    """Started and waiting, like a seat order at its service order: one Update (answered at once) sets it going, then
    it runs the given number of no-op activities one after the other. The reference for a process's work after a
    step."""

    def __init__(self) -> None:
        self._going = False

    @workflow.run
    async def run(self, count: int) -> int:
        await workflow.wait_condition(lambda: self._going)
        for step in range(count):
            await workflow.execute_activity(noop_activity, step, start_to_close_timeout=timedelta(seconds=30))
        return count

    @workflow.update
    async def go(self) -> str:
        self._going = True
        return "ok"
