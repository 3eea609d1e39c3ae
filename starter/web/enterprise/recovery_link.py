"""The password reset link as the credential of the routes that set a new password with it: the token in the path
names a link that still works, or the route answers 404 (unknown) or 410 (used, replaced or expired); a page says
so, with the way to ask for a new link. Also the one answer to "forgot password?", which the page and the API give
alike."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from starter.services import password_recovery as recovery
from starter.web import reading
from starter.web.access import Access, Rule, declares
from starter.web.audit import identify
from starter.web.deps import Sessions
from starter.web.enterprise.activation_link import LINK_GONE
from starter.web.guard import PageInstead
from starter.web.params import Token
from starter.web.portals import ADMIN
from starter.web.reading import gettext, ngettext
from starter.web.said import said

LINK_RULE = Rule(Access.LINK, "password reset link")
REQUEST_PAGE = "/admin/password-reset"


def sent_text(minutes: int) -> str:
    """What every request for a link is told, whether or not an account has the address."""
    return ngettext(
        "If an account has this address, a link to set a new password is on its way to it. "
        "The link works once, for %(num)d minute.",
        "If an account has this address, a link to set a new password is on its way to it. "
        "The link works once, for %(num)d minutes.",
        minutes,
    )


@declares(LINK_RULE)
async def reset_link(request: Request, token: Token, sessions: Sessions) -> recovery.ResetLink:
    """The link's target while it works, read in its admin's language."""
    link = await recovery.open_link(sessions, token)
    identify(request.scope, "link:password-reset", link.account_no)
    reading.of_record(link.language)
    return link


@declares(LINK_RULE)
async def page_reset_link(request: Request, token: Token, sessions: Sessions) -> recovery.ResetLink:
    """The same for a page: a link that no longer works is a page that says so, and leads to a new one."""
    try:
        return await reset_link(request, token, sessions)
    except (recovery.ResetLinkUnknown, recovery.ResetLinkGone) as err:
        raise PageInstead(gone_page(err)) from None


def gone_page(err: recovery.ResetLinkUnknown | recovery.ResetLinkGone) -> HTMLResponse:
    return ADMIN.message(LINK_GONE, said(err), err.http_status, link=(REQUEST_PAGE, gettext("Ask for a new link")))


ResetLink = Annotated[recovery.ResetLink, Depends(reset_link)]
PageResetLink = Annotated[recovery.ResetLink, Depends(page_reset_link)]
