"""A worker killed in the middle of a mail, on a real dev server with a real worker process: the next worker sends
the mail once, as soon as Temporal has missed the dead one's heartbeat (not after the mail's whole start-to-close
timeout); and a relay slower than the heartbeat timeout still gets each mail once, because a live worker keeps its
activities' heartbeats going."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from temporalio.api.enums.v1 import EventType, TimeoutType
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.registry import all_activities
from models.mail import SEND_MAIL_ACTIVITY, mail_task_queue
from starter.client import connect
from starter.mail_sink import ReceivedMail, parse
from starter.settings import Settings
from starter.web.app import create_app
from starter.worker_host import build_worker
from store import SessionFactory
from tests.support import bearer, dev_server, eventually, free_port, make_settings, operator_key, order
from workflows.activity_calls import HEARTBEAT

ROOT = Path(__file__).resolve().parent.parent


class Relay:
    """An SMTP server that can hold the first mail's conversation after RCPT (its sender is then killed, so the
    mail never arrives) or take ``slow`` seconds to accept each mail."""

    def __init__(self, *, hold_first: bool = False, slow: float = 0.0) -> None:
        self.port = free_port()
        self.mails: list[ReceivedMail] = []
        self.held = asyncio.Event()
        self._hold = hold_first
        self._slow = slow
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, ready_timeout=10)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        envelope.rcpt_tos.append(address)
        if self._hold:
            self._hold = False
            self._loop_of_test.call_soon_threadsafe(self.held.set)
            await asyncio.sleep(3600)  # until the sender is gone and the server stops
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        await asyncio.sleep(self._slow)
        self.mails.append(parse(envelope.original_content or b""))
        return "250 Message accepted for delivery"

    def __enter__(self) -> Relay:
        self._loop_of_test = asyncio.get_running_loop()
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


@pytest.fixture(scope="module")
async def server() -> AsyncIterator[WorkflowEnvironment]:
    async with dev_server() as env:
        yield env


def _settings(client: Client, database_url: str, relay: Relay) -> Settings:
    return make_settings(
        database_url=database_url,
        smtp_port=relay.port,
        task_queue=f"crash-{uuid.uuid4().hex[:6]}",
        temporal_address=client.service_client.config.target_host,
    )


def _worker_process(settings: Settings, log: Path, serves: str = "all") -> subprocess.Popen[bytes]:
    """`python worker.py` as an operator runs it, with the test's server, database and relay."""
    environment = {
        **os.environ,
        "ONRAMP_ENVIRONMENT": "dev",
        "ONRAMP_TEMPORAL_ADDRESS": settings.temporal_address,
        "ONRAMP_TASK_QUEUE": settings.task_queue,
        "ONRAMP_DATABASE_URL": settings.database_url,
        "ONRAMP_SMTP_PORT": str(settings.smtp_port),
        "ONRAMP_PAYLOAD_KEY": settings.payload_key.get_secret_value() if settings.payload_key else "",
        "ONRAMP_LOG_LEVEL": "INFO",
        "ONRAMP_WORKER_SERVES": serves,
    }
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=environment, stdout=out, stderr=out)


async def _order_placed(settings: Settings, sessions: SessionFactory) -> str:
    """A partner order whose start date has passed: its Set Up Now mail goes at once."""
    o = order((datetime.now(UTC) - timedelta(days=1)).date(), time_zone="UTC")
    app = create_app(settings, sessions=sessions)
    headers = bearer(await operator_key(sessions))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://api", headers=headers) as h:
        answer = await h.post("/api/partner-orders", json=o.model_dump(mode="json"))
        assert answer.status_code == 201, answer.text
    return o.workflow_id


async def _mail_queues(client: Client, workflow_id: str) -> list[str]:
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    return [
        e.activity_task_scheduled_event_attributes.task_queue.name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        and e.activity_task_scheduled_event_attributes.activity_type.name == SEND_MAIL_ACTIVITY
    ]


async def _mail_attempts(client: Client, workflow_id: str) -> list[Any]:
    """The send_mail activities' started events: each says its attempt and what ended the one before (read with
    the test's own client: the events asked for carry no payload)."""
    history = await client.get_workflow_handle(workflow_id).fetch_history()
    scheduled = {
        e.event_id
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        and e.activity_task_scheduled_event_attributes.activity_type.name == SEND_MAIL_ACTIVITY
    }
    return [
        e.activity_task_started_event_attributes
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
        and e.activity_task_started_event_attributes.scheduled_event_id in scheduled
    ]


