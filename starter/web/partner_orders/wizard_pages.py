"""The Set Up Now wizard as web pages (seeds 001/003): one page per step at /setup/<token>, usable without JavaScript.

- GET /setup/<token> shows the page of the step the wizard is at; ``?step=<earlier step>`` shows an earlier page (Back)
  with what was entered. Without a live session (no cookie, another tab took over, idle expiry) it opens a new one.
- Every form POSTs (form-encoded) to /setup/<token>/<step>; the step runs as a workflow Update and, when accepted,
  the browser is sent back to GET (Post/Redirect/Get). A refusal re-renders the page with the reason next to its field.
- The wizard session id lives in an HttpOnly, SameSite=Lax cookie scoped to the link's path.

The rules live in the workflow and in models/; this layer renders and forwards.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from temporalio.client import Client
from temporalio.service import RPCError

from models import wizard_navigation as navigation
from models.partner_order import PartnerOrderState, PartnerOrderStatus
from models.refusals import Refusal
from models.wizard import LeaveStep, OwnAddress, WizardStep, WizardView
from starter.errors import OnrampError
from starter.services import setup_wizard
from starter.services.setup_wizard import SetupLink
from starter.web import params, reading
from starter.web.access import on_page
from starter.web.deps import Sessions, Temporal
from starter.web.forms import FormSpec, form_of, submit
from starter.web.guard import guarded
from starter.web.partner_orders.setup_link import PageLinkOf
from starter.web.partner_orders.wizard_forms import FORMS, STEP_OF_PATH, form_errors, kept_values
from starter.web.partner_orders.wizard_views import (
    PAGES,
    WAITING_FOR_ORG,
    Page,
    availability_said,
    final_page,
    forget_cookie,
    message_page,
    render_step,
    session_cookie,
    session_problem,
    set_cookie,
    waiting_message,
)
from starter.web.rate_limits import Limit, limited
from starter.web.reading import gettext, lazy_gettext
from starter.web.rendering import redirect
from starter.web.said import said
from store import SessionFactory

router = APIRouter(prefix="/setup/{token}", include_in_schema=False)

CONFLICTS = frozenset(
    {Refusal.WIZARD_SESSION_INVALID, Refusal.WIZARD_STEP_CONFLICT, Refusal.SETUP_CONFLICT, Refusal.SUBDOMAIN_TAKEN}
)
FIELD_OF_REFUSAL = {Refusal.SUBDOMAIN_TAKEN: "subdomain"}  # refusals whose field the activity does not name
OPEN = "open"
OWN_ADDRESS = "own-address"
OWN_ADDRESS_FORM = FormSpec(fields=("email",))
NO_COOKIE = lazy_gettext(
    "Your wizard session has ended, or your browser did not keep it (cookies must be allowed for this page). "
    "Open the link again to start the setup."
)


@router.get("", response_class=HTMLResponse, dependencies=[Depends(on_page(PAGES, limited(Limit.LINKS)))])
@guarded(PAGES)
async def show(
    token: params.Token, link: PageLinkOf, request: Request, temporal: Temporal, step: str | None = None
) -> Response:
    """The page of the step the wizard is at, or an earlier one (Back). Without a live session, the page that
    starts one: opening a link (a mail scanner does) changes nothing, its button does."""
    client = await temporal()
    order = await _state(client, link)
    if order.wizard.step not in FORMS:  # done: the link has stopped working, but a page may still be asked for
        return final_page(token, order.wizard.step, None, order)
    if order.status is PartnerOrderStatus.AWAITING_ORG_CONFIRMATION:
        return message_page(WAITING_FOR_ORG, waiting_message(order), 200, order=order)
    session = order.wizard.session
    cookie = session_cookie(request, token)
    if session is None or cookie != session.id or session.expires_at <= datetime.now(UTC):
        return _start_page(token, link, order)
    shown = order.wizard.step
    wanted = next((s for s in WizardStep if s.value == step), None) if step else None
    if wanted is not None and navigation.reachable(order, wanted):
        shown = wanted
    return render_step(Page(token, order, shown))


@router.post("/{path}", response_class=HTMLResponse)
@guarded(PAGES)
async def post(
    token: params.Token, path: str, link: PageLinkOf, request: Request, sessions: Sessions, temporal: Temporal
) -> Response:
    """A step's form: the workflow runs the step; the next page, or this one again with the reasons."""
    form = await form_of(request)
    if path == OPEN:
        return await _open(await temporal(), link, token, request)
    if path == OWN_ADDRESS:
        return await _own_address(await temporal(), link, token, form)
    if path != "leave" and path not in STEP_OF_PATH:
        return message_page(
            gettext("There is no such page"), gettext("Open the link in your e-mail to continue the setup."), 404
        )
    session_id = session_cookie(request, token)
    if not session_id:
        return session_problem(token, NO_COOKIE)
    client = await temporal()
    if path == "leave":
        return await _leave(client, link, token, session_id)
    step = STEP_OF_PATH[path]
    if step is WizardStep.COMPANY and form.get("action") == "check":
        return await _check_subdomain(client, sessions, link, token, form)
    try:
        view = await _run_step(client, sessions, link, step, session_id, form)
    except ValidationError as err:
        order = await _state(client, link)  # first: the errors speak the order's language
        errors, top = form_errors(err, FORMS[step])
        return render_step(Page(token, order, step, values=kept_values(step, form), errors=errors, error=top), 422)
    except OnrampError as err:
        return await _refused(client, link, token, step, kept_values(step, form), err)
    if view.session_id is None:
        return final_page(token, step, view, await _state_or_none(client, link))
    return redirect(f"/setup/{token}")


