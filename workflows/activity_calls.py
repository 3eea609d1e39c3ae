"""How a workflow calls its activities: the data layer's retry policy and timeout, said once. A retry policy
retries forever with a bounded pause: a database that is away delays a step, never fails it; a business refusal
is a non-retryable ApplicationError and ends the attempt at once.

The timeouts are fitted to the work, not generous: a data-layer call takes milliseconds and 8 s is ample under
load. What a worker crash costs is the heartbeat timeout: the worker heartbeats every activity that runs longer
than a second (starter/worker_host.py), so an attempt whose worker was killed is tried again ``HEARTBEAT`` after
its last sign of life, not after its whole start-to-close. The pause between tries never grows past 10 s, so a
database that comes back is used again within seconds."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar, overload

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from models.refusals import Refusal

T = TypeVar("T")

RETRY_PAUSE = timedelta(seconds=10)
DB_RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=RETRY_PAUSE)
DB_TIMEOUT = timedelta(seconds=8)
HEARTBEAT = timedelta(seconds=5)
"""An attempt not heard from for this long is given up and tried again: four missed beats (one a second), so a
worker whose event loop stalls under load is not taken for dead."""
ACCOUNT_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=RETRY_PAUSE,
    non_retryable_error_types=[Refusal.ACCOUNT_UNKNOWN.value],
)
"""Reading an account: an account that does not exist is final."""
GATEWAY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=30),
    non_retryable_error_types=[Refusal.CARD_UNKNOWN.value],
)
"""The payment gateway: its processing errors and outages are waited out; an unknown card is final."""


@overload
async def run(
    activity: str, arg: Any, result_type: type[T], *, retry: RetryPolicy = DB_RETRY, local: bool = False
) -> T: ...


@overload
async def run(
    activity: str, arg: Any, result_type: None = None, *, retry: RetryPolicy = DB_RETRY, local: bool = False
) -> None: ...


async def run(
    activity: str,
    arg: Any,
    result_type: type[Any] | None = None,
    *,
    retry: RetryPolicy = DB_RETRY,
    local: bool = False,
) -> Any:
    """Run ``activity`` with ``arg`` and wait for its result. ``local``: on this worker, within the workflow task
    (a short read or a write of the workflow's own rows: one marker in the history instead of three activity
    events and the workflow task that follows them, and no round trip through the server)."""
    if local:
        return await workflow.execute_local_activity(
            activity, arg, result_type=result_type, start_to_close_timeout=DB_TIMEOUT, retry_policy=retry
        )
    return await workflow.execute_activity(
        activity,
        arg,
        result_type=result_type,
        start_to_close_timeout=DB_TIMEOUT,
        heartbeat_timeout=HEARTBEAT,
        retry_policy=retry,
    )
