"""Temporal's own conditions as answers a caller can act on: come back later (503), slow down (429), or look before
trying again (a step that timed out may have been applied). The API, the pages and the CLI all answer from here, so
no known Temporal condition is ever a 500 or a traceback."""

from __future__ import annotations

from temporalio.client import RPCTimeoutOrCancelledError, WorkflowQueryRejectedError
from temporalio.service import RPCError, RPCStatusCode

from models.refusals import Param, Reason, because, word
from starter.errors import OnrampError

BUSY_RETRY_AFTER = "1"
UNAVAILABLE_RETRY_AFTER = "5"
RECOVERING_RETRY_AFTER = "2"
NOT_READY = "WorkflowNotReadyFailure"


class TemporalCondition(OnrampError):
    """A condition of the Temporal service, not a refusal of the process: trying again later can succeed."""

    http_status = 503

    def __init__(self, reason: Reason, *, type: str, retry_after: str) -> None:
        super().__init__(reason, type=type)
        self.headers = {"Retry-After": retry_after}


class TemporalBusy(TemporalCondition):
    """Temporal asks callers to slow down (too many steps in flight on one process, or the namespace's limits)."""

    http_status = 429


def _what(workflow_id: str | None) -> Param:
    return workflow_id or word("which process", "the process")


def unavailable(workflow_id: str | None = None) -> TemporalCondition:
    return TemporalCondition(
        because(
            "Temporal is not answering right now, so %(what)s was not changed. Try again in a few seconds.",
            what=_what(workflow_id),
        ),
        type="TemporalUnavailable",
        retry_after=UNAVAILABLE_RETRY_AFTER,
    )


def busy(workflow_id: str | None = None) -> TemporalBusy:
    return TemporalBusy(
        because(
            "Too many steps are in flight for %(what)s; this one was not applied. Try again in a moment.",
            what=_what(workflow_id),
        ),
        type="TemporalBusy",
        retry_after=BUSY_RETRY_AFTER,
    )


def timed_out(workflow_id: str | None = None, *, step: bool = True) -> TemporalCondition:
    if step:
        reason = because(
            "No answer came in time from %(what)s: the step may or may not have been applied. "
            "Look at its state (its status or timeline) before you try again.",
            what=_what(workflow_id),
        )
    else:
        reason = because(
            "No answer came in time from %(what)s (is a worker running?). "
            "Nothing was changed; try again in a few seconds.",
            what=_what(workflow_id),
        )
    return TemporalCondition(reason, type="TemporalTimeout", retry_after=UNAVAILABLE_RETRY_AFTER)


def recovering(workflow_id: str | None = None) -> TemporalCondition:
    """The workflow's last task did not finish (its worker stopped in the middle of it): the server refuses Queries
    and Updates until a worker has run the task again, which takes seconds."""
    return TemporalCondition(
        because(
            "The workflow %(what)s is catching up after a worker stopped, so nothing was changed. "
            "Try again in a few seconds.",
            what=workflow_id,
        )
        if workflow_id
        else because(
            "The process is catching up after a worker stopped, so nothing was changed. Try again in a few seconds."
        ),
        type="TemporalRecovering",
        retry_after=RECOVERING_RETRY_AFTER,
    )


def _not_ready(err: RPCError) -> bool:
    return err.status is RPCStatusCode.FAILED_PRECONDITION and any(
        detail.type_url.endswith(NOT_READY) for detail in err.grpc_status.details
    )


def translated(err: BaseException, workflow_id: str | None = None, *, step: bool = True) -> OnrampError | None:
    """The answer for one of Temporal's conditions, or None when ``err`` is not one (then it is a real fault).

    ``step`` says whether the call could have changed something (an Update, a start) or only read (a Query)."""
    if isinstance(err, RPCTimeoutOrCancelledError):
        return timed_out(workflow_id, step=step)
    if isinstance(err, WorkflowQueryRejectedError):
        return timed_out(workflow_id, step=False)
    if not isinstance(err, RPCError):
        return None
    if err.status is RPCStatusCode.RESOURCE_EXHAUSTED:
        return busy(workflow_id)
    if err.status is RPCStatusCode.UNAVAILABLE:
        return unavailable(workflow_id)
    if err.status is RPCStatusCode.UNKNOWN and "transport error" in err.message:  # the server went away mid-call
        return timed_out(workflow_id, step=step) if step else unavailable(workflow_id)
    if _not_ready(err):
        return recovering(workflow_id)
    if err.status in (RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED):
        return timed_out(workflow_id, step=step)
    if "aborted" in err.message.lower():  # the process closed or moved on while the step was in flight
        return timed_out(workflow_id, step=step)
    return None
