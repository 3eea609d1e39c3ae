"""What operators, orchestrators and browsers ask of every deployment: the health check, the liveness and readiness
probes, and no favicon.

`/livez` answers while the process can answer at all (restart it when it does not); `/readyz` answers 200 only when
Temporal and the database both answer, else 503 naming the ones that do not (send it no traffic meanwhile, but do
not restart it: they are away, not the API). `/healthz` is the older check of both, kept as it is for its callers.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field
from sqlalchemy import text

from starter.web.access import PUBLIC
from starter.web.deps import Sessions, Temporal

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str
    temporal: str
    database: str


class Alive(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready", "not ready"]
    temporal: str = Field(description="`ok`, or why Temporal did not answer.")
    database: str = Field(description="`ok`, or why the database did not answer.")
    failing: list[Literal["temporal", "database"]] = Field(description="What does not answer (empty when ready).")


CHECK_SECONDS = 3.0
"""How long a probe waits for Temporal or the database: an orchestrator's probe has a timeout of its own."""


async def _temporal_answers(temporal: Temporal) -> str:
    try:
        client = await temporal()
        await asyncio.wait_for(client.service_client.check_health(), timeout=CHECK_SECONDS)
    except Exception as err:  # a probe reports, it does not raise
        return f"unreachable: {err}"
    return "ok"


async def _database_answers(sessions: Sessions) -> str:
    try:
        async with sessions() as session:
            await asyncio.wait_for(session.execute(text("SELECT 1")), timeout=CHECK_SECONDS)
    except Exception as err:
        return f"unreachable: {err}"
    return "ok"


@router.get("/livez", response_model=Alive, dependencies=[PUBLIC])
async def livez() -> Alive:
    """The process is alive: it answers, whatever Temporal and the database do."""
    return Alive()


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}}, dependencies=[PUBLIC])
async def readyz(response: Response, sessions: Sessions, temporal: Temporal) -> Readiness:
    """Ready for traffic: Temporal and the database answer; else 503, naming which do not."""
    temporal_ok, database_ok = await asyncio.gather(_temporal_answers(temporal), _database_answers(sessions))
    failing: list[Literal["temporal", "database"]] = []
    if temporal_ok != "ok":
        failing.append("temporal")
    if database_ok != "ok":
        failing.append("database")
    response.status_code = 503 if failing else 200
    return Readiness(
        status="not ready" if failing else "ready", temporal=temporal_ok, database=database_ok, failing=failing
    )


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}}, dependencies=[PUBLIC])
async def healthz(response: Response, sessions: Sessions, temporal: Temporal) -> Health:
    temporal_ok, database_ok = await _temporal_answers(temporal), await _database_answers(sessions)
    healthy = temporal_ok == database_ok == "ok"
    response.status_code = 200 if healthy else 503
    return Health(status="ok" if healthy else "degraded", temporal=temporal_ok, database=database_ok)


@router.get("/favicon.ico", include_in_schema=False, dependencies=[PUBLIC])
async def favicon() -> Response:
    return Response(status_code=204)  # no icon, and no 404 in every browser's console
