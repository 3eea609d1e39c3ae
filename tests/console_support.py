"""The operators' console in tests: Temporal's dev server (the time-skipping one answers no visibility query, and
every queue is one), a worker on a task queue of the test's own, an app on both, and waiting for a queue to show
what was just started (visibility follows the workflows by a moment)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from temporalio.client import Client

from activities.registry import all_activities
from models.partner_order import PartnerOrderInput
from starter.mail_sink import MailSink
from starter.services import console_queues
from starter.services.console_queues import Queue
from starter.settings import Settings
from starter.web.app import create_app
from starter.worker_host import Workers, build_worker
from store import SessionFactory
from tests.support import eventually, make_settings, order


@dataclass
class Console:
    client: Client
    settings: Settings
    app: FastAPI
    worker: Workers


@asynccontextmanager
async def console_stack(
    client: Client,
    database_url: str,
    sessions: SessionFactory,
    mail_sink: MailSink,
    settings: Callable[[str], Settings] | None = None,
) -> AsyncIterator[Console]:
    """A worker on a queue of its own and an app, both on ``client`` (the dev server's)."""
    queue = f"console-{uuid.uuid4().hex[:8]}"
    made = (settings or (lambda q: _settings(database_url, mail_sink, q)))(queue)
    worker = build_worker(client, queue, all_activities(sessions, made.mail_config()))
    async with worker:
        yield Console(client, made, create_app(made, client=client, sessions=sessions), worker)


def _settings(database_url: str, mail_sink: MailSink, queue: str) -> Settings:
    return make_settings(
        database_url=database_url,
        smtp_host=mail_sink.host,
        smtp_port=mail_sink.port,
        task_queue=queue,
        public_base_url="http://onramp.test",
    )


def partner_order(days_ahead: int = 0, **policy: int) -> PartnerOrderInput:
    """A partner order starting ``days_ahead`` days from today (UTC), under ``policy`` (its deadlines count from the
    start date, or from now once it has passed: ``escalate_after_days=0`` escalates at once)."""
    tag = uuid.uuid4().hex[:8]
    return order(
        datetime.now(UTC).date() + timedelta(days=days_ahead),
        order_id=f"CON-{tag}",
        time_zone="UTC",
        provisioning_contact_email=f"provisioning-{tag}@partner.example",
        policy=policy,
    )


async def ids_in(client: Client, queue: Queue) -> set[str]:
    """Every workflow id in ``queue`` now, through all its pages."""
    found: set[str] = set()
    token = None
    while True:
        page = await console_queues.page(client, queue, token, size=100)
        found |= {row.workflow_id for row in page.rows}
        if page.next_token is None:
            return found
        token = page.next_token


async def shown(client: Client, queue: Queue, workflow_id: str) -> set[str]:
    """The queue's ids, once ``workflow_id`` is among them."""

    async def there() -> set[str] | None:
        found = await ids_in(client, queue)
        return found if workflow_id in found else None

    return await eventually(there, timeout=30, what=f"{workflow_id} in the {queue.value} queue")
