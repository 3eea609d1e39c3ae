"""The fast workflow tests' kit: the real workflow code on the time-skipping server, its activities replaced by fakes.

A fast test runs a Worker of its own (a uuid task queue) with the workflow under test, the project's sandbox and the
test's fake activities (same names as the real ones, canned results of the real pydantic types). The fakes record
what they were asked in ``CALLS``, keyed by the calling workflow's id, so a test can assert what the workflow asked
of the database, the gateway or the mail server without having either. The fake ``send_mail`` lives here because
every workflow sends its mail through it.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, TypeVar

import pytest
from temporalio import activity
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import DescribeWorkflowExecutionRequest
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from models.mail import SEND_MAIL_ACTIVITY, MailReceipt, MailRequest, mail_task_queue
from models.refusals import refused_field
from tests.support import eventually
from workflows.registry import workflow_runner

T = TypeVar("T")


# ---------------------------------------------------------------- what the fake activities were asked


@dataclass
class Calls:
    """Every fake activity call, in order: (workflow id, activity name, argument)."""

    made: list[tuple[str, str, Any]] = field(default_factory=list)

    def record(self, arg: Any) -> None:
        info = activity.info()
        self.made.append((info.workflow_id or "", info.activity_type, arg))

    def of(self, workflow_id: str, name: str) -> list[Any]:
        """The arguments ``name`` was called with by ``workflow_id``, oldest first."""
        return [arg for wf, act, arg in self.made if wf == workflow_id and act == name]

    def names(self, workflow_id: str) -> list[str]:
        """The activities ``workflow_id`` called, in order."""
        return [act for wf, act, _ in self.made if wf == workflow_id]


CALLS = Calls()


def now_on_the_server() -> datetime:
    """Inside an activity: when this attempt was scheduled, on the test server's (skipped) clock."""
    return activity.info().current_attempt_scheduled_time


@activity.defn(name=SEND_MAIL_ACTIVITY)
async def send_mail(request: MailRequest) -> MailReceipt:
    """No SMTP: the mail is recorded and 'sent' with a subject naming its template and sequence."""
    CALLS.record(request)
    return MailReceipt(
        message_id=f"<{request.outbox_key}@fast.test>",
        subject=f"{request.template} #{request.sequence}",
        sent_at=now_on_the_server(),
    )


def mails(workflow_id: str) -> list[MailRequest]:
    """The mail requests ``workflow_id`` handed to the mail activity, oldest first."""
    return list(CALLS.of(workflow_id, SEND_MAIL_ACTIVITY))


# ---------------------------------------------------------------- a worker of the test's own


@dataclass
class FastRun:
    """The test's client and task queue; the workflows it starts are terminated at the end if still running."""

    client: Client
    task_queue: str
    started: list[WorkflowHandle[Any, Any]] = field(default_factory=list)

    async def start(self, run: Any, arg: Any, *, id: str) -> WorkflowHandle[Any, Any]:
        handle: WorkflowHandle[Any, Any] = await self.client.start_workflow(run, arg, id=id, task_queue=self.task_queue)
        self.started.append(handle)
        return handle

    async def terminate_the_rest(self) -> None:
        """A workflow left with a timer must not fire it later into a task queue nobody polls.

        It is terminated only once nothing is in flight. Seen with this test server: terminating a workflow while one
        of its workflow tasks or activities was outstanding left time skipping locked, so every later ``env.sleep``
        of the session waited in real time and timed out.
        """
        for handle in self.started:
            with contextlib.suppress(AssertionError):  # still busy after 10 s: terminate it all the same
                await eventually(partial(quiet, self.client, handle), timeout=10.0, what=f"{handle.id} to be idle")
            with contextlib.suppress(RPCError):  # it has finished already
                await handle.terminate(reason="fast test over")


BUSY = {
    EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
    EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
    EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED,
}
"""A history that ends with one of these has work in flight."""


async def quiet(client: Client, handle: WorkflowHandle[Any, Any]) -> bool:
    """Finished, or waiting on nothing but timers and messages: no workflow task, no activity outstanding (only
    then may the time-skipping server's workflow be terminated without locking time skipping)."""
    response = await client.workflow_service.describe_workflow_execution(
        DescribeWorkflowExecutionRequest(namespace=client.namespace, execution=WorkflowExecution(workflow_id=handle.id))
    )  # a bare describe: the SDK's describe() decodes search attributes, which trips over this server's answers
    if WorkflowExecutionStatus(response.workflow_execution_info.status) is not WorkflowExecutionStatus.RUNNING:
        return True
    if response.pending_activities:
        return False
    last = None
    async for event in handle.fetch_history_events():
        last = event.event_type
    return last not in BUSY


@asynccontextmanager
async def fake_worker(
    env: WorkflowEnvironment, workflows: Sequence[type], activities: Sequence[Callable[..., Any]]
) -> AsyncIterator[FastRun]:
    """Run ``workflows`` (real code, the project's sandbox) with fake ``activities`` on a task queue of their own,
    and the fake mail on that queue's mail queue."""
    task_queue = f"fast-{uuid.uuid4()}"
    run = FastRun(env.client, task_queue)
    async with (
        Worker(
            env.client,
            task_queue=task_queue,
            workflows=list(workflows),
            activities=list(activities),
            workflow_runner=workflow_runner(),
        ),
        Worker(env.client, task_queue=mail_task_queue(task_queue), activities=[send_mail]),
    ):
        try:
            yield run
        finally:
            await run.terminate_the_rest()


# ---------------------------------------------------------------- time and state


async def skip_to(env: WorkflowEnvironment, moment: datetime) -> None:
    """Skip the test server's clock forward to ``moment`` (no real waiting)."""
    remaining = moment - await env.get_current_time()
    assert remaining > timedelta(0), f"{moment} is already past on the test server"
    await env.sleep(remaining)


async def until(handle: WorkflowHandle[Any, Any], query: Any, ready: Callable[[T], bool], what: str) -> T:
    """The status Query's answer once ``ready`` holds: the worker reacts to a fired timer in real time (briefly)."""

    async def probe() -> T | None:
        state: T = await handle.query(query)
        return state if ready(state) else None

    return await eventually(probe, timeout=10.0, what=what)


# ---------------------------------------------------------------- refusals


def refusal(caught: pytest.ExceptionInfo[WorkflowUpdateFailedError]) -> ApplicationError:
    """The ApplicationError an Update's refusal carries (the cause of WorkflowUpdateFailedError)."""
    cause = caught.value.cause
    assert isinstance(cause, ApplicationError), f"expected an ApplicationError, got {cause!r}"
    return cause


def assert_refused(
    caught: pytest.ExceptionInfo[WorkflowUpdateFailedError], type: str, message: str, field: str | None = None
) -> None:
    """The Update was refused with this type, this exact message and (when given) this field."""
    error = refusal(caught)
    assert (error.type, error.message) == (type, message)
    assert error.non_retryable
    if field is not None:
        assert refused_field(error) == field