async def _open(client: Client, link: SetupLink, token: params.Token, request: Request) -> Response:
    """ "Start the setup": a new wizard session (the workflow's Update), and this browser's cookie for it."""
    opened = (await setup_wizard.open_session(client, link)).session_id
    response = redirect(f"/setup/{token}")
    set_cookie(response, request, token, opened)
    return response


def _start_page(
    token: str,
    link: SetupLink,
    order: PartnerOrderState,
    status: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    error: str | None = None,
) -> HTMLResponse:
    """The link's first page: start the setup (under the address the mail went to), or, on a partner's link, give
    your own address when that one is an alias."""
    return PAGES.render(
        "partner_orders/start.html",
        status,
        title=gettext("Set up order %(order)s", order=order.order_id),
        order=order,
        token=token,
        alias=link.email if link.audience == "partner" else None,
        errors=errors or {},
        values=values or {},
        error=error,
    )


async def _own_address(client: Client, link: SetupLink, token: params.Token, form: dict[str, str]) -> Response:
    """'Send me my own link': the reader's address becomes the provisioning contact; this (the alias's) link ends."""
    typed = form.get("email", "")

    async def again(errors: dict[str, str], top: str | None, status: int) -> Response:
        return _start_page(token, link, await _state(client, link), status, errors, {"email": typed}, top)

    answer = await submit(
        OWN_ADDRESS_FORM,
        lambda: OwnAddress.model_validate({"email": typed.strip()}),
        lambda body: setup_wizard.continue_as_myself(client, link, body),
        again,
    )
    if isinstance(answer, Response):
        return answer
    message = said(answer.said) if answer.said is not None else answer.message or ""
    response = message_page(
        gettext("Your own link is on its way"), message, 200, order=await _state_or_none(client, link)
    )
    forget_cookie(response, token)
    return response


async def _run_step(
    client: Client, sessions: SessionFactory, link: SetupLink, step: WizardStep, session_id: str, form: dict[str, str]
) -> WizardView:
    """The step as the workflow's Update; the password is hashed and stored here and never reaches the workflow."""
    if step is WizardStep.PASSWORD:
        return await setup_wizard.set_password(
            client, sessions, link, session_id, form.get("password", ""), form.get("password_confirmation", "")
        )
    spec = FORMS[step]
    return await setup_wizard.step(client, link, spec.route.update, spec.parse(form, session_id))


async def _check_subdomain(
    client: Client, sessions: SessionFactory, link: SetupLink, token: params.Token, form: dict[str, str]
) -> Response:
    """'Check availability': advice on the company page; 'Save' decides."""
    available = availability_said(await setup_wizard.subdomain_available(sessions, form.get("subdomain", "")))
    order = await _state(client, link)
    step = WizardStep.COMPANY
    shown = step if navigation.reachable(order, step) else order.wizard.step
    values = kept_values(step, form) if shown is step else {}
    return render_step(Page(token, order, shown, values=values, availability=available))


async def _leave(client: Client, link: SetupLink, token: params.Token, session_id: str) -> Response:
    try:
        view = await setup_wizard.step(client, link, "leave", LeaveStep(session_id=session_id))
    except ValidationError:
        return session_problem(token, gettext("Your wizard session is not known here. Open the link again."))
    except OnrampError as err:
        if err.type == Refusal.WIZARD_SESSION_INVALID:
            return session_problem(token, said(err))
        raise
    await _state_or_none(client, link)  # the page that says so speaks the order's language
    return final_page(token, None, view, None)


async def _refused(
    client: Client, link: SetupLink, token: params.Token, posted: WizardStep, kept: dict[str, Any], err: OnrampError
) -> Response:
    """The workflow said no: show why, next to the field it is about, on the page it is about."""
    if err.type == Refusal.WIZARD_SESSION_INVALID:
        return session_problem(token, said(err))
    status = 409 if err.type in CONFLICTS else err.http_status  # set_password says 400 for these
    order = await _state(client, link)
    current = order.wizard.step
    shown = posted if status == 422 or posted is current else current
    if shown not in FORMS or order.wizard.session is None:
        return message_page(gettext("This cannot be done"), said(err), status, order=order)
    name = FORMS[shown].spec.place(err.field or FIELD_OF_REFUSAL.get(err.type))
    errors = {name: said(err)} if name else {}
    values = kept if shown is posted else {}
    page = Page(token, order, shown, values=values, errors=errors, error=None if errors else said(err))
    return render_step(page, status)


async def _state(client: Client, link: SetupLink) -> PartnerOrderState:
    """The link's order; the page speaks its language when the reader chose none and their browser asks for
    none onramp speaks."""
    order = await setup_wizard.state(client, link)
    reading.of_record(order.language)
    return order


async def _state_or_none(client: Client, link: SetupLink) -> PartnerOrderState | None:
    try:
        return await _state(client, link)
    except (OnrampError, RPCError):
        return None
