"""The console's pages: the sign-in, the queues, one queue a page at a time, and an order's page with the actions
its state allows. Every action is the same Update the CLI and the API send (starter/services/), named for the
signed-in operator (``as_operator``), and leaves an audit row with them as actor (starter/web/audit.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from models.assist import AssistBookingState
from models.assist_requests import CancelBooking
from models.partner_order import ChangeProvisioningContact, ResendSetUpMail, SendSetUpMailNow
from models.refusals import Refusal, because
from models.seat_order import SeatOrderState
from models.seat_order_requests import ApproveOrder
from starter.errors import OnrampError
from starter.services import assist, console_queues, console_sessions, partner_orders, seat_orders
from starter.services.callers import as_operator
from starter.services.console_queues import Queue
from starter.web import cookie_policy
from starter.web.access import PUBLIC, on_page
from starter.web.audit import identify
from starter.web.console.portal import CONSOLE, HOME, LOGIN, safe_next
from starter.web.console.signed_in import PATH, ConsoleActor, ConsoleReader, session_caller, signer
from starter.web.console.views import Action, OrderView, kind_name, order_view, status_name
from starter.web.deps import AppSettings, Sessions, Temporal
from starter.web.forms import FormSpec, form_of, refusal_errors
from starter.web.guard import guarded
from starter.web.rate_limits import Limit, limited
from starter.web.reading import Text, gettext, lazy_gettext
from starter.web.rendering import redirect

router = APIRouter(include_in_schema=False)

LOGIN_FORM = FormSpec(fields=("credential",))
CONTACT_FORM = FormSpec(fields=("new_email",), aliases={"new_email": "new_email"})
WorkflowId = Path(min_length=1, max_length=300, pattern=r"^[A-Za-z0-9._@+\-]+$")

QUEUE_TITLES: dict[Queue, Text] = {
    Queue.ESCALATED: lazy_gettext("Escalated partner orders"),
    Queue.CLOSING: lazy_gettext("Partner orders close to their close date"),
    Queue.SEAT_DEADLINE: lazy_gettext("Seat orders past or near their 24 hours"),
    Queue.SEAT_REVIEW: lazy_gettext("Seat orders waiting for approval"),
    Queue.ASSIST: lazy_gettext("Assist bookings without a producer or in the next 48 hours"),
    Queue.ORGANIZERS: lazy_gettext("Organizers not activated after their reminder"),
}
QUEUE_HELP: dict[Queue, Text] = {
    Queue.ESCALATED: lazy_gettext(
        "Not set up one day after the requested start date: the account representative has been told."
    ),
    Queue.CLOSING: lazy_gettext("The order line closes within 3 days unless the order is provisioned."),
    Queue.SEAT_DEADLINE: lazy_gettext("Placed and still being processed, with 4 hours or less of the 24 left."),
    Queue.SEAT_REVIEW: lazy_gettext("The total is above the review limit: an operator approves the order."),
    Queue.ASSIST: lazy_gettext("No producer is reserved yet, or the session starts within 48 hours."),
    Queue.ORGANIZERS: lazy_gettext("Still invited after the reminder went out."),
}
DONE: dict[str, Text] = {
    Action.RESEND: lazy_gettext("The Set Up Now e-mail is being sent again."),
    Action.SEND_NOW: lazy_gettext("The Set Up Now e-mail is being sent now."),
    Action.CONTACT: lazy_gettext("The provisioning contact was changed; the new contact gets a link."),
    Action.APPROVE: lazy_gettext("The order was approved and is being processed."),
    Action.CANCEL: lazy_gettext("The booking was cancelled; the customer is told by e-mail."),
}
"""What the order page says after an action (by its name: no text travels in the URL)."""


# ---------------------------------------------------------------------------------------------- sign-in


@router.get("/console/login", response_class=HTMLResponse, dependencies=[PUBLIC])
@guarded(CONSOLE)
async def login_page(request: Request) -> Response:
    target = safe_next(request.query_params.get("next"))
    if session_caller(request) is not None:
        return redirect(target)
    return _login_form(target)


@router.post(
    "/console/login",
    response_class=HTMLResponse,
    dependencies=[PUBLIC, Depends(on_page(CONSOLE, limited(Limit.LOGIN)))],
)
@guarded(CONSOLE)
async def login(request: Request, sessions: Sessions, settings: AppSettings) -> Response:
    form = await form_of(request)
    target = safe_next(form.get("next"))
    try:
        caller = await console_sessions.sign_in(
            sessions,
            request.app.state.identity,
            form.get("credential", ""),
            keys=settings.accepts_api_keys,
            cache=request.app.state.key_cache,
        )
    except OnrampError as err:  # the credential is never written back into the page
        errors, top = refusal_errors(err, LOGIN_FORM)
        return _login_form(target, err.http_status, errors, top)
    identify(request.scope, caller.actor)
    response = redirect(target)
    cookie_policy.put(
        response,
        request,
        console_sessions.COOKIE,
        signer(request).sign(caller),
        path=PATH,
        max_age=settings.console_session_minutes * 60,
        samesite="strict",
    )
    return response


@router.post("/console/logout", dependencies=[PUBLIC])
@guarded(CONSOLE)
async def logout(request: Request) -> Response:
    response = redirect(LOGIN)
    cookie_policy.forget(response, request, console_sessions.COOKIE, PATH)
    return response


def _login_form(
    target: str, status: int = 200, errors: dict[str, str] | None = None, error: str | None = None
) -> HTMLResponse:
    return CONSOLE.render(
        "console/login.html",
        status,
        title=gettext("Sign in to the console"),
        next=target,
        errors=errors or {},
        error=error,
    )


# ---------------------------------------------------------------------------------------------- the queues


@router.get("/console", response_class=HTMLResponse)
@guarded(CONSOLE)
async def home(request: Request, operator: ConsoleReader) -> Response:
    queues = [(queue.value, QUEUE_TITLES[queue], QUEUE_HELP[queue]) for queue in Queue]
    return CONSOLE.render(
        "console/home.html", title=gettext("Operators' console"), operator=operator, menu="home", queues=queues
    )


@router.get("/console/queues/{queue}", response_class=HTMLResponse)
@guarded(CONSOLE)
async def queue_page(
    request: Request,
    operator: ConsoleReader,
    temporal: Temporal,
    queue: str = Path(max_length=40),
    page: str | None = Query(default=None, max_length=2000),
) -> Response:
    found = console_queues.queue_of(queue)
    listed = await console_queues.page(await temporal(), found, page)
    rows = [(row, kind_name(row.kind), status_name(row.kind, row.status)) for row in listed.rows]
    return CONSOLE.render(
        "console/queue.html",
        title=str(QUEUE_TITLES[found]),
        operator=operator,
        menu=found.value,
        queue=found.value,
        help=QUEUE_HELP[found],
        rows=rows,
        next_token=listed.next_token,
        first_page=page is None,
        wide=True,
    )


# ---------------------------------------------------------------------------------------------- an order


@router.get("/console/orders/{workflow_id}", response_class=HTMLResponse)
@guarded(CONSOLE)
async def order_page(
    request: Request, operator: ConsoleReader, temporal: Temporal, workflow_id: str = WorkflowId
) -> Response:
    view = await order_view(await temporal(), workflow_id)
    done = request.query_params.get("done")
    return _order(view, operator, notice=str(DONE[Action(done)]) if done in DONE else None)


def _order(
    view: OrderView,
    operator: object,
    status: int = 200,
    errors: dict[str, str] | None = None,
    error: str | None = None,
    notice: str | None = None,
    values: dict[str, str] | None = None,
) -> HTMLResponse:
    return CONSOLE.render(
        "console/order.html",
        status,
        title=f"{view.kind_name} {view.business_id}",
        operator=operator,
        view=view,
        actions=[action.value for action in view.actions],
        errors=errors or {},
        error=error,
        notice=notice,
        values=values or {},
        wide=True,
    )


def _partner_order_id(workflow_id: str) -> str:
    if console_queues.kind_of(workflow_id) != "partner_order":
        raise OnrampError(because("This action is for partner orders only."), type=Refusal.INVALID_STEP)
    return console_queues.business_key(workflow_id)


def _after(workflow_id: str, action: Action) -> Response:
    return redirect(f"/console/orders/{workflow_id}", {"done": action.value})


@router.post("/console/orders/{workflow_id}/resend", response_class=HTMLResponse)
@guarded(CONSOLE)
async def resend(
    request: Request, operator: ConsoleActor, temporal: Temporal, workflow_id: str = WorkflowId
) -> Response:
    order_id = _partner_order_id(workflow_id)
    identify(request.scope, operator.actor, order_id)
    await partner_orders.resend(await temporal(), order_id, as_operator(ResendSetUpMail(), operator))
    return _after(workflow_id, Action.RESEND)


@router.post("/console/orders/{workflow_id}/send-now", response_class=HTMLResponse)
@guarded(CONSOLE)
async def send_now(
    request: Request, operator: ConsoleActor, temporal: Temporal, workflow_id: str = WorkflowId
) -> Response:
    order_id = _partner_order_id(workflow_id)
    identify(request.scope, operator.actor, order_id)
    await partner_orders.send_now(await temporal(), order_id, as_operator(SendSetUpMailNow(), operator))
    return _after(workflow_id, Action.SEND_NOW)


@router.post("/console/orders/{workflow_id}/contact", response_class=HTMLResponse)
@guarded(CONSOLE)
async def change_contact(
    request: Request, operator: ConsoleActor, temporal: Temporal, workflow_id: str = WorkflowId
) -> Response:
    order_id = _partner_order_id(workflow_id)
    identify(request.scope, operator.actor, order_id)
    form = await form_of(request)
    client = await temporal()
    try:
        step = ChangeProvisioningContact(new_email=form.get("new_email", "").strip())
        await partner_orders.change_contact(client, order_id, as_operator(step, operator))
    except ValidationError:
        view = await order_view(client, workflow_id)
        errors = {"new_email": gettext("Enter an e-mail address such as name@company.com.")}
        return _order(view, operator, 422, errors, values={"new_email": form.get("new_email", "")[:200]})
    except OnrampError as err:
        view = await order_view(client, workflow_id)
        errors, top = refusal_errors(err, CONTACT_FORM)
        return _order(
            view, operator, err.http_status, errors, top, values={"new_email": form.get("new_email", "")[:200]}
        )
    return _after(workflow_id, Action.CONTACT)


@router.post("/console/orders/{workflow_id}/approve", response_class=HTMLResponse)
@guarded(CONSOLE)
async def approve(
    request: Request, operator: ConsoleActor, temporal: Temporal, workflow_id: str = WorkflowId
) -> Response:
    if console_queues.kind_of(workflow_id) != "seat_order":
        raise OnrampError(because("This action is for seat orders only."), type=Refusal.INVALID_STEP)
    order_no = console_queues.business_key(workflow_id)
    identify(request.scope, operator.actor, order_no)
    step = as_operator(ApproveOrder(), operator)
    await seat_orders.step(await temporal(), order_no, "approve", step, SeatOrderState)
    return _after(workflow_id, Action.APPROVE)


@router.post("/console/orders/{workflow_id}/cancel", response_class=HTMLResponse)
@guarded(CONSOLE)
async def cancel(
    request: Request, operator: ConsoleActor, temporal: Temporal, workflow_id: str = WorkflowId
) -> Response:
    """The customer's own cancel step, sent for them with the booking's contact e-mail as its proof (as `onramp
    assist cancel` does); the fee the page showed is the workflow's to charge, by its clock."""
    if console_queues.kind_of(workflow_id) != "assist_booking":
        raise OnrampError(because("This action is for Webex Assist bookings only."), type=Refusal.INVALID_STEP)
    number = console_queues.business_key(workflow_id)
    identify(request.scope, operator.actor, number)
    form = await form_of(request)
    client = await temporal()
    if form.get("confirm") != "on":
        view = await order_view(client, workflow_id)
        errors = {"confirm": gettext("Tick the box to confirm the cancellation and its fee.")}
        return _order(view, operator, 422, errors)
    state = await assist.status(client, number)
    step = CancelBooking(contact_email=state.availability.customer.email)
    await assist.step(client, number, "cancel", step, AssistBookingState)
    return _after(workflow_id, Action.CANCEL)


__all__ = ["HOME", "router"]
