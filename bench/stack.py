"""A measuring bench: Temporal's dev server, onramp's worker and API in one process, plus a reference workflow.

The SMTP sink runs in a process of its own (bench/sink_process.py), as a real relay would; so does the mail
(`python worker.py` with ONRAMP_WORKER_SERVES=mail), as docker-compose runs it (mail-worker beside worker): a step
that queues a mail answers before the mail goes, and the mail's rendering and SMTP conversation are not the step's.
``bench_stack(mail_worker=False)`` keeps the mail in the measured process, as `onramp dev` does.

Every benchmark measures onramp next to a reference on the same server in the same run, and prints the ratio.
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.registry import all_activities
from bench.reference_workflow import (
    NoopActivitiesWorkflow,
    ReferenceWorkflow,
    WaitingNoopActivitiesWorkflow,
    noop_activity,
)
from models import search_attributes
from starter.client import data_converter
from starter.mail_sink import ReceivedMail, read_folder
from starter.settings import Settings
from starter.web.app import create_app
from starter.worker_host import build_worker
from store import make_engine, make_session_factory, upgrade
from tests.support import TEST_PAYLOAD_KEY, bearer, binary, free_port, operator_key


@dataclass
class Bench:
    client: Client
    http: httpx.AsyncClient
    settings: Settings
    reference_queue: str
    sink: SinkProcess
    app: FastAPI

    def own_http(self) -> httpx.AsyncClient:
        """A client of its own on the same app and key: its own cookies, for work done several at once (a portal
        login belongs to one client)."""
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://bench", headers=self.http.headers
        )


class SinkProcess:
    """The SMTP sink in a process of its own; the mails it got are read from its folder."""

    def __init__(self, port: int, folder: Path) -> None:
        self.port = port
        self.folder = folder
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> SinkProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.sink_process", str(self.port), str(self.folder)],
            cwd=Path(__file__).resolve().parent.parent,
        )
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                if self._process.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError("the SMTP sink did not start") from None
                time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None

    @property
    def mails(self) -> list[ReceivedMail]:
        return read_folder(self.folder)

    def to(self, address: str) -> list[ReceivedMail]:
        return [mail for mail in self.mails if mail.to == address]


class MailWorkerProcess:
    """The mail worker in a process of its own, on the bench's dev server, database and sink."""

    READY = b"worker started: task queue"

    def __init__(self, settings: Settings, temporal_address: str) -> None:
        self._settings, self._address = settings, temporal_address
        self._process: subprocess.Popen[bytes] | None = None
        self._log = settings.data_dir / "mail-worker.log"

    def __enter__(self) -> MailWorkerProcess:
        environment = {
            **os.environ,
            "ONRAMP_ENVIRONMENT": "dev",
            "ONRAMP_TEMPORAL_ADDRESS": self._address,
            "ONRAMP_TASK_QUEUE": self._settings.task_queue,
            "ONRAMP_DATABASE_URL": self._settings.database_url,
            "ONRAMP_SMTP_PORT": str(self._settings.smtp_port),
            "ONRAMP_PAYLOAD_KEY": TEST_PAYLOAD_KEY,
            "ONRAMP_DATA_DIR": str(self._settings.data_dir),
            "ONRAMP_WORKER_SERVES": "mail",
            "ONRAMP_WORKER_METRICS_PORT": "0",
            "ONRAMP_LOG_LEVEL": "INFO",
        }
        with self._log.open("ab") as log:
            self._process = subprocess.Popen(
                [sys.executable, "worker.py"],
                cwd=Path(__file__).resolve().parent.parent,
                env=environment,
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 60
        while self.READY not in (self._log.read_bytes() if self._log.exists() else b""):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise RuntimeError(f"the mail worker did not start; see {self._log}")
            time.sleep(0.1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=15)
            self._process = None


@asynccontextmanager
async def bench_stack(mail_worker: bool = True) -> AsyncIterator[Bench]:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            database_url=os.environ.get("ONRAMP_BENCH_DATABASE_URL")
            or f"sqlite+aiosqlite:///{Path(folder) / 'onramp.db'}",
            smtp_port=free_port(),
            payload_key=TEST_PAYLOAD_KEY,
            task_queue="bench",
            data_dir=Path(folder),
            api_keys_enabled=True,
            **{f"rate_limit_{limit}": "1000000/minute" for limit in ("ordering", "finding", "links", "login")},
        )
        engine = make_engine(settings.database_url)
        await upgrade(engine)
        sessions = make_session_factory(engine)
        key = await operator_key(sessions, "bench")  # the operator and intake of every benchmark
        env = await WorkflowEnvironment.start_local(
            data_converter=data_converter(settings),
            dev_server_existing_path=binary("temporal"),
            search_attributes=search_attributes.ALL,
            dev_server_log_level="error",
        )
        app = create_app(settings, client=env.client, sessions=sessions)
        address = env.client.service_client.config.target_host
        with (
            SinkProcess(settings.smtp_port, settings.mail_dir) as sink,
            MailWorkerProcess(settings, address) if mail_worker else contextlib.nullcontext(),
        ):
            async with (
                build_worker(
                    env.client,
                    settings.task_queue,
                    all_activities(sessions, settings.mail_config()),
                    "workflows" if mail_worker else "all",
                ),
                Worker(
                    env.client,
                    task_queue="reference",
                    workflows=[ReferenceWorkflow, NoopActivitiesWorkflow, WaitingNoopActivitiesWorkflow],
                    activities=[noop_activity],
                ),
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app), base_url="http://bench", headers=bearer(key)
                ) as http,
            ):
                yield Bench(env.client, http, settings, "reference", sink, app)
        await env.shutdown()
        await engine.dispose()


async def timed(operation: Callable[[int], Awaitable[object]], runs: int, warmup: int = 5) -> list[float]:
    """Milliseconds of each of ``runs`` calls (after ``warmup`` untimed ones)."""
    for i in range(warmup):
        await operation(-1 - i)
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        await operation(i)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def report(title: str, measured: tuple[str, list[float]], reference: tuple[str, list[float]]) -> None:
    (name, ours), (ref_name, ref) = measured, reference
    print(f"\n{title}  ({len(ours)} runs each, same dev server, same run)")
    print(f"{'':<44}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}")
    for label, samples in ((name, ours), (ref_name, ref)):
        print(
            f"{label:<44}{percentile(samples, 50):>10.2f}{percentile(samples, 99):>10.2f}"
            f"{statistics.fmean(samples):>10.2f}"
        )
    print(
        f"{'ratio (ours / reference)':<44}{percentile(ours, 50) / percentile(ref, 50):>10.2f}"
        f"{percentile(ours, 99) / percentile(ref, 99):>10.2f}{statistics.fmean(ours) / statistics.fmean(ref):>10.2f}"
    )
