"""The Set Up Now link as the credential of the wizard's routes: the token in the path names a live link, or the
route answers 404 before it does anything."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from starter.services import setup_wizard
from starter.services.setup_wizard import SetupLink
from starter.web.access import Access, Rule, declares, on_page
from starter.web.audit import identify
from starter.web.deps import Sessions
from starter.web.params import Token
from starter.web.partner_orders.wizard_views import PAGES

LINK_RULE = Rule(Access.LINK, "Set Up Now link")


@declares(LINK_RULE)
async def setup_link(request: Request, token: Token, sessions: Sessions) -> SetupLink:
    """The link's order and audience, looked up afresh."""
    return _identified(request, await setup_wizard.resolve(sessions, token))


@declares(LINK_RULE)
async def remembered_setup_link(request: Request, token: Token, sessions: Sessions) -> SetupLink:
    """The same, from a 30-second memory for the steps after the first (setup_wizard.resolve)."""
    return _identified(request, await setup_wizard.resolve(sessions, token, fresh=False))


def _identified(request: Request, link: SetupLink) -> SetupLink:
    identify(request.scope, f"link:{link.audience}", link.order_id)
    return link


LinkOf = Annotated[SetupLink, Depends(setup_link)]
RememberedLinkOf = Annotated[SetupLink, Depends(remembered_setup_link)]
PageLinkOf = Annotated[SetupLink, Depends(on_page(PAGES, setup_link))]
