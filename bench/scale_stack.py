"""The processes of bench/scale.py, each of its own: Temporal's dev server (in memory), the SMTP sink
(bench/sink_process.py), onramp's worker(s) (`onramp worker`), the reference worker(s) (`python -m
bench.scale_reference`) and, for the lifecycles only, onramp's API (`onramp api`). Plus what /proc says of each:
resident memory (VmRSS) and CPU seconds (utime + stime).

Every process is started by this one and stopped by ``ScaleStack.stop`` (SIGTERM, then SIGKILL after 15 s), which is
safe to call more than once.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from bench.chaos_stack import wait_for_port
from starter.dev_stack import search_attribute_flags
from tests.support import TEST_PAYLOAD_KEY, binary, free_port

ROOT = Path(__file__).resolve().parent.parent
READY = b"worker started: task queue"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
OURS_QUEUE = "scale"
REFERENCE_QUEUE = "scale-reference"


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def self_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    ready_at: float = 0.0  # time.time() of its "worker started" line (workers)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def rss_mb(self) -> float:
        return rss_mb(self.pid)

    def cpu(self) -> float:
        return cpu_seconds(self.pid)


@dataclass
class ScaleStack:
    folder: Path
    cache: int = 1000
    temporal_port: int = field(default_factory=free_port)
    smtp_port: int = field(default_factory=free_port)
    api_port: int = field(default_factory=free_port)
    processes: dict[str, Process] = field(default_factory=dict)
    _logs: list[IO[bytes]] = field(default_factory=list)

    @property
    def database_url(self) -> str:
        return f"sqlite+aiosqlite:///{self.folder / 'onramp.db'}"

    @property
    def mail_dir(self) -> Path:
        return self.folder / "mail"

    @property
    def temporal_address(self) -> str:
        return f"127.0.0.1:{self.temporal_port}"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def environment(self, task_queue: str = OURS_QUEUE) -> dict[str, str]:
        limits = {f"ONRAMP_RATE_LIMIT_{name}": "1000000/minute" for name in ("ORDERING", "FINDING", "LINKS", "LOGIN")}
        return {
            **os.environ,
            **limits,
            "ONRAMP_ENVIRONMENT": "production",
            "ONRAMP_TEMPORAL_ADDRESS": self.temporal_address,
            "ONRAMP_TASK_QUEUE": task_queue,
            "ONRAMP_DATABASE_URL": self.database_url,
            "ONRAMP_SMTP_HOST": "127.0.0.1",
            "ONRAMP_SMTP_PORT": str(self.smtp_port),
            "ONRAMP_PAYLOAD_KEY": TEST_PAYLOAD_KEY,
            "ONRAMP_WORKER_METRICS_PORT": "0",
            "ONRAMP_API_METRICS_PORT": "0",
            "ONRAMP_WORKER_MAX_CACHED_WORKFLOWS": str(self.cache),
            "ONRAMP_API_KEYS_ENABLED": "true",
            "ONRAMP_API_PORT": str(self.api_port),
            "ONRAMP_PUBLIC_BASE_URL": self.base_url,
            "ONRAMP_DATA_DIR": str(self.folder),
            "ONRAMP_LOG_LEVEL": "INFO",
        }

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> Process:
        log_path = self.folder / f"{name}.log"
        log = log_path.open("ab")
        self._logs.append(log)
        popen = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        process = Process(name, popen, log_path)
        self.processes[name] = process
        return process

    def start_temporal(self) -> Process:
        command = [
            binary("temporal"),
            "server",
            "start-dev",
            "--ip",
            "127.0.0.1",
            "--port",
            str(self.temporal_port),
            "--headless",
            "--log-level",
            "error",
            *search_attribute_flags(),
        ]
        process = self._spawn("temporal", command, dict(os.environ))
        wait_for_port(self.temporal_port, process.popen, "Temporal's dev server")
        return process

    def start_sink(self) -> Process:
        command = [sys.executable, "-m", "bench.sink_process", str(self.smtp_port), str(self.mail_dir)]
        process = self._spawn("sink", command, dict(os.environ))
        wait_for_port(self.smtp_port, process.popen, "the SMTP sink")
        return process

    def start_api(self) -> Process:
        process = self._spawn("api", [str(Path(sys.executable).parent / "onramp"), "api"], self.environment())
        wait_for_port(self.api_port, process.popen, "onramp's API")
        return process

    async def start_worker(self, name: str, reference: bool = False) -> Process:
        """``onramp worker`` (or the reference's) as ``name``; returns once it has said "worker started"."""
        if reference:
            command = [sys.executable, "-m", "bench.scale_reference"]
            env = self.environment(REFERENCE_QUEUE)
        else:
            command = [str(Path(sys.executable).parent / "onramp"), "worker"]
            env = self.environment(OURS_QUEUE)
        log_path = self.folder / f"{name}.log"
        before = log_path.read_bytes().count(READY) if log_path.exists() else 0
        spawned = time.time()
        process = self._spawn(name, command, env)
        while log_path.read_bytes().count(READY) == before:
            if process.popen.poll() is not None:
                raise RuntimeError(f"{name} stopped at start (exit {process.popen.returncode}); see {log_path}")
            if time.time() - spawned > 90:
                raise RuntimeError(f"{name} was not ready within 90 s; see {log_path}")
            await asyncio.sleep(0.02)
        process.ready_at = time.time()
        return process

    def stop_process(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.popen.poll() is not None:
            return
        process.popen.send_signal(signal.SIGTERM)
        try:
            process.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.popen.kill()
            process.popen.wait()

    def stop(self) -> None:
        order = [n for n in self.processes if n not in ("sink", "temporal")] + ["sink", "temporal"]
        for name in order:
            self.stop_process(name)
        for log in self._logs:
            log.close()
        self._logs.clear()
