"""An existing organization's administrator answers a request to join it: the link in their e-mail shows who asks
to become an administrator of which organization, for which order; Confirm or Refuse is the order's Update. The
JSON API gives an integration the same answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from models.partner_order import PartnerOrderState
from models.wizard import JoinAnswer, JoinDecision
from starter.services import org_join
from starter.web import params, reading
from starter.web.access import Access, Rule, declares
from starter.web.audit import identify
from starter.web.deps import Sessions, Temporal
from starter.web.errors import ERROR_RESPONSES
from starter.web.forms import form_of
from starter.web.guard import PageInstead, guarded
from starter.web.partner_orders.wizard_views import PAGES
from starter.web.rate_limits import Limit, limited
from starter.web.reading import gettext, lazy_gettext
from starter.web.said import said

LINK_RULE = Rule(Access.LINK, "organization join link")
LINK_GONE = lazy_gettext("This link no longer works")

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/org-join", tags=["setup wizard"], responses=ERROR_RESPONSES)


@declares(LINK_RULE)
async def join_request(
    request: Request, token: params.Token, sessions: Sessions, temporal: Temporal
) -> PartnerOrderState:
    """The order asking, while it waits for this administrator's answer; it speaks their language."""
    state = await org_join.request_of(await temporal(), sessions, token)
    identify(request.scope, "link:org-administrator", state.order_id)
    if state.wizard.join is not None:
        reading.of_record(state.wizard.join.administrator_language)
    return state


@declares(LINK_RULE)
async def page_join_request(
    request: Request, token: params.Token, sessions: Sessions, temporal: Temporal
) -> PartnerOrderState:
    try:
        return await join_request(request, token, sessions, temporal)
    except org_join.JoinLinkInvalid as err:
        raise PageInstead(PAGES.message(LINK_GONE, said(err), 404)) from None


JoinRequest = Annotated[PartnerOrderState, Depends(join_request)]
PageJoinRequest = Annotated[PartnerOrderState, Depends(page_join_request)]


@pages.get("/join/{token}", response_class=HTMLResponse, dependencies=[Depends(limited(Limit.LINKS))])
@guarded(PAGES)
async def join_page(token: params.Token, order: PageJoinRequest, request: Request) -> Response:
    join = order.wizard.join
    assert join is not None
    return PAGES.render(
        "partner_orders/join.html",
        title=gettext("May %(email)s join %(org)s?", email=join.set_up.customer_admin_email, org=join.org_name),
        join=join,
        request_order=order,
        token=token,
    )


@pages.post("/join/{token}", response_class=HTMLResponse)
@guarded(PAGES)
async def decide_page(
    token: params.Token, order: PageJoinRequest, request: Request, sessions: Sessions, temporal: Temporal
) -> Response:
    decision = (await form_of(request)).get("decision", "")
    if decision not in ("confirm", "refuse"):
        return PAGES.message(
            gettext("Choose Confirm or Refuse"), gettext("Go back and choose one of the two buttons."), 422
        )
    answer = await org_join.decide(await temporal(), sessions, token, JoinDecision(decision=decision))  # type: ignore[arg-type]
    title = gettext("Confirmed") if answer.decided == "confirmed" else gettext("Refused")
    return PAGES.message(title, _answer_text(answer, order))


@api.post("/{token}", response_model=JoinAnswer, summary="Confirm or refuse a request to join your organization")
async def decide(
    token: params.Token, body: JoinDecision, order: JoinRequest, sessions: Sessions, temporal: Temporal
) -> JoinAnswer:
    answer = await org_join.decide(await temporal(), sessions, token, body)
    return answer.model_copy(update={"message": _answer_text(answer, order)})


def _answer_text(answer: JoinAnswer, order: PartnerOrderState) -> str:
    """What the decision did, in the reader's language."""
    join = order.wizard.join
    if answer.reason is not None or join is None:
        return said(answer.reason) if answer.reason is not None else answer.message
    who = {"email": str(join.set_up.customer_admin_email), "org": join.org_name}
    if answer.decided == "confirmed":
        return gettext("Thank you: %(email)s joins '%(org)s', and the setup goes on.", **who)
    return gettext("Thank you: %(email)s does not join '%(org)s'.", **who)


router = APIRouter()
router.include_router(pages)
router.include_router(api)