async def test_a_mail_whose_worker_was_killed_goes_once_from_the_next_worker_after_a_missed_heartbeat(
    server: WorkflowEnvironment, sessions: SessionFactory, database_url: str, tmp_path: Path
) -> None:
    client = server.client
    with Relay(hold_first=True) as relay:
        settings = _settings(client, database_url, relay)
        log = tmp_path / "worker.log"
        first = _worker_process(settings, log)
        try:

            async def ready() -> bool | None:
                assert first.poll() is None, log.read_text()
                return "worker started" in log.read_text() or None

            await eventually(ready, timeout=60, what="the worker process polling")
            workflow_id = await _order_placed(settings, sessions)
            await asyncio.wait_for(relay.held.wait(), timeout=60)  # the first worker is in the SMTP conversation
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait()
        assert relay.mails == []

        second = build_worker(
            await connect(settings), settings.task_queue, all_activities(sessions, settings.mail_config())
        )
        async with second:

            async def arrived() -> list[ReceivedMail] | None:
                return relay.mails or None

            [mail] = await eventually(arrived, timeout=30, what="the Set Up Now mail from the second worker")
            assert mail.message["X-Onramp-Purpose"] == "set_up_now"
            assert mail.subject.startswith("Set up Webex for Kranj Logistics")

            async def attempts() -> list[Any] | None:
                found = await _mail_attempts(client, workflow_id)
                return found or None

            [started] = await eventually(attempts, what="the mail activity's completion in the history")
        assert len(relay.mails) == 1  # the dead worker's try never reached DATA; the second one went once
        assert started.attempt == 2
        assert started.last_failure.timeout_failure_info.timeout_type == TimeoutType.TIMEOUT_TYPE_HEARTBEAT


async def test_a_relay_slower_than_the_heartbeat_timeout_gets_each_mail_once(
    server: WorkflowEnvironment, sessions: SessionFactory, database_url: str
) -> None:
    client = server.client
    with Relay(slow=HEARTBEAT.total_seconds() + 2) as relay:
        settings = _settings(client, database_url, relay)
        worker = build_worker(
            await connect(settings), settings.task_queue, all_activities(sessions, settings.mail_config())
        )
        async with worker:
            workflow_id = await _order_placed(settings, sessions)

            async def attempts() -> list[Any] | None:
                found = await _mail_attempts(client, workflow_id)
                return found or None

            [started] = await eventually(attempts, timeout=30, what="the mail activity's completion in the history")
        assert started.attempt == 1
        assert len(relay.mails) == 1


async def test_mail_waits_on_its_own_queue_for_a_mail_worker_and_goes_once_it_polls(
    server: WorkflowEnvironment, sessions: SessionFactory, database_url: str, tmp_path: Path
) -> None:
    client = server.client
    with Relay() as relay:
        settings = _settings(client, database_url, relay)
        workflows_only = build_worker(
            await connect(settings), settings.task_queue, all_activities(sessions, settings.mail_config()), "workflows"
        )
        async with workflows_only:
            workflow_id = await _order_placed(settings, sessions)

            async def scheduled() -> list[str] | None:
                return await _mail_queues(client, workflow_id) or None

            assert await eventually(scheduled, what="the Set Up Now mail scheduled") == [
                mail_task_queue(settings.task_queue)
            ]
            await asyncio.sleep(2)  # long enough for any worker of the task queue to have taken the mail
            assert relay.mails == []  # nobody serves the mail queue yet

            log = tmp_path / "mail-worker.log"
            mail_worker = _worker_process(settings, log, serves="mail")
            try:

                async def arrived() -> list[ReceivedMail] | None:
                    return relay.mails or None

                [mail] = await eventually(arrived, timeout=60, what="the mail from the mail worker")
            finally:
                mail_worker.send_signal(signal.SIGTERM)
                mail_worker.wait(timeout=30)
        assert mail.message["X-Onramp-Purpose"] == "set_up_now"
        assert "serving mail" in log.read_text()
