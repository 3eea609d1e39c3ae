"""The organizer's activation link as the credential of the activation routes: the token in the path names a live
link for an organizer still waiting, or the route answers 404."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from models.admin import OrganizerRow
from starter.services import organizers
from starter.web.access import Access, Rule, declares
from starter.web.audit import identify
from starter.web.deps import Sessions
from starter.web.guard import PageInstead
from starter.web.params import Token
from starter.web.portals import ADMIN
from starter.web.reading import lazy_gettext
from starter.web.said import said

LINK_RULE = Rule(Access.LINK, "organizer activation link")
LINK_GONE = lazy_gettext("This link no longer works")


@declares(LINK_RULE)
async def activation_link(request: Request, token: Token, sessions: Sessions) -> OrganizerRow:
    """The organizer the link is for, while it works."""
    organizer = await organizers.activation_target(sessions, token)
    identify(request.scope, "link:organizer", organizer.email)
    return organizer


@declares(LINK_RULE)
async def page_activation_link(request: Request, token: Token, sessions: Sessions) -> OrganizerRow:
    """The same for a page: a link that no longer works is a page that says so."""
    try:
        return await activation_link(request, token, sessions)
    except organizers.ActivationLinkInvalid as err:
        raise PageInstead(ADMIN.message(LINK_GONE, said(err), 404)) from None


ActivationLink = Annotated[OrganizerRow, Depends(activation_link)]
PageActivationLink = Annotated[OrganizerRow, Depends(page_activation_link)]
