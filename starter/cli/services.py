"""`onramp worker`, `onramp api`, `onramp db upgrade`: the production processes, one per command."""

from __future__ import annotations

import asyncio

import typer
import uvicorn
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from starter import logs, metrics, telemetry, worker_host
from starter.cli.output import console, fail
from starter.settings import get_settings
from starter.web.app import create_app
from store import make_engine, upgrade

db = typer.Typer(help="The application database.", no_args_is_help=True)


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply the database migrations (harmless when the database is current)."""
    settings = get_settings()

    async def _upgrade() -> None:
        engine = make_engine(settings.database_url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    try:
        asyncio.run(_upgrade())
    except (SQLAlchemyError, OSError) as err:
        fail(f"Cannot migrate the database at {_safe(settings.database_url)}: {err}")
    console.print(f"[green]Database is up to date[/] ({_safe(settings.database_url)}).")


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def refuse_unsafe_start(what: str, *, serves_callers: bool) -> None:
    """Production processes do not start without what keeps their data and callers safe; the message says why."""
    problems = get_settings().production_problems(serves_callers=serves_callers)
    if problems:
        fail(f"The {what} does not start in production like this:\n" + "\n".join(f"  • {p}" for p in problems))


def worker() -> None:
    """Run a worker (scale out by running more of them on the same task queue)."""
    worker_host.main()  # which refuses an unsafe start itself (python worker.py runs it too)


def api() -> None:
    """Run the HTTP API (uvicorn) on ONRAMP_API_HOST:ONRAMP_API_PORT."""
    refuse_unsafe_start("API", serves_callers=True)
    settings = get_settings()
    logs.configure(settings)
    telemetry.start_tracing(settings, "onramp-api")
    # before the API's first Temporal connection, so its client reports the SDK's metrics too
    metrics.serve(settings.metrics_host, settings.api_metrics_port, "ONRAMP_API_METRICS_PORT")
    app = create_app(settings)
    # onramp's own line per request (starter/web/request_log.py) replaces uvicorn's access log, through onramp's handler
    uvicorn.run(
        app, host=settings.api_host, port=settings.api_port, log_level="info", log_config=None, access_log=False
    )


def register(app: typer.Typer) -> None:
    app.add_typer(db, name="db")
    app.command("worker")(worker)
    app.command("api")(api)
