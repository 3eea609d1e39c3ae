"""The Set Up Now wizard as a JSON API: the same steps as the pages (models/wizard_routes.py), for an integration.

Open a session first (`POST /api/setup/{token}/session`); every later step carries the `session_id` it returned.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field, SecretStr

from models.common import SINGLE_LINE_PATTERN, Contract
from models.seed_rules import PARTNER_PASSWORD_MIN_LENGTH
from models.wizard import OwnAddress, SessionId, WizardState, WizardStep, WizardView
from models.wizard_routes import STEP_ROUTES, StepRoute
from starter.services import passwords, setup_wizard
from starter.web.deps import Sessions, Temporal
from starter.web.errors import ERROR_RESPONSES
from starter.web.partner_orders.setup_link import LinkOf, RememberedLinkOf
from starter.web.rate_limits import Limit, limited
from starter.web.said import said

router = APIRouter(prefix="/api/setup/{token}", tags=["setup wizard"], responses=ERROR_RESPONSES)


class PasswordInput(Contract):
    """Step 8 for a new partner organization. The API stores only a scrypt hash; the workflow never sees it."""

    session_id: SessionId
    password: SecretStr = Field(
        max_length=200,
        description=f"At least {PARTNER_PASSWORD_MIN_LENGTH} characters with letters and digits.",
        json_schema_extra={  # the rule of setup_wizard.check_password_policy, which answers with its own message
            "minLength": PARTNER_PASSWORD_MIN_LENGTH,
            "maxLength": passwords.MAX_LENGTH,
            "pattern": r"^(?=[\s\S]*[A-Za-z])(?=[\s\S]*[0-9])",
        },
    )
    password_confirmation: SecretStr = Field(max_length=200)


class SubdomainAvailability(BaseModel):
    subdomain: str
    available: bool
    message: str


@router.post(
    "/session",
    response_model=WizardView,
    summary="Step 1 - open the link: a new wizard session",
    dependencies=[Depends(limited(Limit.LINKS))],
)
async def open_session(link: LinkOf, temporal: Temporal) -> WizardView:
    return await setup_wizard.open_session(await temporal(), link)


@router.post(
    "/own-address",
    response_model=WizardView,
    summary="Step 1 - 'this address is an alias': continue as yourself, with a Set Up Now link of your own",
    dependencies=[Depends(limited(Limit.LINKS))],
)
async def own_address(link: LinkOf, body: OwnAddress, temporal: Temporal) -> WizardView:
    """Your address becomes the provisioning contact and gets its own link; this (the alias's) link stops working."""
    return await setup_wizard.continue_as_myself(await temporal(), link, body)


@router.get("", response_model=WizardState, summary="Where the wizard is, and what it has")
async def get_wizard(link: LinkOf, temporal: Temporal) -> WizardState:
    return (await setup_wizard.state(await temporal(), link)).wizard


@router.post("/password", response_model=WizardView, summary="Step 8 - create the partner organization's password")
async def password(link: LinkOf, body: PasswordInput, sessions: Sessions, temporal: Temporal) -> WizardView:
    return await setup_wizard.set_password(
        await temporal(),
        sessions,
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
    link: LinkOf, sessions: Sessions, subdomain: Annotated[str, Query(pattern=SINGLE_LINE_PATTERN, max_length=100)]
) -> SubdomainAvailability:
    available, reason = await setup_wizard.subdomain_available(sessions, subdomain)
    return SubdomainAvailability(subdomain=subdomain.strip().lower(), available=available, message=said(reason))


def _step_endpoint(route: StepRoute) -> Callable[..., Awaitable[WizardView]]:
    """POST /api/setup/{token}/<path>: the step's input model in the body, the Update from the step table."""

    async def run_step(link: RememberedLinkOf, body: Any, temporal: Temporal) -> WizardView:
        return await setup_wizard.step(await temporal(), link, route.update, body)

    run_step.__name__ = f"setup_{route.update}"
    run_step.__annotations__ = {**run_step.__annotations__, "body": route.model}
    return run_step


for _route in STEP_ROUTES:
    if _route.step is not WizardStep.PASSWORD:  # the password has its own route: it never reaches the workflow
        router.add_api_route(
            f"/{_route.path}",
            _step_endpoint(_route),
            methods=["POST"],
            response_model=WizardView,
            summary=_route.summary,
        )
