"""What operators and browsers ask of every deployment: the health check, and no favicon."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlalchemy import text

from starter.web.access import PUBLIC
from starter.web.deps import Sessions, Temporal

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str
    temporal: str
    database: str


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}}, dependencies=[PUBLIC])
async def healthz(response: Response, sessions: Sessions, temporal: Temporal) -> Health:
    temporal_ok = database_ok = "ok"
    try:
        client = await temporal()
        await asyncio.wait_for(client.service_client.check_health(), timeout=3)
    except Exception as err:  # a health check reports, it does not raise
        temporal_ok = f"unreachable: {err}"
    try:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))
    except Exception as err:
        database_ok = f"unreachable: {err}"
    healthy = temporal_ok == database_ok == "ok"
    response.status_code = 200 if healthy else 503
    return Health(status="ok" if healthy else "degraded", temporal=temporal_ok, database=database_ok)


@router.get("/favicon.ico", include_in_schema=False, dependencies=[PUBLIC])
async def favicon() -> Response:
    return Response(status_code=204)  # no icon, and no 404 in every browser's console
