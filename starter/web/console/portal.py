"""The console's frame: its layout, and what its pages answer when the operator is not (or no longer) signed in."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from starter.web.reading import lazy_gettext
from starter.web.rendering import Portal, redirect

LOGIN = "/console/login"
HOME = "/console"


class NotSignedIn(Exception):
    """A console page without a live console session: to the sign-in, then back to ``path``."""

    def __init__(self, path: str | None = None) -> None:
        super().__init__(path)
        self.path = path


def safe_next(target: str | None) -> str:
    """Only a console page after the sign-in: never another site (an open redirect)."""
    if target and target.startswith("/console") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME


def to_sign_in(err: Exception, _: Request | None) -> Response:
    path = err.path if isinstance(err, NotSignedIn) else None
    return redirect(LOGIN + ("?" + urlencode({"next": path}) if path and path != HOME else ""))


CONSOLE = Portal(
    layout="console/_layout.html",
    optional=("operator", "menu"),
    unavailable_title=lazy_gettext("The console is unavailable right now"),
    unavailable=lazy_gettext(
        "We cannot reach Temporal, which the console's queues come from, at the moment. Nothing was changed; "
        "please try again in a few minutes."
    ),
    back=(HOME, lazy_gettext("Back to the queues")),
    on={NotSignedIn: to_sign_in},
)
