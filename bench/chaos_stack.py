"""The processes of bench/chaos.py, each of its own, as an operator runs them: Temporal's dev server on a database
file, onramp's worker (`python worker.py`; with ``mail_worker``, one serving the workflows and one the mail),
onramp's API (`onramp api`) and the SMTP sink (bench/sink_process.py).
The worker logs at INFO (its own file) so that a start can wait for its "worker started" line.

Each can be killed and started again while the others go on; the worker's starts are recorded, so a round can say how
long work took after a new worker came up.
"""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from starter.dev_stack import search_attribute_flags, temporal_binary
from tests.support import free_port

ROOT = Path(__file__).resolve().parent.parent
TASK_QUEUE = "chaos"
WORKER_READY = b"worker started: task queue"


def _count(path: Path, line: bytes) -> int:
    return path.read_bytes().count(line) if path.exists() else 0


def wait_for_port(port: int, process: subprocess.Popen[bytes], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{what} stopped at start (exit {process.returncode})") from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not listen on {port} within {seconds:.0f} s") from None
            time.sleep(0.05)


@dataclass
class ChaosStack:
    folder: Path
    database_url: str
    temporal_port: int = field(default_factory=free_port)
    api_port: int = field(default_factory=free_port)
    smtp_port: int = field(default_factory=free_port)
    payload_key: str = field(default_factory=lambda: base64.b64encode(os.urandom(32)).decode())
    mail_worker: bool = False
    """Mail in a worker process of its own (ONRAMP_WORKER_SERVES=mail beside =workflows), not in the one worker."""
    kill_only: str | None = None
    """The one kind of worker the kills pick ("worker" or "mail-worker"); None: either, at random."""
    worker_starts: list[float] = field(default_factory=list)  # wall clock, as the sink's and the steps' times
    worker_kills: list[float] = field(default_factory=list)
    mail_kills: list[float] = field(default_factory=list)
    """The kills of a process that was sending mail: the worker, or the mail worker when there is one."""
    _temporal: subprocess.Popen[bytes] | None = None
    _worker: subprocess.Popen[bytes] | None = None
    _mail_worker: subprocess.Popen[bytes] | None = None
    _api: subprocess.Popen[bytes] | None = None
    _sink: subprocess.Popen[bytes] | None = None
    _logs: dict[str, IO[bytes]] = field(default_factory=dict)

    @property
    def mail_dir(self) -> Path:
        return self.folder / "mail"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def environment(self) -> dict[str, str]:
        """The worker's and the API's settings: production mode, with a payload key and onramp's API keys."""
        limits = {f"ONRAMP_RATE_LIMIT_{name}": "1000000/minute" for name in ("ORDERING", "FINDING", "LINKS", "LOGIN")}
        return {
            **os.environ,
            **limits,
            "ONRAMP_ENVIRONMENT": "production",
            "ONRAMP_TEMPORAL_ADDRESS": f"127.0.0.1:{self.temporal_port}",
            "ONRAMP_TASK_QUEUE": TASK_QUEUE,
            "ONRAMP_DATABASE_URL": self.database_url,
            "ONRAMP_SMTP_PORT": str(self.smtp_port),
            "ONRAMP_PAYLOAD_KEY": self.payload_key,
            "ONRAMP_API_KEYS_ENABLED": "true",
            "ONRAMP_API_PORT": str(self.api_port),
            "ONRAMP_PUBLIC_BASE_URL": self.base_url,
            "ONRAMP_DATA_DIR": str(self.folder),
            "ONRAMP_LOG_LEVEL": "WARNING",
        }

    def _log(self, name: str) -> IO[bytes]:
        if name not in self._logs:
            self._logs[name] = (self.folder / f"{name}.log").open("ab")
        return self._logs[name]

    def _spawn(self, name: str, command: list[str], **env: str) -> subprocess.Popen[bytes]:
        log = self._log(name)
        return subprocess.Popen(command, cwd=ROOT, env={**self.environment(), **env}, stdout=log, stderr=log)

    # ---------------------------------------------------------------- Temporal

    def start_temporal(self) -> None:
        command = [
            temporal_binary(),
            "server",
            "start-dev",
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.temporal_port),
            "--headless",
            "--db-filename",
            str(self.folder / "temporal.db"),
            "--log-level",
            "error",
            *search_attribute_flags(),
        ]
        self._temporal = self._spawn("temporal", command)
        wait_for_port(self.temporal_port, self._temporal, "Temporal's dev server")

    def kill_temporal(self) -> None:
        self._kill("_temporal")

    # ---------------------------------------------------------------- the worker

    @property
    def worker_kinds(self) -> list[str]:
        return ["worker", "mail-worker"] if self.mail_worker else ["worker"]

    @property
    def killable(self) -> list[str]:
        return [self.kill_only] if self.kill_only in self.worker_kinds else self.worker_kinds

    async def start_worker(self, kind: str = "worker") -> float:
        """Start a worker (``kind``: the worker, or the mail worker) and wait until it has said "worker started"
        (its workflows checked, about to poll): the seconds that took."""
        log = self.folder / f"{kind}.log"
        ready_before = _count(log, WORKER_READY)
        spawned = time.time()
        serves = ("mail" if kind == "mail-worker" else "workflows") if self.mail_worker else "all"
        process = self._spawn(kind, [sys.executable, "worker.py"], ONRAMP_LOG_LEVEL="INFO", ONRAMP_WORKER_SERVES=serves)
        setattr(self, _attribute(kind), process)
        while _count(log, WORKER_READY) == ready_before:
            if process.poll() is not None:
                raise RuntimeError(f"the {kind} stopped at start (exit {process.returncode}); see {log}")
            if time.time() - spawned > 60:
                raise RuntimeError(f"the {kind} was not ready within 60 s; see {log}")
            await asyncio.sleep(0.05)
        self.worker_starts.append(time.time())
        return self.worker_starts[-1] - spawned

    async def start_workers(self) -> None:
        for kind in self.worker_kinds:
            await self.start_worker(kind)

    def kill_worker(self, kind: str = "worker") -> None:
        if getattr(self, _attribute(kind)) is not None:
            self.worker_kills.append(time.time())
            if kind == "mail-worker" or not self.mail_worker:
                self.mail_kills.append(self.worker_kills[-1])
        self._kill(_attribute(kind))

    # ---------------------------------------------------------------- the API and the sink

    def start_api(self) -> None:
        self._api = self._spawn("api", [str(Path(sys.executable).parent / "onramp"), "api"])
        wait_for_port(self.api_port, self._api, "onramp's API")

    def start_sink(self) -> None:
        self._sink = self._spawn(
            "sink", [sys.executable, "-m", "bench.sink_process", str(self.smtp_port), str(self.mail_dir)]
        )
        wait_for_port(self.smtp_port, self._sink, "the SMTP sink")

    def stop_sink(self) -> None:
        """The relay goes away: its port refuses connections until start_sink."""
        self._kill("_sink", signal.SIGTERM)

    # ---------------------------------------------------------------- all

    def _kill(self, attribute: str, how: signal.Signals = signal.SIGKILL) -> None:
        process: subprocess.Popen[bytes] | None = getattr(self, attribute)
        if process is not None and process.poll() is None:
            process.send_signal(how)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        setattr(self, attribute, None)

    def stop(self) -> None:
        for attribute in ("_api", "_worker", "_mail_worker", "_sink", "_temporal"):
            self._kill(attribute, signal.SIGTERM)
        for log in self._logs.values():
            log.close()


def _attribute(kind: str) -> str:
    return "_" + kind.replace("-", "_")
