"""The enterprise admin's self-service portal as a JSON API under /api/admin (seed 000), in the OpenAPI docs.

Log in first (`POST /api/admin/login`): the answer sets the session cookie every other call carries. Until the
first password is changed, every call but the password change, `me` and logout answers 403.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from pydantic import BaseModel

from models.admin import (
    AdminSessionView,
    CompanyEdit,
    CompanyView,
    Login,
    OrderFilter,
    OrderList,
    OrganizerList,
    PasswordChange,
)
from models.organizer import InvitationSent, NewOrganizer, OrganizerState
from starter.services import admin_auth as auth
from starter.services import company, organizers
from starter.services import order_list as orders
from starter.web.deps import temporal_client
from starter.web.errors import ERROR_RESPONSES, ErrorBody
from store import SessionFactory

RESPONSES = {
    **ERROR_RESPONSES,
    401: {"model": ErrorBody, "description": "Not logged in, or a wrong username or password."},
    403: {"model": ErrorBody, "description": "The first password must be changed first."},
}


class Activated(BaseModel):
    email: str
    status: str
    message: str


def sessions_of(request: Request) -> SessionFactory:
    factory: SessionFactory = request.app.state.sessions
    return factory


async def logged_in(request: Request) -> auth.Admin:
    """Any live session (the password change needs no more)."""
    admin = await auth.current(sessions_of(request), request.cookies.get(auth.COOKIE))
    if admin is None:
        raise auth.NotLoggedIn()
    return admin


async def portal_admin(admin: Annotated[auth.Admin, Depends(logged_in)]) -> auth.Admin:
    """A live session whose first password has been changed."""
    if admin.must_change_password:
        raise auth.PasswordChangeRequired()
    return admin


LoggedIn = Annotated[auth.Admin, Depends(logged_in)]
PortalAdmin = Annotated[auth.Admin, Depends(portal_admin)]


def set_session_cookie(response: Response, request: Request, cookie: str) -> None:
    response.set_cookie(
        auth.COOKIE,
        cookie,
        max_age=auth.SESSION_HOURS * 3600,
        path="/",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )


def forget_session_cookie(response: Response) -> None:
    response.delete_cookie(auth.COOKIE, path="/", httponly=True, samesite="lax")


def order_filter(
    date_from: Annotated[str | None, Query(description="First day, YYYY-MM-DD (UTC).")] = None,
    date_to: Annotated[str | None, Query(description="Last day, YYYY-MM-DD (UTC).")] = None,
    order_no: Annotated[str | None, Query(max_length=40, description="Part of the order number.")] = None,
    promotion: Annotated[str | None, Query(max_length=80)] = None,
) -> OrderFilter:
    return OrderFilter.model_validate(
        {"date_from": date_from or None, "date_to": date_to or None, "order_no": order_no, "promotion": promotion}
    )


Filter = Annotated[OrderFilter, Depends(order_filter)]


def install(app: FastAPI) -> None:
    router = APIRouter(prefix="/api/admin", tags=["enterprise admin"], responses=RESPONSES)

    @router.post("/login", response_model=AdminSessionView, summary="Log in (the username is the admin e-mail)")
    async def login(body: Login, request: Request, response: Response) -> AdminSessionView:
        cookie, admin = await auth.login(sessions_of(request), body.username, body.password.get_secret_value())
        set_session_cookie(response, request, cookie)
        return admin.view()

    @router.post("/logout", status_code=204, summary="Log out (ends the session)")
    async def logout(request: Request, response: Response) -> Response:
        await auth.logout(sessions_of(request), request.cookies.get(auth.COOKIE))
        answer = Response(status_code=204)
        forget_session_cookie(answer)
        return answer

    @router.get("/me", response_model=AdminSessionView, summary="Who is logged in; whether the password must change")
    async def me(admin: LoggedIn) -> AdminSessionView:
        return admin.view()

    @router.post(
        "/password",
        response_model=AdminSessionView,
        summary="Change the password: the old one, the new one twice (4-16 letters and digits)",
    )
    async def password(body: PasswordChange, admin: LoggedIn, request: Request) -> AdminSessionView:
        changed = await auth.change_password(
            sessions_of(request),
            request.app.state.settings,
            admin,
            body.old_password.get_secret_value(),
            body.new_password.get_secret_value(),
            body.new_password_confirmation.get_secret_value(),
        )
        return changed.view()

    @router.get("/company", response_model=CompanyView, summary="The company's basic information")
    async def get_company(admin: PortalAdmin, request: Request) -> CompanyView:
        return await company.read(sessions_of(request), admin.account_no)

    @router.put(
        "/company",
        response_model=CompanyView,
        summary="Edit the basic information (the username follows the admin e-mail)",
    )
    async def put_company(body: CompanyEdit, admin: PortalAdmin, request: Request) -> CompanyView:
        return await company.update(sessions_of(request), admin.account_no, body)

    @router.get(
        "/organizers", response_model=OrganizerList, summary="Licenses left per edition, and the organizer accounts"
    )
    async def list_organizers(admin: PortalAdmin, request: Request) -> OrganizerList:
        return await organizers.listing(sessions_of(request), admin.account_no)

    @router.post(
        "/organizers",
        status_code=201,
        response_model=InvitationSent,
        summary="Create an organizer account: takes one license of the edition and invites the organizer",
    )
    async def create_organizer(body: NewOrganizer, admin: PortalAdmin, request: Request) -> InvitationSent:
        return await organizers.create(
            await temporal_client(request),
            request.app.state.settings,
            sessions_of(request),
            admin.account_no,
            body,
            operator=admin.email,
        )

    @router.get("/organizers/{email}", response_model=OrganizerState, summary="One organizer account's state")
    async def get_organizer(email: str, admin: PortalAdmin, request: Request) -> OrganizerState:
        return await organizers.status(await temporal_client(request), admin.account_no, email)

    @router.post(
        "/organizers/{email}/reinvite",
        response_model=InvitationSent,
        summary="Re-invite: the invitation again, with a fresh activation link",
    )
    async def reinvite(email: str, admin: PortalAdmin, request: Request) -> InvitationSent:
        return await organizers.reinvite(await temporal_client(request), admin.account_no, email, operator=admin.email)

    @router.delete(
        "/organizers/{email}",
        response_model=OrganizerState,
        summary="Remove an organizer account: its license goes back to the edition's pool",
    )
    async def remove(email: str, admin: PortalAdmin, request: Request) -> OrganizerState:
        return await organizers.remove(await temporal_client(request), admin.account_no, email, operator=admin.email)

    @router.get("/orders", response_model=OrderList, summary="The order list, filtered")
    async def list_orders(admin: PortalAdmin, wanted: Filter, request: Request) -> OrderList:
        return await orders.query(sessions_of(request), admin.account_no, wanted)

    @router.get(
        "/orders/export",
        response_class=Response,
        summary="Export the (filtered) order list as CSV or XLSX",
        responses={200: {"content": {"text/csv": {}, orders.XLSX_TYPE: {}}}},
    )
    async def export_orders(
        admin: PortalAdmin,
        wanted: Filter,
        request: Request,
        format: Annotated[Literal["csv", "xlsx"], Query(description="csv or xlsx")] = "csv",
        id: Annotated[list[int] | None, Query(description="Only these rows (the ticked ones).")] = None,
    ) -> Response:
        listed = await orders.query(sessions_of(request), admin.account_no, wanted, id or ())
        return orders.download(listed.orders, admin.account_no, format)

    app.include_router(router)

    activation = APIRouter(prefix="/api/organizer-activation", tags=["organizer activation"], responses=RESPONSES)

    @activation.post(
        "/{token}", response_model=Activated, summary="Activate an organizer account (the link in the invitation)"
    )
    async def activate(token: str, request: Request) -> Activated:
        state = await organizers.activate(await temporal_client(request), sessions_of(request), token)
        return Activated(email=state.email, status=state.status.value, message="Your organizer account is active.")

    app.include_router(activation)
