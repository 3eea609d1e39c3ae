"""The language menu's one route: ``GET /language/<tag>?next=<page>`` remembers the reader's choice in a cookie
for a year and leads back to the page (303), which now speaks it. Anyone may choose: the choice opens nothing."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from models.languages import supported
from starter.web.access import PUBLIC
from starter.web.languages import MENU, remember_choice, safe_next
from starter.web.rendering import redirect

router = APIRouter(include_in_schema=False)


@router.get(MENU + "/{tag}", dependencies=[PUBLIC])
async def choose_language(request: Request, tag: str) -> Response:
    """An unknown tag changes nothing; a ``next`` that is not a page of this site leads to ``/``."""
    response = redirect(safe_next(request.query_params.get("next")))
    language = supported(tag)
    if language is not None:
        remember_choice(response, request, language)
    return response
