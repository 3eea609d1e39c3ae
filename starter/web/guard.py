"""The one guard every page route wears: a person sees a page, never a stack trace. The portal's own exceptions
(an ended login, a link that no longer works, a booking not proven) get its own answer first; then Temporal being
away is a 503 page, a refusal a 4xx page with its sentence, and anything else a logged 500 page."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from temporalio.service import RPCError

from starter import temporal_errors
from starter.client import TemporalUnreachable
from starter.errors import OnrampError
from starter.web.reading import gettext
from starter.web.redaction import redact
from starter.web.rendering import Portal
from starter.web.said import said

log = logging.getLogger("onramp.web")

Handler = Callable[..., Awaitable[Response]]


class PageInstead(Exception):
    """Raised where a handler finds it must answer with another page than its own (the order has moved on, its
    step is not open yet): the guard answers with ``response``."""

    def __init__(self, response: Response) -> None:
        super().__init__(response)
        self.response = response


def guarded(portal: Portal) -> Callable[[Handler], Handler]:
    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        async def run(*args: Any, **kwargs: Any) -> Response:
            try:
                return await handler(*args, **kwargs)
            except StarletteHTTPException:
                raise  # the framework's own answer (a body over the limit): it has been sent already
            except Exception as err:
                request = kwargs.get("request")
                return answer(portal, err, request if isinstance(request, Request) else None)

        return run

    return decorate


def answer(portal: Portal, err: Exception, request: Request | None) -> Response:
    """The page for what went wrong."""
    if isinstance(err, PageInstead):
        return err.response
    for kind, page in portal.on.items():
        if isinstance(err, kind):
            found = page(err, request)
            if found is not None:
                return found
    condition = temporal_errors.translated(err, step=request is None or request.method != "GET")
    if condition is not None:
        err = condition
    if isinstance(err, TemporalUnreachable | RPCError):
        log.warning("a page could not reach Temporal (%s)", redact(request.url.path) if request else "?", exc_info=True)
        return portal.message(portal.unavailable_title, portal.unavailable, 503, link=portal.back)
    if isinstance(err, temporal_errors.TemporalCondition):
        page = portal.message(portal.unavailable_title, said(err), err.http_status, link=portal.back)
        page.headers.update(err.headers or {})
        return page
    if isinstance(err, OnrampError):
        return portal.message(gettext("This cannot be done"), said(err), err.http_status, link=portal.back)
    log.exception("unexpected error on a page (%s)", redact(request.url.path) if request else "?")
    return portal.message(
        gettext("Something went wrong"),
        gettext("Something went wrong on our side; it has been logged. Please try again."),
        500,
    )
