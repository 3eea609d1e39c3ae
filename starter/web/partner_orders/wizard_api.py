"""The Set Up Now wizard as a JSON API: the same steps as the pages, for an integration to drive.

Open a session first (`POST /api/setup/{token}/session`); every later step carries the `session_id` it returned.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, FastAPI, Query, Request
from pydantic import BaseModel, Field, SecretStr

from models.wizard import (
    CallingStep,
    CompanyStep,
    CustomerAdminStep,
    CustomerOrgStep,
    LeaveStep,
    MeetingStep,
    PartnerOrgStep,
    ProvisionStep,
    RoleStep,
    SessionId,
    SetupByStep,
    SubmitStep,
    SubscriptionStep,
    WizardState,
    WizardView,
)
from starter.services import setup_wizard
from starter.web.deps import temporal_client
from starter.web.errors import ERROR_RESPONSES
from store import SessionFactory

STEPS: list[tuple[str, str, type[BaseModel], str]] = [
    ("role", "choose_role", RoleStep, "Step 2 - role: 'I am a partner' (or the customer, on a customer's link)"),
    ("setup-by", "choose_setup_by", SetupByStep, "Step 3 - who sets up: me, a colleague (e-mail), or the customer"),
    ("partner-org", "partner_org", PartnerOrgStep, "Step 4 - partner organization: create, confirm, or not recognised"),
    ("customer-admin", "customer_admin", CustomerAdminStep, "Step 5 - customer administrator e-mail"),
    (
        "customer-org",
        "customer_org",
        CustomerOrgStep,
        "Step 6 - customer organization: pick, create, or not recognised",
    ),
    ("submit", "submit", SubmitStep, "Step 7 - review and submit: the order is set up (point of no return)"),
    ("subscription", "review_subscription", SubscriptionStep, "Step 9 - subscription details reviewed"),
    ("calling", "calling_settings", CallingStep, "Step 9 - calling settings (when calling was purchased)"),
    ("meetings", "meeting_settings", MeetingStep, "Step 9 - meeting settings (when meetings were purchased)"),
    ("company", "company_settings", CompanyStep, "Step 9 - company settings: save the subdomain (unique)"),
    ("provision", "provision", ProvisionStep, "Step 10 - provision and start billing"),
    ("leave", "leave", LeaveStep, "Exit: before the submit nothing entered is kept"),
]


class PasswordInput(BaseModel):
    """Step 8 for a new partner organization. The API stores only a scrypt hash; the workflow never sees it."""

    session_id: SessionId
    password: SecretStr = Field(description="At least 8 characters with letters and digits.")
    password_confirmation: SecretStr


class SubdomainAvailability(BaseModel):
    subdomain: str
    available: bool
    message: str


def install(app: FastAPI) -> None:
    router = APIRouter(prefix="/api/setup/{token}", tags=["setup wizard"], responses=ERROR_RESPONSES)

    def sessions(request: Request) -> SessionFactory:
        factory: SessionFactory = request.app.state.sessions
        return factory

    async def client(request: Request):  # type: ignore[no-untyped-def]
        return await temporal_client(request)

    @router.post("/session", response_model=WizardView, summary="Step 1 - open the link: a new wizard session")
    async def open_session(token: str, request: Request) -> WizardView:
        link = await setup_wizard.resolve(sessions(request), token)
        return await setup_wizard.open_session(await client(request), link)

    @router.get("", response_model=WizardState, summary="Where the wizard is, and what it has")
    async def get_wizard(token: str, request: Request) -> WizardState:
        link = await setup_wizard.resolve(sessions(request), token)
        return (await setup_wizard.state(await client(request), link)).wizard

    for path, update, model, summary in STEPS:
        _step_route(router, path, update, model, summary, sessions, client)

    @router.post("/password", response_model=WizardView, summary="Step 8 - create the partner organization's password")
    async def password(token: str, body: PasswordInput, request: Request) -> WizardView:
        link = await setup_wizard.resolve(sessions(request), token)
        return await setup_wizard.set_password(
            await client(request),
            sessions(request),
            link,
            body.session_id,
            body.password.get_secret_value(),
            body.password_confirmation.get_secret_value(),
        )

    @router.get(
        "/subdomain-availability",
        response_model=SubdomainAvailability,
        summary="Step 9 - 'Check availability' of a subdomain (advice; 'Save' decides)",
    )
    async def availability(
        token: str, request: Request, subdomain: Annotated[str, Query(max_length=100)]
    ) -> SubdomainAvailability:
        await setup_wizard.resolve(sessions(request), token)
        available, message = await setup_wizard.subdomain_available(sessions(request), subdomain)
        return SubdomainAvailability(subdomain=subdomain.strip().lower(), available=available, message=message)

    app.include_router(router)


def _step_route(router, path, update, model, summary, sessions, client) -> None:  # type: ignore[no-untyped-def]
    async def run_step(token: str, body: model, request: Request) -> WizardView:  # type: ignore[valid-type]
        link = await setup_wizard.resolve(sessions(request), token, fresh=False)
        return await setup_wizard.step(await client(request), link, update, body)

    run_step.__name__ = f"setup_{update}"
    run_step.__annotations__ = {"token": str, "body": model, "request": Request, "return": WizardView}
    router.add_api_route(f"/{path}", run_step, methods=["POST"], response_model=WizardView, summary=summary)
