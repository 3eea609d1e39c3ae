"""Calls into running workflows that turn Temporal's errors into OnrampError with the workflow's own words."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from typing import Any, TypeVar

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
    WithStartWorkflowOperation,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowQueryRejectedError,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from models.refusals import (
    INPUT_REFUSALS,
    UNKNOWN_REFUSALS,
    Reason,
    Refusal,
    because,
    refused_field,
    refused_reason,
    verbatim,
)
from starter import metrics, temporal_errors
from starter.errors import NotFound, OnrampError, StepRefused

T = TypeVar("T")

STEP_TIMEOUT = timedelta(seconds=20)
"""How long a caller waits for a step (an Update) before being told it may or may not have been applied: long
enough for a worker that was just restarted to pick the step up, short of an HTTP client's own patience."""

READ_TIMEOUT = timedelta(seconds=10)
"""How long a caller waits for a Query: with no worker polling, Temporal would otherwise hold it for a minute."""


class WorkflowCompleted(OnrampError):
    http_status = 409


class WorkflowMissing(NotFound):
    """No workflow has the id (never started, or gone from the server's retention)."""


def _finished(workflow_id: str) -> Reason:
    return because("%(workflow_id)s has already finished.", workflow_id=workflow_id)


async def start_once(
    client: Client,
    workflow: Callable[..., Awaitable[Any]],
    arg: Any,
    *,
    id: str,
    task_queue: str,
    memo: Mapping[str, Any] | None = None,
) -> tuple[WorkflowHandle[Any, Any], bool]:
    """Start the workflow of one business key, which runs once: a start while it runs finds that run (the bool says
    whether this call started it), and after it has closed nothing starts again (``WorkflowCompleted``: the caller
    answers with the closed run's state). Every process starts through here, so no kind can run a key twice."""
    try:
        handle = await client.start_workflow(
            workflow,
            arg,
            id=id,
            task_queue=task_queue,
            memo=memo,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
        )
    except WorkflowAlreadyStartedError:
        raise WorkflowCompleted(_finished(id), type=Refusal.WORKFLOW_COMPLETED) from None
    response = getattr(handle, "_start_workflow_response", None)  # says whether USE_EXISTING found a running one
    return handle, bool(getattr(response, "started", True))


async def start_with_update(
    client: Client,
    workflow: Callable[..., Awaitable[Any]],
    arg: Any,
    *,
    id: str,
    task_queue: str,
    update: str,
    update_arg: Any,
    result_type: type[T],
) -> T:
    """Start a workflow whose business key is new (it cannot have run) together with its first step, in one call
    (update-with-start): the step runs in the workflow's first task instead of a start, a task, then the step's
    round trip. Refusals and errors as ``update``'s."""
    operation = WithStartWorkflowOperation(
        workflow,
        arg,
        id=id,
        task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
        id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
    )
    call = client.execute_update_with_start_workflow(
        update, update_arg, start_workflow_operation=operation, result_type=result_type, rpc_timeout=STEP_TIMEOUT
    )
    return await _timed_step(client, id, update, call)


async def step(
    client: Client,
    handle: WorkflowHandle[Any, Any],
    name: str,
    arg: Any,
    result_type: type[T],
    *,
    ended: Callable[[], Awaitable[OnrampError]],
    unknown: Callable[[], NotFound],
) -> T:
    """A process's step (an Update): the workflow's refusal as it words it; ``ended`` says why a finished process
    takes no more steps, ``unknown`` what to answer for a process that does not exist."""
    try:
        return await update(client, handle, name, arg, result_type)
    except WorkflowCompleted:
        raise await ended() from None
    except WorkflowMissing:
        raise unknown() from None


async def update(client: Client, handle: WorkflowHandle[Any, Any], name: str, arg: Any, result_type: type[T]) -> T:
    """The Update, timed by process, step and outcome (starter/metrics.py: the wizards' and portals' step latency)."""
    call = handle.execute_update(name, arg, result_type=result_type, rpc_timeout=STEP_TIMEOUT)
    return await _timed_step(client, handle.id, name, call)


