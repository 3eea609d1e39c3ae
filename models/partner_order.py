"""Contracts of the partner order process (seeds 001/003): what Cisco Commerce Workspace sends, the policy,
the state operators see, and the operator steps."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, EmailStr, Field, StringConstraints, field_validator

from models.common import (
    MULTI_LINE,
    Contract,
    Language,
    Name,
    OperatorNote,
    TimeZoneName,
    add_local_days,
    local_midnight,
)
from models.mail import MailQueued, MailRecord
from models.refusals import RuleBroken, because
from models.seed_rules import CLOSE_AFTER_DAYS_FLEX, CLOSE_AFTER_DAYS_OTHER, ESCALATE_AFTER_DAYS, WIZARD_IDLE_MINUTES
from models.wizard import WizardState


class Offer(StrEnum):
    """The Webex offers a partner can order for a customer."""

    A_WX = "A-WX"
    A_SPK = "A-SPK"
    A_FLEX = "A-FLEX"


class Service(StrEnum):
    """Services that can be purchased on an order; each one gets billing started when provisioned."""

    MEETINGS = "meetings"
    CALLING = "calling"
    MESSAGING = "messaging"
    WEBINARS = "webinars"
    DEVICES = "devices"


class PartnerOrderStatus(StrEnum):
    AWAITING_START_DATE = "awaiting_start_date"
    AWAITING_SETUP = "awaiting_setup"
    AWAITING_ORG_CONFIRMATION = "awaiting_org_confirmation"
    """The wizard picked an existing customer organization found by name or domain: its administrator decides."""
    SET_UP = "set_up"
    PROVISIONED = "provisioned"
    CLOSED = "closed"
    HALTED = "halted"


FINAL_STATUSES = frozenset({PartnerOrderStatus.PROVISIONED, PartnerOrderStatus.CLOSED, PartnerOrderStatus.HALTED})
"""The order has left the process; nothing more happens to it."""

BEFORE_SET_UP = frozenset(
    {
        PartnerOrderStatus.AWAITING_START_DATE,
        PartnerOrderStatus.AWAITING_SETUP,
        PartnerOrderStatus.AWAITING_ORG_CONFIRMATION,
    }
)
"""Before the point of no return: the contact may change and the Set Up Now e-mail may be (re)sent."""

OrderId = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"),
]


WizardIdleMinutes = Annotated[int, Field(ge=1, le=24 * 60)]
"""How long a wizard session may stay without a step (the policy's, and the operator's setting)."""


class PartnerOrderPolicy(Contract):
    """The timers of the process, with the seeds' values as defaults."""

    escalate_after_days: int = Field(
        default=ESCALATE_AFTER_DAYS,
        ge=0,
        le=60,
        description="Escalate when not set up this many days after the start date.",
    )
    close_after_days_flex: int = Field(
        default=CLOSE_AFTER_DAYS_FLEX,
        ge=1,
        le=365,
        description="A-FLEX order lines close when not provisioned this many days after the start date.",
    )
    close_after_days_other: int = Field(
        default=CLOSE_AFTER_DAYS_OTHER,
        ge=1,
        le=365,
        description="A-WX / A-SPK order lines close when not provisioned this many days after the start date.",
    )
    wizard_idle_minutes: WizardIdleMinutes = Field(
        default=WIZARD_IDLE_MINUTES, description="A wizard session with no step for this long expires."
    )
    mail_retry_max_seconds: float = Field(
        default=20,
        gt=0,
        le=3600,
        description="Longest pause between two tries to hand an e-mail to SMTP: after an outage, mail goes out "
        "within this time of the relay answering again.",
    )

    def close_after_days(self, offer: Offer) -> int:
        return self.close_after_days_flex if offer is Offer.A_FLEX else self.close_after_days_other


class PartnerOrderInput(Contract):
    """A partner's order as Cisco Commerce Workspace submits it: the intake of the process."""

    order_id: OrderId = Field(description="The Commerce Workspace order number; the business key.")
    offer: Offer
    requested_start_date: date = Field(description="The day the Set Up Now e-mail goes out (midnight in time_zone).")
    time_zone: TimeZoneName = Field(description="IANA time zone of the requested start date, e.g. Europe/Ljubljana.")
    provisioning_contact_email: EmailStr = Field(description="Who receives the Set Up Now e-mail; may be an alias.")
    language: Language = Field(default="en", description="Language of the e-mails to the partner.")
    partner_name: Name
    customer_name: Name
    purchased_services: list[Service] = Field(
        min_length=1,
        max_length=len(Service),
        json_schema_extra={"uniqueItems": True},  # the rule of _no_repeats
    )
    account_representative_email: EmailStr = Field(description="The Cisco account representative, told of escalations.")
    policy: PartnerOrderPolicy = Field(default_factory=PartnerOrderPolicy)

    @field_validator("purchased_services")
    @classmethod
    def _no_repeats(cls, services: list[Service]) -> list[Service]:
        if len(set(services)) != len(services):
            raise RuleBroken(because("each service may be listed once"))
        return services

    @property
    def workflow_id(self) -> str:
        return partner_order_workflow_id(self.order_id)


