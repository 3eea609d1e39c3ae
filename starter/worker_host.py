"""The worker host: builds the Temporal worker that hosts every workflow and activity, and runs it with the settings.

`python worker.py`, `onramp worker` and `onramp dev` all run it; scale out by running more of them on the same task
queue. The settings are read here, the entry point, and handed down: the activities get a session factory and the
mail settings, nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, Literal

from temporalio import activity
from temporalio.client import Client
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.exceptions import ApplicationError
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
    Worker,
)

from activities.registry import all_activities
from models.mail import SEND_MAIL_ACTIVITY, mail_task_queue
from starter import logs, metrics, telemetry
from starter.client import connect
from starter.services import mail_relay
from starter.settings import Settings, get_settings
from starter.worker_logs import LogWorkflows
from store import SessionFactory, make_engine, make_session_factory
from workflows.registry import ALL_WORKFLOWS, workflow_runner

log = logging.getLogger("onramp.worker")


HEARTBEAT_EVERY = 1.0
"""Seconds between an activity's heartbeats; the first only after that long, so the many activities that take
milliseconds send none."""


class LogFailures(Interceptor):
    """One log line per failed activity attempt (which activity, which workflow, which attempt, why, and whether
    Temporal tries again), and one per retry when it starts. The workflow id, run id and trace id are the line's
    fields (starter/logs.py)."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _LogActivityFailure(next)


class KeepAlive(Interceptor):
    """Heartbeats every activity scheduled with a heartbeat timeout while it runs, so Temporal knows a killed
    worker's attempt is gone within that timeout and tries it again on a live worker. The activities themselves
    stay plain functions: none of them has progress worth reporting, only its being alive."""

    def intercept_activity(self, next: ActivityInboundInterceptor) -> ActivityInboundInterceptor:
        return _KeepActivityAlive(next)


