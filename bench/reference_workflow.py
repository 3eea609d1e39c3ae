"""The reference every benchmark compares with: the least a workflow can be, sandboxed like onramp's own."""

from __future__ import annotations

from temporalio import workflow


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

    @workflow.signal
    def finish(self) -> None:
        self._done = True
