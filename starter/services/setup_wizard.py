"""The Set Up Now wizard from the client side, shared by the JSON API and the web pages.

A link's token is looked up (hashed) in the database; every step is an Update on the order's workflow; the
password is checked and hashed here and stored by this process, so the workflow only ever learns that it is set.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError
from temporalio.client import Client

from models.partner_order import PartnerOrderState, partner_order_workflow_id
from models.refusals import Reason, Refusal, because, because_n
from models.seed_rules import PARTNER_PASSWORD_MIN_LENGTH
from models.wizard import (
    RESERVED_SUBDOMAINS,
    SUBDOMAIN_RULE,
    Audience,
    ContinueAsMyself,
    OpenSession,
    OwnAddress,
    PasswordSetStep,
    Subdomain,
    WizardView,
)
from models.wizard_rules import TAKEN_OVER
from starter.errors import NotFound, OnrampError, StepRefused
from starter.services import partner_orders, workflow_calls
from starter.services.passwords import MAX_LENGTH, hashed
from store import SessionFactory, organizations, setup_tokens
from workflows.partner_order import PartnerOrderWorkflow

T = TypeVar("T", bound=BaseModel)

SUBDOMAIN: TypeAdapter[str] = TypeAdapter(Subdomain)


class LinkInvalid(NotFound):
    """An unknown, expired or revoked Set Up Now link."""

    def __init__(self, reason: Reason | None = None) -> None:
        super().__init__(
            reason
            or because(
                "This Set Up Now link does not work any more: it is unknown, has expired, or was replaced by a newer "
                "one (for example after the setup was handed to someone else). Use the newest Set Up Now e-mail, or "
                "ask your Cisco account representative to send a new one."
            ),
            type=Refusal.LINK_INVALID,
        )


class CustomerSettingUp(LinkInvalid):
    """A partner's link to an order the partner left to the customer: it says so, rather than only that it ended."""

    def __init__(self) -> None:
        super().__init__(
            because(
                "The customer is setting up this order. It was left to the customer ('The customer will set up'), "
                "so partners have no access to manage the customer's organization and this link no longer opens it."
            )
        )


class PasswordRefused(OnrampError):
    http_status = 422


@dataclass(frozen=True)
class SetupLink:
    order_id: str
    audience: Audience
    email: str

    @property
    def workflow_id(self) -> str:
        return partner_order_workflow_id(self.order_id)


_recent: dict[str, tuple[SetupLink, float]] = {}
RECENT_SECONDS = 30.0


async def resolve(sessions: SessionFactory, token: str, *, fresh: bool = True) -> SetupLink:
    """The link's order and audience. ``fresh=False`` (the steps after the first) may answer from a 30-second
    memory: a step also needs the wizard session that only a fresh look-up opens, and a handed-over or closed
    order ends that session in the workflow itself."""
    if not token or len(token) > 200:
        raise LinkInvalid()
    now = time.monotonic()
    if not fresh and (remembered := _recent.get(token)) and remembered[1] > now:
        return remembered[0]
    link = await _look_up(sessions, token)
    if len(_recent) > 10_000:
        _recent.clear()
    _recent[token] = (link, now + RECENT_SECONDS)
    return link


async def _look_up(sessions: SessionFactory, token: str) -> SetupLink:
    async with sessions() as session:
        found = await setup_tokens.find_valid(session, token, datetime.now(UTC))
        if found is None and await setup_tokens.left_to_customer(session, token):
            raise CustomerSettingUp()
    if found is None:
        raise LinkInvalid()
    return SetupLink(order_id=found.order_id, audience=found.audience, email=found.contact_email)  # type: ignore[arg-type]


def _handle(client: Client, link: SetupLink) -> Any:
    return client.get_workflow_handle_for(PartnerOrderWorkflow.run, link.workflow_id)


async def open_session(client: Client, link: SetupLink) -> WizardView:
    return await step(client, link, "open_session", OpenSession(audience=link.audience, email=link.email))