class _KeepActivityAlive(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        if activity.info().heartbeat_timeout is None:
            return await super().execute_activity(input)
        beating = asyncio.create_task(_beat())
        try:
            return await super().execute_activity(input)
        finally:
            beating.cancel()


async def _beat() -> None:
    while True:
        await asyncio.sleep(HEARTBEAT_EVERY)
        activity.heartbeat()


class _LogActivityFailure(ActivityInboundInterceptor):
    async def execute_activity(self, input: ExecuteActivityInput) -> Any:
        info = activity.info()
        if info.attempt > 1:
            log.info(
                "activity %s retried (attempt %d)",
                info.activity_type,
                info.attempt,
                extra={"outcome": "retry", "workflow_id": info.workflow_id, "run_id": info.workflow_run_id},
            )
        try:
            return await super().execute_activity(input)
        except Exception as err:
            retried = _retried(err, info)
            log.warning(
                "activity %s failed (attempt %d) for %s: %s%s",
                info.activity_type,
                info.attempt,
                info.workflow_id,
                without_addresses(str(err)),
                "" if retried else " (not retried)",
                extra={
                    "outcome": "will_retry" if retried else "failed",
                    "error": type(err).__name__,
                    "workflow_id": info.workflow_id,
                    "run_id": info.workflow_run_id,
                },
            )
            raise


ADDRESS = re.compile(r"[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+")


def without_addresses(text: str) -> str:
    """An error's text with every e-mail address replaced: an SMTP server's refusal names its recipient, and no
    address goes into a log line."""
    return ADDRESS.sub("<address>", text)


def _retried(err: Exception, info: activity.Info) -> bool:
    """Whether Temporal tries this activity again after ``err``: not after a non-retryable error (a refusal), nor
    after the retry policy's last attempt."""
    if isinstance(err, ApplicationError) and err.non_retryable:
        return False
    policy = info.retry_policy
    if policy is None:
        return True
    if isinstance(err, ApplicationError) and err.type in (policy.non_retryable_error_types or ()):
        return False
    return not (policy.maximum_attempts and info.attempt >= policy.maximum_attempts)


WorkerServes = Literal["all", "workflows", "mail"]


class Workers:
    """The Temporal workers one process runs, started and stopped together (``async with``): the workflows with
    their activities on the task queue, and the mail on its own queue (models/mail.mail_task_queue)."""

    def __init__(self, workers: Sequence[Worker]) -> None:
        self.workers = list(workers)
        self._running = contextlib.AsyncExitStack()

    async def __aenter__(self) -> Workers:
        async with contextlib.AsyncExitStack() as starting:
            for worker in self.workers:
                await starting.enter_async_context(worker)
            self._running = starting.pop_all()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._running.aclose()


def build_worker(
    client: Client,
    task_queue: str,
    activities: Sequence[Callable[..., Any]],
    serves: WorkerServes = "all",
    *,
    strict_sandbox: bool = False,
    **options: Any,
) -> Workers:
    """The workers for ``serves``. ``activities`` are all of them: the mail worker takes the mail's from them.
    ``strict_sandbox``: see workflows/registry.py."""
    mail = [fn for fn in activities if _activity_name(fn) == SEND_MAIL_ACTIVITY]
    others = [fn for fn in activities if _activity_name(fn) != SEND_MAIL_ACTIVITY]
    interceptors: list[Interceptor] = [LogFailures(), KeepAlive(), LogWorkflows()]
    if telemetry.tracing_on() and not telemetry.has_tracing(client.config().get("interceptors")):
        interceptors.insert(0, TracingInterceptor())  # outermost: the lines inside carry its trace id
    workers = []
    if serves != "mail":
        workers.append(
            Worker(
                client,
                task_queue=task_queue,
                workflows=ALL_WORKFLOWS,
                activities=[*others, *mail],  # mail of workflows that began before it had a queue of its own
                workflow_runner=workflow_runner(strict=strict_sandbox),
                interceptors=interceptors,
                **options,
            )
        )
    if serves != "workflows" and mail:
        workers.append(
            Worker(client, task_queue=mail_task_queue(task_queue), activities=mail, interceptors=interceptors)
        )
    return Workers(workers)


def _activity_name(fn: Callable[..., Any]) -> str | None:
    definition = activity._Definition.from_callable(fn)
    return definition.name if definition else None


async def run_worker(settings: Settings, stop: asyncio.Event, client: Client | None = None) -> None:
    """Run until ``stop`` is set, then finish the tasks in hand and return. A worker that connects itself serves
    its metrics (starter/metrics.py) before connecting, so its client reports the SDK's; one given a client (the dev
    stack) leaves the endpoint to its host."""
    endpoint = (
        metrics.serve(settings.metrics_host, settings.worker_metrics_port, "ONRAMP_WORKER_METRICS_PORT")
        if client is None
        else None
    )
    if endpoint is not None:
        log.info("worker metrics on %s", endpoint.url)
    client = client or await connect(settings)
    if client.data_converter.payload_codec is None:
        log.warning("payload encryption is OFF: set ONRAMP_PAYLOAD_KEY so personal data is not stored in clear text")
    engine = make_engine(settings.database_url)
    serves = settings.worker_serves
    options = (
        {}
        if serves == "mail"
        else {
            "sticky_queue_schedule_to_start_timeout": timedelta(seconds=settings.worker_sticky_seconds),
            "max_cached_workflows": settings.worker_max_cached_workflows,
            "max_concurrent_workflow_tasks": settings.worker_max_concurrent_workflow_tasks,
            "max_concurrent_activities": settings.worker_max_concurrent_activities,
        }
    )
    workers = build_worker(
        client,
        settings.task_queue,
        all_activities(make_session_factory(engine), settings.mail_config()),
        serves,
        **options,
    )
    log.info(
        "worker started: task queue '%s' on %s (namespace %s), serving %s",
        settings.task_queue if serves != "mail" else mail_task_queue(settings.task_queue),
        settings.temporal_address,
        settings.temporal_namespace,
        serves,
    )
    relay = (
        asyncio.create_task(_relay_mail(make_session_factory(engine), settings, stop))
        if serves != "workflows"
        else None
    )
    try:
        async with workers:
            await stop.wait()
    except Exception:
        log.exception("worker failed")
        raise
    finally:
        if relay is not None:
            relay.cancel()
        await engine.dispose()
        if endpoint is not None:
            endpoint.close()
        log.info("worker stopped")


RELAY_SECONDS = 15.0


async def _relay_mail(sessions: SessionFactory, settings: Settings, stop: asyncio.Event) -> None:
    """Every 15 s, the mail the API could not send itself (SMTP away, or the API gone after its commit)."""
    while not stop.is_set():
        try:
            sent = await mail_relay.deliver_waiting(sessions, settings)
            if sent:
                log.info("%d waiting mails sent", sent)
        except Exception:  # the database away: the next round tries again
            log.warning("waiting mails could not be sent this round", exc_info=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), RELAY_SECONDS)


def main() -> None:
    settings = get_settings()
    problems = settings.production_problems(serves_callers=False)
    if problems:
        sys.exit("The worker does not start in production like this:\n" + "\n".join(f"  - {p}" for p in problems))
    logs.configure(settings)
    telemetry.start_tracing(settings, "onramp-worker")

    async def _main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_worker(settings, stop)

    asyncio.run(_main())
