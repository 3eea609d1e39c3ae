"""The worker host: builds the Temporal worker that hosts every workflow and activity, and runs it with the settings.

`python worker.py`, `onramp worker` and `onramp dev` all run it; scale out by running more of them on the same task
queue. The settings are read here, the entry point, and handed down: the activities get a session factory and the
mail settings, nothing else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from temporalio import activity
from temporalio.client import Client
from temporalio.worker import (
    ActivityInboundInterceptor,
    ExecuteActivityInput,
    Interceptor,
    Worker,
)

from activities.registry import all_activities
from starter.client import connect
from starter.services import mail_relay
from starter.settings import Settings, get_settings
from store import SessionFactory, make_engine, make_session_factory
from workflows.registry import ALL_WORKFLOWS, workflow_runner

log = logging.getLogger("onramp.worker")


HEARTBEAT_EVERY = 1.0
"""Seconds between an activity's heartbeats; the first only after that long, so the many activities that take
milliseconds send none."""


class LogFailures(Interceptor):
    """One log line per failed activity attempt: which activity, which workflow, which attempt, why."""

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
        try:
            return await super().execute_activity(input)
        except Exception as err:
            info = activity.info()
            log.warning(
                "activity %s failed (attempt %d) for %s: %s",
                info.activity_type,
                info.attempt,
                info.workflow_id,
                err,
            )
            raise


def build_worker(
    client: Client,
    task_queue: str,
    activities: Sequence[Callable[..., Any]],
    **options: Any,
) -> Worker:
    return Worker(
        client,
        task_queue=task_queue,
        workflows=ALL_WORKFLOWS,
        activities=activities,
        workflow_runner=workflow_runner(),
        interceptors=[LogFailures(), KeepAlive()],
        **options,
    )


async def run_worker(settings: Settings, stop: asyncio.Event, client: Client | None = None) -> None:
    """Run until ``stop`` is set, then finish the tasks in hand and return."""
    client = client or await connect(settings)
    if client.data_converter.payload_codec is None:
        log.warning("payload encryption is OFF: set ONRAMP_PAYLOAD_KEY so personal data is not stored in clear text")
    engine = make_engine(settings.database_url)
    worker = build_worker(
        client,
        settings.task_queue,
        all_activities(make_session_factory(engine), settings.mail_config()),
        sticky_queue_schedule_to_start_timeout=timedelta(seconds=settings.worker_sticky_seconds),
    )
    log.info(
        "worker started: task queue '%s' on %s (namespace %s)",
        settings.task_queue,
        settings.temporal_address,
        settings.temporal_namespace,
    )
    relay = asyncio.create_task(_relay_mail(make_session_factory(engine), settings, stop))
    try:
        async with worker:
            await stop.wait()
    except Exception:
        log.exception("worker failed")
        raise
    finally:
        relay.cancel()
        await engine.dispose()
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
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    async def _main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_worker(settings, stop)

    asyncio.run(_main())
