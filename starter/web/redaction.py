"""Link tokens out of the logs: a path that carries one (a Set Up Now, activation or password reset link) is written
with the token replaced, in the server's access log and in onramp's own log lines."""

from __future__ import annotations

import logging
import re

_TOKEN_PATHS = re.compile(
    r"(/(?:api/)?(?:setup|activate|organizer-activation|join|org-join|admin/password-reset)/)[^/?\s\"]+"
)
_ORDER_PAGE_PATHS = re.compile(r"(?<!admin)(/(?:api/)?orders/)(?!link(?![^/?\s\"]))[^/?\s\"]+")
"""A partner's order page, /orders/<token> (not the request form /orders/link, nor the admin's /api/admin/orders)."""
HIDDEN = "<token>"


def redact(text: str) -> str:
    return _ORDER_PAGE_PATHS.sub(rf"\g<1>{HIDDEN}", _TOKEN_PATHS.sub(rf"\g<1>{HIDDEN}", text))


class TokenFilter(logging.Filter):
    """Rewrites a record's message arguments (uvicorn's access log passes the path as one) before formatting."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


TOKEN_FILTER = TokenFilter()


def install() -> None:
    """On the server's access log (once: a second call adds nothing). onramp's own lines say ``redact(path)``."""
    logger = logging.getLogger("uvicorn.access")
    if TOKEN_FILTER not in logger.filters:
        logger.addFilter(TOKEN_FILTER)