async def _timed_step(client: Client, workflow_id: str, name: str, call: Awaitable[T]) -> T:
    """Wait for a step's Update (alone, or with its workflow's start), timed by outcome, its errors in onramp's
    words: the workflow's refusal, a finished workflow, a timeout, Temporal away."""
    started, outcome = time.perf_counter(), "error"
    try:
        result = await call
        outcome = "ok"
    except WorkflowUpdateFailedError as err:
        outcome = "refused"
        raise _refusal(err.cause) from None
    except WorkflowAlreadyStartedError:
        raise WorkflowCompleted(_finished(workflow_id), type=Refusal.WORKFLOW_COMPLETED) from None
    except RPCTimeoutOrCancelledError:
        outcome = "timeout"
        raise temporal_errors.timed_out(workflow_id) from None
    except RPCError as err:
        if err.status is RPCStatusCode.NOT_FOUND and await _has_finished(client, workflow_id):
            raise WorkflowCompleted(_finished(workflow_id), type=Refusal.WORKFLOW_COMPLETED) from None
        raise _rpc_error(workflow_id, err) from None
    finally:
        seconds = time.perf_counter() - started
        metrics.STEP_SECONDS.labels(process=metrics.process_of(workflow_id), step=name, outcome=outcome).observe(
            seconds
        )
    return result


async def _has_finished(client: Client, workflow_id: str) -> bool:
    """An Update to a finished workflow answers NOT_FOUND (on some servers without saying why): look."""
    try:
        status = await execution_status(client, workflow_id)
    except RPCError:
        return False
    return status is not WorkflowExecutionStatus.RUNNING


async def execution_status(client: Client, workflow_id: str) -> WorkflowExecutionStatus:
    """The execution's status from a bare DescribeWorkflowExecution (no search attribute decoding, which the
    time-skipping test server's answers for unset attributes trip up). Raises RPCError NOT_FOUND when unknown."""
    response = await client.workflow_service.describe_workflow_execution(
        DescribeWorkflowExecutionRequest(
            namespace=client.namespace, execution=WorkflowExecution(workflow_id=workflow_id)
        )
    )
    return WorkflowExecutionStatus(response.workflow_execution_info.status)


async def current_state(
    client: Client, handle: WorkflowHandle[Any, Any], result_type: type[T], unknown: Callable[[], NotFound]
) -> T:
    """A process's state: the `status` Query of a running workflow, or the result of a finished one (the handle
    carries the result type). ``unknown`` says what to answer when there is no such workflow."""
    try:
        execution = await execution_status(client, handle.id)
    except RPCError as err:
        if err.status is RPCStatusCode.NOT_FOUND:
            raise unknown() from None
        raise _rpc_error(handle.id, err, step=False) from None
    if execution is WorkflowExecutionStatus.COMPLETED:
        result: T = await handle.result()
        return result
    return await query(handle, "status", result_type)


async def query(handle: WorkflowHandle[Any, Any], name: str, result_type: type[T]) -> T:
    try:
        result: T = await handle.query(name, result_type=result_type, rpc_timeout=READ_TIMEOUT)
    except WorkflowQueryFailedError as err:
        raise OnrampError(because("The workflow could not answer: %(error)s", error=str(err))) from None
    except WorkflowQueryRejectedError:
        raise temporal_errors.timed_out(handle.id, step=False) from None
    except RPCError as err:
        raise _rpc_error(handle.id, err, step=False) from None
    return result


def _refusal(cause: BaseException | None) -> OnrampError:
    if isinstance(cause, ApplicationError):
        field, reason = refused_field(cause), refused_reason(cause)
        if cause.type in INPUT_REFUSALS:
            error = OnrampError(reason, type=cause.type or Refusal.REFUSED, field=field)
            error.http_status = 422
            return error
        if cause.type in UNKNOWN_REFUSALS:
            return NotFound(reason, type=cause.type or Refusal.NOT_FOUND, field=field)
        return StepRefused(reason, type=cause.type or Refusal.REFUSED, field=field)
    return StepRefused(verbatim(str(cause)) if cause else because("The workflow refused the step."))


def _rpc_error(workflow_id: str, err: RPCError, *, step: bool = True) -> OnrampError:
    if err.status is RPCStatusCode.NOT_FOUND:
        if "completed" in err.message.lower():
            return WorkflowCompleted(_finished(workflow_id), type=Refusal.WORKFLOW_COMPLETED)
        return WorkflowMissing(
            because("No workflow with id %(workflow_id)s.", workflow_id=workflow_id), type=Refusal.NOT_FOUND
        )
    condition = temporal_errors.translated(err, workflow_id, step=step)
    if condition is None:
        raise err
    return condition
