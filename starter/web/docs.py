"""The API's own documentation: the OpenAPI schema, Swagger UI and ReDoc. FastAPI's built-in routes for them are
plain Starlette routes that cannot declare who may call them, so the same pages are served here, as public."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

from starter.web.access import PUBLIC

router = APIRouter(include_in_schema=False, dependencies=[PUBLIC])
SCHEMA = "/openapi.json"


@router.get(SCHEMA)
async def schema(request: Request) -> dict[str, Any]:
    return request.app.openapi()  # type: ignore[no-any-return]


@router.get("/docs", response_class=HTMLResponse)
async def swagger() -> HTMLResponse:
    return get_swagger_ui_html(openapi_url=SCHEMA, title="onramp API")


@router.get("/redoc", response_class=HTMLResponse)
async def redoc() -> HTMLResponse:
    return get_redoc_html(openapi_url=SCHEMA, title="onramp API")
