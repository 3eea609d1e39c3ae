"""Answers that show a workflow after its step has settled, not the moment the step was accepted.

A start returns before the workflow's first task has run, and an Update returns before the workflow goes on to
what follows it (the Set Up Now mail of an order that starts today, the timer of a confirmed booking): a state
read at once shows the status or the timer as they were. The CLI waits, briefly, until Temporal has nothing
pending for the workflow (no workflow task, no activity), and then reads the state.
"""

from __future__ import annotations

import asyncio
import time

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import WorkflowExecutionStatus
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import Client
from temporalio.service import RPCError

SETTLE_SECONDS = 5.0
"""At most this long: an activity that keeps retrying (SMTP down) must not hold the command; the state is then
shown as it is, its pending mail among it."""
POLL_SECONDS = 0.2


async def settle(client: Client, workflow_id: str, within: float = SETTLE_SECONDS) -> bool:
    """Wait until the workflow has closed, or has no pending workflow task and no pending activity on two reads in
    a row with no new event between them (True); or until ``within`` seconds have passed (False). The second read
    covers the moment between an activity's end and the workflow task it schedules, which some servers (the
    time-skipping test server) do not report as pending. A workflow Temporal cannot describe is left to the state
    read that follows, which says why."""
    request = DescribeWorkflowExecutionRequest(
        namespace=client.namespace, execution=WorkflowExecution(workflow_id=workflow_id)
    )
    deadline = time.monotonic() + within
    quiet_at: int | None = None  # the history length when nothing was pending
    while True:
        try:  # the raw call: pending work is all it needs (no search attributes decoded)
            described = await client.workflow_service.describe_workflow_execution(request)
        except RPCError:
            return False
        info = described.workflow_execution_info
        if info.status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING:
            return True
        if described.HasField("pending_workflow_task") or described.pending_activities:
            quiet_at = None
        elif quiet_at == info.history_length:
            return True
        else:
            quiet_at = info.history_length
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(POLL_SECONDS)
