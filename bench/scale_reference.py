"""The references of bench/scale.py, and the process that hosts them: `python -m bench.scale_reference`.

- ``SleepingReference``: the least an open order can be: a workflow asleep on a long timer (30 days), answering a
  trivial Query. The reference for starting, holding in the cache, and replaying on a cold Query.
- ``BurstReference``: asleep until a given moment, then one no-op activity: the reference for an escalation.

The process reads the same ONRAMP_ variables as `onramp worker` (the dev server's address, the task queue, the
payload key, ONRAMP_WORKER_MAX_CACHED_WORKFLOWS, ONRAMP_WORKER_STICKY_SECONDS, the workflow and activity slots),
uses the same data converter and the same sandbox (workflows.registry.workflow_runner()), and says
"worker started: task queue" once it polls, as onramp's worker does.
"""

from __future__ import annotations

import asyncio
import signal
from datetime import datetime, timedelta

from temporalio import workflow
from temporalio.client import Client
from temporalio.worker import Worker

from bench.reference_workflow import noop_activity

SLEEP = timedelta(days=30)


@workflow.defn
class SleepingReference:
    @workflow.run
    async def run(self) -> None:
        await workflow.sleep(SLEEP)

    @workflow.query
    def status(self) -> str:
        return "sleeping"


@workflow.defn
class BurstReference:
    @workflow.run
    async def run(self, fire_at: datetime) -> int:
        remaining = fire_at - workflow.now()
        if remaining > timedelta(0):
            await workflow.sleep(remaining)
        return await workflow.execute_activity(noop_activity, 1, start_to_close_timeout=timedelta(seconds=60))


async def _serve() -> None:
    from starter.client import data_converter
    from starter.settings import get_settings
    from workflows.registry import workflow_runner

    settings = get_settings()
    client = await Client.connect(
        settings.temporal_address, namespace=settings.temporal_namespace, data_converter=data_converter(settings)
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    worker = Worker(
        client,
        task_queue=settings.task_queue,
        workflows=[SleepingReference, BurstReference],
        activities=[noop_activity],
        workflow_runner=workflow_runner(),
        sticky_queue_schedule_to_start_timeout=timedelta(seconds=settings.worker_sticky_seconds),
        max_cached_workflows=settings.worker_max_cached_workflows,
        max_concurrent_workflow_tasks=settings.worker_max_concurrent_workflow_tasks,
        max_concurrent_activities=settings.worker_max_concurrent_activities,
    )
    async with worker:
        print(f"worker started: task queue '{settings.task_queue}' (reference)", flush=True)
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(_serve())
