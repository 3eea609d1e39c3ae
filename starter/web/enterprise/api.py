"""The enterprise admin's self-service portal as a JSON API under /api/admin (seed 000), in the OpenAPI docs, and
the organizer's activation under /api/organizer-activation.

Log in first (`POST /api/admin/login`): the answer sets the session cookie every other call carries. Until the
first password is changed, every call but the password change, `me` and logout answers 403.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, BeforeValidator

from models.accounts import Product
from models.admin import (
    AdminSessionView,
    BillingContact,
    CompanyEdit,
    CompanyView,
    Login,
    OrderFilter,
    OrderList,
    OrganizerList,
    PasswordChange,
    Preferences,
    SeatHolderRow,
)
from models.common import SINGLE_LINE_PATTERN
from models.organizer import InvitationSent, NewOrganizer, OrganizerState
from starter.services import admin_auth as auth
from starter.services import company, organizers
from starter.services import order_list as orders
from starter.web import params
from starter.web.access import PUBLIC, LoggedIn, PortalAdmin
from starter.web.deps import AppSettings, Sessions, Temporal
from starter.web.enterprise import contact_api, recovery_api, words
from starter.web.enterprise.activation_link import ActivationLink
from starter.web.enterprise.cookies import client_address, forget_session_cookie, session_cookie, set_session_cookie
from starter.web.enterprise.downloads import attachment
from starter.web.errors import ERROR_RESPONSES, ErrorBody
from starter.web.rate_limits import Limit, limited

RESPONSES = {
    **ERROR_RESPONSES,
    401: {"model": ErrorBody, "description": "Not logged in, or a wrong username or password."},
    403: {"model": ErrorBody, "description": "The first password must be changed first."},
}

portal_api = APIRouter(prefix="/api/admin", tags=["enterprise admin"], responses=RESPONSES)
activation_api = APIRouter(prefix="/api/organizer-activation", tags=["organizer activation"], responses=RESPONSES)


class Activated(BaseModel):
    email: str
    status: str
    message: str


def _blank_is_any(value: object) -> object:
    return value or None  # a cleared date field sends an empty value


QueryDate = Annotated[date | None, BeforeValidator(_blank_is_any)]
"""A day in the query string: the schema says ``format: date``, as the parsing does (it took any text before)."""


async def order_filter(
    date_from: Annotated[QueryDate, Query(description="First day, YYYY-MM-DD (UTC).")] = None,
    date_to: Annotated[QueryDate, Query(description="Last day, YYYY-MM-DD (UTC).")] = None,
    order_no: Annotated[
        str | None, Query(pattern=SINGLE_LINE_PATTERN, max_length=40, description="Part of the order number.")
    ] = None,
    promotion: Annotated[str | None, Query(pattern=SINGLE_LINE_PATTERN, max_length=80)] = None,
) -> OrderFilter:
    """The filter from the query string; an empty date means any (a cleared date field sends one)."""
    return OrderFilter.model_validate(
        {"date_from": date_from, "date_to": date_to, "order_no": order_no, "promotion": promotion}
    )


Filter = Annotated[OrderFilter, Depends(order_filter)]


# ---------------------------------------------------------------------------------------------- login, password


@portal_api.post(
    "/login",
    response_model=AdminSessionView,
    summary="Log in (the username is the admin e-mail)",
    dependencies=[PUBLIC, Depends(limited(Limit.LOGIN))],
)
async def login(body: Login, request: Request, response: Response, sessions: Sessions) -> AdminSessionView:
    cookie, admin = await auth.login(
        sessions,
        body.username,
        body.password.get_secret_value(),
        throttle=request.app.state.login_throttle,
        address=client_address(request),
        replacing=session_cookie(request),
    )
    set_session_cookie(response, request, cookie)
    return admin.view()


@portal_api.post("/logout", status_code=204, summary="Log out (ends this session, if any)", dependencies=[PUBLIC])
async def logout(request: Request, sessions: Sessions) -> Response:
    await auth.logout(sessions, session_cookie(request))
    answer = Response(status_code=204)
    forget_session_cookie(answer, request)
    return answer


@portal_api.get("/me", response_model=AdminSessionView, summary="Who is logged in; whether the password must change")
async def me(admin: LoggedIn) -> AdminSessionView:
    return admin.view()


@portal_api.post(
    "/password",
    response_model=AdminSessionView,
    summary="Change the password: the old one, the new one twice (4-16 letters and digits)",
)
async def password(
    body: PasswordChange,
    request: Request,
    response: Response,
    admin: LoggedIn,
    sessions: Sessions,
    settings: AppSettings,
) -> AdminSessionView:
    cookie, changed = await auth.change_password(
        sessions,
        settings,
        admin,
        body.old_password.get_secret_value(),
        body.new_password.get_secret_value(),
        body.new_password_confirmation.get_secret_value(),
    )
    set_session_cookie(response, request, cookie)
    return changed.view()


# ---------------------------------------------------------------------------------------------- company info


@portal_api.get("/company", response_model=CompanyView, summary="The company's basic information")
async def get_company(admin: PortalAdmin, sessions: Sessions) -> CompanyView:
    return await company.read(sessions, admin.account_no)


@portal_api.put(
    "/company",
    response_model=CompanyView,
    summary="Edit the basic information (the username follows the admin e-mail)",
    description="For a company in China (`country` CN, the default) `province` and `city` are divisions of the "
    "national list (GB/T 2260): send a code (330000, 330100), a name (浙江省, 杭州市, 浙江) or the pinyin "
    "(Zhejiang, Hangzhou); they are stored and returned as the list's names in simplified Chinese (浙江省, "
    "杭州市). A province off the list, or a city of another province, is a 422 naming the field. Other countries: "
    "free text.",
)
async def put_company(body: CompanyEdit, admin: PortalAdmin, sessions: Sessions) -> CompanyView:
    return await company.update(sessions, admin.account_no, body)


@portal_api.get("/billing-contact", response_model=BillingContact, summary="Who gets the account's receipts")
async def get_billing_contact(admin: PortalAdmin, sessions: Sessions) -> BillingContact:
    return await company.billing_contact(sessions, admin.account_no)


@portal_api.put(
    "/billing-contact",
    response_model=BillingContact,
    summary="Change who gets the receipts of new seat orders, and the language they read them in",
)
async def put_billing_contact(body: BillingContact, admin: PortalAdmin, sessions: Sessions) -> BillingContact:
    return await company.save_billing_contact(sessions, admin.account_no, body)


@portal_api.get("/preferences", response_model=Preferences, summary="The admin's language and the account's time zone")
async def get_preferences(admin: PortalAdmin, sessions: Sessions) -> Preferences:
    return await company.preferences(sessions, admin.account_no)


@portal_api.put(
    "/preferences",
    response_model=Preferences,
    summary="Choose the admin's language (their mails, and their new organizers') and the account's time zone",
)
async def put_preferences(body: Preferences, admin: PortalAdmin, sessions: Sessions) -> Preferences:
    return await company.save_preferences(sessions, admin.account_no, body)


# ---------------------------------------------------------------------------------------------- organizer accounts


@portal_api.get(
    "/organizers",
    response_model=OrganizerList,
    summary="Licenses left per edition, the organizer accounts, and the seats from seat orders",
    description="`seats` are the seats seat orders assigned to their admin contacts (seed 002): each holds one "
    "license of its edition, counted in `licenses`, and is released with `DELETE /api/admin/seats/{email}/{product}`.",
)
async def list_organizers(admin: PortalAdmin, sessions: Sessions) -> OrganizerList:
    return await organizers.listing(sessions, admin.account_no)


@portal_api.post(
    "/organizers",
    status_code=201,
    response_model=InvitationSent,
    summary="Create an organizer account: takes one license of the edition and invites the organizer",
)
async def create_organizer(
    body: NewOrganizer, admin: PortalAdmin, sessions: Sessions, settings: AppSettings, temporal: Temporal
) -> InvitationSent:
    return await organizers.create(await temporal(), settings, sessions, admin.account_no, body, operator=admin.email)


@portal_api.get("/organizers/{email}", response_model=OrganizerState, summary="One organizer account's state")
async def get_organizer(
    email: params.Email, admin: PortalAdmin, sessions: Sessions, temporal: Temporal
) -> OrganizerState:
    return await organizers.status(await temporal(), sessions, admin.account_no, email)


@portal_api.post(
    "/organizers/{email}/reinvite",
    response_model=InvitationSent,
    summary="Re-invite: the invitation again, with a fresh activation link",
)
async def reinvite(email: params.Email, admin: PortalAdmin, sessions: Sessions, temporal: Temporal) -> InvitationSent:
    return await organizers.reinvite(await temporal(), sessions, admin.account_no, email, operator=admin.email)


@portal_api.delete(
    "/organizers/{email}",
    response_model=OrganizerState,
    summary="Remove an organizer account: its license goes back to the edition's pool",
)
async def remove(email: params.Email, admin: PortalAdmin, sessions: Sessions, temporal: Temporal) -> OrganizerState:
    return await organizers.remove(await temporal(), sessions, admin.account_no, email, operator=admin.email)


@portal_api.delete(
    "/seats/{email}/{product}",
    response_model=SeatHolderRow,
    summary="Release a seat from a seat order: its license goes back to the edition's pool",
    description="The seat a seat order assigned to its admin contact. Released once: a second release (a double "
    "click) is a 404 and gives nothing back.",
)
async def release_seat(email: params.Email, product: Product, admin: PortalAdmin, sessions: Sessions) -> SeatHolderRow:
    return await organizers.release_seat(sessions, admin.account_no, email, product)


# ---------------------------------------------------------------------------------------------- orders


@portal_api.get("/orders", response_model=OrderList, summary="The order list, filtered")
async def list_orders(admin: PortalAdmin, wanted: Filter, sessions: Sessions) -> OrderList:
    return await orders.query(sessions, admin.account_no, wanted)


@portal_api.get(
    "/orders/export",
    response_class=Response,
    summary="Export the (filtered) order list as CSV or XLSX",
    responses={200: {"content": {"text/csv": {}, orders.XLSX_TYPE: {}}}},
)
async def export_orders(
    admin: PortalAdmin,
    wanted: Filter,
    sessions: Sessions,
    format: Annotated[Literal["csv", "xlsx"], Query(description="csv or xlsx")] = "csv",
    id: Annotated[
        list[int] | None,
        Query(max_length=1000, description="Only these rows (the ticked ones)."),
    ] = None,
) -> Response:
    listed = await orders.query(sessions, admin.account_no, wanted, id or ())
    return attachment(orders.export(listed, admin.account_no, format, words.export_wording(listed.time_zone)))


# ---------------------------------------------------------------------------------------------- the organizer


@activation_api.post(
    "/{token}",
    response_model=Activated,
    summary="Activate an organizer account (the link in the invitation)",
    dependencies=[Depends(limited(Limit.LINKS))],
)
async def activate(token: params.Token, organizer: ActivationLink, sessions: Sessions, temporal: Temporal) -> Activated:
    state = await organizers.activate(await temporal(), sessions, token)
    return Activated(email=state.email, status=state.status.value, message="Your organizer account is active.")


router = APIRouter()
"""All of them, as the app includes them: the admin's API, its account recovery, its messages to Corporate Account
Services and the organizer's activation."""
router.include_router(portal_api)
router.include_router(recovery_api.router)
router.include_router(contact_api.router)
router.include_router(activation_api)