async def continue_as_myself(client: Client, link: SetupLink, request: OwnAddress) -> WizardView:
    """'This address is an alias': the reader's own address becomes the provisioning contact and gets its own link.
    Whom the link went to comes from the link, so a link replaced meanwhile is refused by the workflow."""
    claim = ContinueAsMyself(email=request.email, alias_email=link.email, audience=link.audience)
    return await step(client, link, "continue_as_myself", claim)


async def step(client: Client, link: SetupLink, update: str, request: BaseModel) -> WizardView:
    """Run one wizard step (a workflow Update) and answer with where the wizard is now."""
    return await workflow_calls.update(client, _handle(client, link), update, request, WizardView)


async def state(client: Client, link: SetupLink) -> PartnerOrderState:
    return await partner_orders.status(client, link.order_id)


# ---------------------------------------------------------------------------------------------- password


def check_password_policy(password: str, confirmation: str) -> None:
    """Long enough (and not too long to hash), with letters and digits; typed the same twice."""
    if len(password) > MAX_LENGTH:
        raise PasswordRefused(
            because_n(
                "The password may have at most %(num)d character.",
                "The password may have at most %(num)d characters.",
                MAX_LENGTH,
            ),
            type=Refusal.INVALID_PASSWORD,
            field="password",
        )
    problems = []
    if len(password) < PARTNER_PASSWORD_MIN_LENGTH:
        problems.append(
            because_n("at least %(num)d character", "at least %(num)d characters", PARTNER_PASSWORD_MIN_LENGTH)
        )
    if not re.search(r"[A-Za-z]", password):
        problems.append(because("a letter"))
    if not re.search(r"[0-9]", password):
        problems.append(because("a digit"))
    if problems:
        raise PasswordRefused(
            because("The password needs %(needs)s.", needs=problems), type=Refusal.INVALID_PASSWORD, field="password"
        )
    if password != confirmation:
        raise PasswordRefused(
            because("The two passwords are not the same."),
            type=Refusal.INVALID_PASSWORD,
            field="password_confirmation",
        )


async def set_password(
    client: Client, sessions: SessionFactory, link: SetupLink, session_id: str, password: str, confirmation: str
) -> WizardView:
    """Store the partner organization's password hash, then tell the workflow (without the password) it is set."""
    check_password_policy(password, confirmation)
    current = await state(client, link)
    setup = current.wizard.setup
    if setup is None or not current.wizard.services.password_required or current.wizard.step.value != "password":
        raise StepRefused(
            because("No password is asked for at this point of the setup."), type=Refusal.WIZARD_STEP_CONFLICT
        )
    if current.wizard.session is None or current.wizard.session.id != session_id:
        raise StepRefused(TAKEN_OVER, type=Refusal.WIZARD_SESSION_INVALID)
    assert setup.partner_org_id is not None  # a password is asked for only for a new partner organization
    async with sessions.begin() as session:
        await organizations.set_password_hash(session, setup.partner_org_id, await hashed(password), datetime.now(UTC))
    return await step(client, link, "password_set", PasswordSetStep(session_id=session_id))


# ---------------------------------------------------------------------------------------------- subdomain


async def subdomain_available(sessions: SessionFactory, subdomain: str) -> tuple[bool, Reason]:
    """'Check availability': a read, and only advice; 'Save' claims it under a unique constraint."""
    try:
        name = SUBDOMAIN.validate_python(subdomain.strip().lower())
    except ValidationError:
        return False, SUBDOMAIN_RULE
    if name in RESERVED_SUBDOMAINS:
        return False, because("'%(name)s' is reserved; choose another subdomain.", name=name)
    async with sessions() as session:
        taken = await organizations.subdomain_taken(session, name)
    if taken:
        return False, because("'%(name)s' is already taken by another organization.", name=name)
    return True, because("'%(name)s' is available.", name=name)