def partner_order_workflow_id(order_id: str) -> str:
    return f"partner-order-{order_id}"


TimelineKind = Literal["state", "mail", "escalation", "operator", "closure", "wizard"]


class TimelineEntry(Contract):
    """One line of the business timeline that `onramp history` shows."""

    at: AwareDatetime
    kind: TimelineKind
    text: Annotated[str, MULTI_LINE]


class PartnerOrderState(Contract):
    """Everything an operator may want to know about one order; the `status` Query returns it."""

    order_id: str
    offer: Offer
    status: PartnerOrderStatus
    requested_start_date: date
    time_zone: str
    partner_name: str
    customer_name: str
    provisioning_contact_email: EmailStr
    provisioning_alias: EmailStr | None = Field(
        default=None,
        description="The alias the Set Up Now e-mail went to, when its reader continued as themselves (the timeline "
        "keeps every change).",
    )
    language: Language = Field(
        default="en", description="The provisioning contact's language: their e-mails' and the wizard pages'."
    )
    account_representative_email: EmailStr
    purchased_services: list[Service]
    received_at: AwareDatetime
    starts_at: AwareDatetime = Field(description="Midnight of the requested start date in the order's time zone.")
    escalates_at: AwareDatetime = Field(description="When the order is escalated unless it is set up by then.")
    closes_at: AwareDatetime = Field(description="When the order line closes unless it is provisioned by then.")
    contact_generation: int = Field(default=1, description="Bumped by each contact change; older links stop working.")
    set_up_now_sent_at: AwareDatetime | None = None
    escalated: bool = False
    escalated_at: AwareDatetime | None = None
    finished_at: AwareDatetime | None = None
    next_deadline: AwareDatetime | None = None
    next_deadline_kind: str | None = None
    mails: list[MailRecord] = Field(default_factory=list)
    timeline: list[TimelineEntry] = Field(default_factory=list)
    wizard: WizardState = Field(default_factory=WizardState)


# ----- operator steps (workflow Updates) -----


class ResendSetUpMail(OperatorNote):
    """Send the Set Up Now e-mail again, with a fresh link, to the current provisioning contact."""


class SendSetUpMailNow(OperatorNote):
    """Do not wait for the requested start date: send the Set Up Now e-mail at once."""


class ChangeProvisioningContact(OperatorNote):
    """Hand the order to another provisioning contact: the old links stop working, the new contact gets one."""

    new_email: EmailStr
    language: Language | None = None


class ContactChanged(Contract):
    previous_email: EmailStr
    new_email: EmailStr
    contact_generation: int
    mail: MailQueued | None = Field(default=None, description="The new contact's Set Up Now e-mail, when one is due.")


# ----- persistence snapshot (activity input) -----


class PartnerOrderSnapshot(Contract):
    """The order as the database stores it; written by an idempotent upsert at every state change."""

    workflow_id: str
    state: PartnerOrderState


SAVE_PARTNER_ORDER_ACTIVITY = "save_partner_order"

RECEIVED_AT_MEMO = "received_at"
"""The start's memo entry with the moment intake received the order: the workflow's first state counts from it,
so the intake can answer that state itself instead of asking the new workflow (a Query waits for its first task)."""

RECEIPT_CLOCK_TOLERANCE = timedelta(minutes=1)


def receipt_time(intake_said: datetime | None, server_now: datetime) -> datetime:
    """When the order was received: the intake's moment, unless its clock disagrees with the Temporal server's by
    more than the tolerance (then the server's, as a workflow without the memo counts: deadlines must not start
    from a clock that is off, nor from the test server's skipped time)."""
    if intake_said is None or abs(intake_said - server_now) > RECEIPT_CLOCK_TOLERANCE:
        return server_now
    return intake_said


def initial_state(order: PartnerOrderInput, received_at: datetime) -> PartnerOrderState:
    """A new order's state. Deadlines count from the requested start date, or from receipt when the order came in
    after it: a partner cannot be late for an e-mail that was never sent."""
    starts_at = local_midnight(order.requested_start_date, order.time_zone)
    effective_start = max(starts_at, received_at)
    policy = order.policy
    return PartnerOrderState(
        order_id=order.order_id,
        offer=order.offer,
        status=PartnerOrderStatus.AWAITING_START_DATE,
        requested_start_date=order.requested_start_date,
        time_zone=order.time_zone,
        partner_name=order.partner_name,
        customer_name=order.customer_name,
        provisioning_contact_email=order.provisioning_contact_email,
        language=order.language,
        account_representative_email=order.account_representative_email,
        purchased_services=list(order.purchased_services),
        received_at=received_at,
        starts_at=starts_at,
        escalates_at=add_local_days(effective_start, policy.escalate_after_days, order.time_zone),
        closes_at=add_local_days(effective_start, policy.close_after_days(order.offer), order.time_zone),
        timeline=[
            TimelineEntry(
                at=received_at,
                kind="state",
                text=f"awaiting_start_date: order received; Set Up Now e-mail due on {order.requested_start_date}",
            )
        ],
    )
