"""One log line when a workflow starts and one when it closes (completed, failed, cancelled, continued as new).

A worker interceptor, not code in the workflows: the workflows stay as they are and every one of them gets the lines.
It runs in the workflow's sandbox but only logs: no command, no timer, nothing in the history, so every saved history
replays as before. Nothing is logged while a workflow replays (after a worker restart or a cache eviction), so a start
is said once, when it happened. The lines carry the workflow id, run id and type as fields; the trace id comes from
the tracing interceptor's context when tracing is on (starter/logs.py reads it).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from temporalio import workflow
from temporalio.exceptions import FailureError
from temporalio.worker import (
    ExecuteWorkflowInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

log = logging.getLogger("onramp.workflows")


class LogWorkflows(Interceptor):
    """The start and the close of every workflow the worker runs, as one line each."""

    def workflow_interceptor_class(self, input: WorkflowInterceptorClassInput) -> type[WorkflowInboundInterceptor]:
        return _LogWorkflow


def _fields(outcome: str | None = None) -> dict[str, Any]:
    info = workflow.info()
    fields: dict[str, Any] = {
        "workflow_id": info.workflow_id,
        "run_id": info.run_id,
        "workflow_type": info.workflow_type,
    }
    if outcome is not None:
        fields["outcome"] = outcome
    return fields


def _say(level: int, message: str, outcome: str | None = None) -> None:
    if not workflow.unsafe.is_replaying():
        log.log(level, message, workflow.info().workflow_type, extra=_fields(outcome))


class _LogWorkflow(WorkflowInboundInterceptor):
    async def execute_workflow(self, input: ExecuteWorkflowInput) -> Any:
        _say(logging.INFO, "workflow %s started")
        try:
            result = await super().execute_workflow(input)
        except workflow.ContinueAsNewError:
            _say(logging.INFO, "workflow %s continued as new", "continued_as_new")
            raise
        except asyncio.CancelledError:
            _say(logging.INFO, "workflow %s cancelled", "cancelled")
            raise
        except FailureError as err:  # what fails a workflow; any other error only retries its task
            _say(logging.WARNING, f"workflow %s failed: {type(err).__name__}", "failed")
            raise
        _say(logging.INFO, "workflow %s completed", "completed")
        return result
