"""The API's own documentation: the OpenAPI schema, Swagger UI at /docs and ReDoc at /redoc, with their files
served from the fastapi-offline package under /docs-assets, so both work without a network (no CDN). FastAPI's
built-in routes for them are plain Starlette routes that cannot declare who may call them, so the same pages are
served here, as public. The package's Swagger UI is version 5, which reads the OpenAPI 3.1 schema FastAPI writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import fastapi_offline
from fastapi import APIRouter, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse

from starter.web.access import PUBLIC

router = APIRouter(include_in_schema=False, dependencies=[PUBLIC])
SCHEMA = "/openapi.json"
ASSETS = "/docs-assets"
FILES = Path(fastapi_offline.__file__).parent / "static"
ASSET_FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "text/javascript",
    "favicon.png": "image/png",
}
"""The only files of the package the two pages need, and the only ones served: nothing else is reachable."""
TITLE = "onramp API"


@router.get(SCHEMA)
async def schema(request: Request) -> dict[str, Any]:
    return request.app.openapi()  # type: ignore[no-any-return]


@router.get("/docs", response_class=HTMLResponse)
async def swagger() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=SCHEMA,
        title=TITLE,
        swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS}/favicon.png",
    )


@router.get("/redoc", response_class=HTMLResponse)
async def redoc() -> HTMLResponse:
    return get_redoc_html(
        openapi_url=SCHEMA,
        title=TITLE,
        redoc_js_url=f"{ASSETS}/redoc.standalone.js",
        redoc_favicon_url=f"{ASSETS}/favicon.png",
        with_google_fonts=False,  # a font from Google is a network fetch: the page uses the system's
    )


@router.get(ASSETS + "/{name}")
async def asset(name: Annotated[str, PathParam(max_length=40)]) -> FileResponse:
    """One of the viewers' files, from the installed package; cached for a day (they change with the package)."""
    if name not in ASSET_FILES:
        raise HTTPException(status_code=404, detail=f"No documentation asset {name!r}.")
    return FileResponse(FILES / name, media_type=ASSET_FILES[name], headers={"Cache-Control": "public, max-age=86400"})
