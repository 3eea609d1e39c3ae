"""Contracts of the enterprise admin's organizer accounts (seed 000): OrganizerAccountWorkflow's input, policy, steps,
state, and its activities' inputs and outputs.

An organizer account holds one license of one product edition of the account while it exists. Creating it takes the
license (atomically, in an activity) and invites the organizer by e-mail; the workflow then waits for the organizer
to activate the account through the link, with a reminder after three days, until the admin removes it (which
returns the license and ends the workflow).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, EmailStr, Field, StringConstraints

from models.accounts import AccountNo, Edition, Product
from models.common import MULTI_LINE, Contract, Language, OperatorNote
from models.mail import MailQueued, MailRecord
from models.refusals import RuleBroken, because_n
from models.seed_rules import ACTIVATION_LINK_VALID_DAYS, ORGANIZER_REMINDER_AFTER_DAYS

MAX_EMAIL = 120  # older workflow ids carry the e-mail (organizer-<account no>-<e-mail>): they stay short


def _short_email(email: str) -> str:
    if len(email) > MAX_EMAIL:
        raise RuleBroken(
            because_n(
                "an organizer's e-mail address may have at most %(num)d character",
                "an organizer's e-mail address may have at most %(num)d characters",
                MAX_EMAIL,
            )
        )
    return email


OrganizerEmail = Annotated[EmailStr, AfterValidator(_short_email)]
"""An organizer's e-mail address (at most 120 characters)."""

PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
"""A last or first name (the organizers table keeps 100 characters)."""

KIND = "organizer"


def edition_label(product: Product | str, edition: Edition | str) -> str:
    """'GoTo Meeting Standard'."""
    return f"{Product(product).value} {Edition(edition).value}"


class OrganizerStatus(StrEnum):
    PENDING = "pending"  # started; the admin's create step has not taken a license yet
    INVITED = "invited"  # holds a license; the invitation went out; waiting for the organizer to activate
    ACTIVE = "active"  # the organizer activated the account through the link
    REMOVED = "removed"  # the admin removed it: the license is back in the pool (final)
    REFUSED = "refused"  # no license was left (or the edition is not the account's): nothing was created (final)
    ABANDONED = "abandoned"  # the create step never came (the portal went away between start and create) (final)


FINAL_STATUSES = frozenset({OrganizerStatus.REMOVED, OrganizerStatus.REFUSED, OrganizerStatus.ABANDONED})
HOLDS_LICENSE = frozenset({OrganizerStatus.INVITED, OrganizerStatus.ACTIVE})


class OrganizerPolicy(Contract):
    """The timers of the process, with the seed's values as defaults."""

    reminder_after_days: int = Field(
        default=ORGANIZER_REMINDER_AFTER_DAYS,
        ge=1,
        le=60,
        description="Remind the organizer this many days after an unanswered invitation.",
    )
    link_valid_days: int = Field(
        default=ACTIVATION_LINK_VALID_DAYS, ge=1, le=365, description="How long an activation link works."
    )
    create_within_minutes: int = Field(
        default=10,
        ge=1,
        le=24 * 60,
        description="A workflow started for a create step that never arrives ends (abandoned) after this long.",
    )
    mail_retry_max_seconds: float = Field(
        default=20,
        gt=0,
        le=3600,
        description="Longest pause between two tries to hand an e-mail to SMTP: after an outage, mail goes out "
        "within this time of the relay answering again.",
    )
    continue_after_events: int = Field(
        default=2_000,
        ge=40,
        le=40_000,
        description="An account's workflow lives as long as the account (re-invites, reminders, years): past this "
        "many events in its history, it continues as new, carrying its state, so a replay stays cheap.",
    )


class OrganizerAccountInput(Contract):
    """The workflow's input: only the business key (and policy). The details come with the create step; a run
    continued from an earlier one (``continued``) carries that run's state."""

    account_no: AccountNo
    email: OrganizerEmail
    policy: OrganizerPolicy = Field(default_factory=OrganizerPolicy)
    continued: OrganizerContinued | None = None


class NewOrganizer(Contract):
    """What the enterprise admin enters in the 'create account' window (seed 000, step 4)."""

    last_name: PersonName
    first_name: PersonName
    email: OrganizerEmail = Field(
        description="The organizer's e-mail: the account is opened at once, so it must be right."
    )
    product: Product = Field(default=Product.GOTO_MEETING, description="The product whose license the account uses.")
    edition: Edition = Field(description="Only an edition the account has licenses of.")
    language: Language | None = Field(
        default=None,
        description="The language of the organizer's mails and activation page; the enterprise admin's when absent. "
        "The organizer can change it when activating.",
    )


# ----- steps (workflow Updates) -----


class CreateOrganizer(OperatorNote):
    """Take one license of the edition and invite the organizer (the first step after the workflow starts)."""

    last_name: PersonName
    first_name: PersonName
    product: Product
    edition: Edition
    language: Language | None = Field(default=None, description="The organizer's language; the admin's when absent.")


class ReinviteOrganizer(OperatorNote):
    """Send the invitation again, with a fresh activation link (seed 000, step 5)."""


class ActivateOrganizer(Contract):
    """The organizer opened the activation link and confirmed (the API checked the link; no token reaches here)."""

    via: Literal["link", "operator"] = "link"
    language: Language | None = Field(default=None, description="The language the organizer chose on the page.")


class RemoveOrganizer(OperatorNote):
    """Remove the organizer account: its license goes back to the pool and the workflow ends."""


# ----- state (the `status` Query) -----

OrganizerEventKind = Literal["state", "mail", "admin", "reminder", "activation"]


class OrganizerEvent(Contract):
    """One line of the organizer account's timeline."""

    at: AwareDatetime
    kind: OrganizerEventKind
    text: Annotated[str, MULTI_LINE]


class OrganizerState(Contract):
    workflow_id: str
    account_no: str
    email: EmailStr
    status: OrganizerStatus = OrganizerStatus.PENDING
    last_name: str | None = None
    first_name: str | None = None
    product: Product | None = None
    edition: Edition | None = None
    language: Language = Field(default="en", description="The organizer's language: their mails and pages.")
    started_at: AwareDatetime
    invited_at: AwareDatetime | None = Field(default=None, description="When the account was created and invited.")
    last_invited_at: AwareDatetime | None = Field(default=None, description="The newest invitation (re-invites).")
    invitations: int = 0
    reminders: int = 0
    reminder_due_at: AwareDatetime | None = None
    activated_at: AwareDatetime | None = None
    removed_at: AwareDatetime | None = None
    finished_at: AwareDatetime | None = None
    refusal: str | None = Field(default=None, description="Why the create step was refused.")
    remaining: int | None = Field(default=None, description="Licenses of the edition left after this one was taken.")
    next_deadline: AwareDatetime | None = None
    next_deadline_kind: str | None = None
    mails: list[MailRecord] = Field(default_factory=list)
    timeline: list[OrganizerEvent] = Field(default_factory=list)

    @property
    def edition_label(self) -> str | None:
        return edition_label(self.product, self.edition) if self.product and self.edition else None


class OrganizerContinued(Contract):
    """What a run hands to the one it continues as: the account's state (its timeline and mails too, so mail
    sequences, and with them the outbox keys, go on where they were) and the id its rows and mails carry."""

    state: OrganizerState
    creation_id: str


class InvitationSent(Contract):
    """What create and re-invite answer: the invitation and the admin's copy are on their way."""

    invitation: MailQueued
    admin_copy: MailQueued
    state: OrganizerState


# ----- activities -----


class AccountAdmin(Contract):
    """The account's enterprise admin as of now: copies go to the current admin e-mail (it may have changed)."""

    account_no: str
    email: EmailStr
    name: str
    customer_name: str
    language: Language = Field(default="en", description="The admin's own language, else the account's.")


class TakeLicense(Contract):
    """Create the organizer row and take one license of its edition, in one transaction (idempotent per creation)."""

    workflow_id: str
    creation_id: str = Field(description="Unique per workflow run: a retried activity recognises its own row.")
    account_no: str
    email: EmailStr
    last_name: str
    first_name: str
    product: Product
    edition: Edition
    at: AwareDatetime
    language: Language | None = Field(default=None, description="The organizer's language; the admin's when absent.")


class LicenseTaken(Contract):
    remaining: int = Field(description="Licenses of the edition left after this one.")
    seats: int
    admin: AccountAdmin


class OrganizerRef(Contract):
    """One organizer row, as the activities that change it need it."""

    workflow_id: str
    creation_id: str
    account_no: str
    email: EmailStr
    at: AwareDatetime
    language: Language | None = Field(default=None, description="The language the organizer chose, if they did.")


class LicenseReturned(Contract):
    returned: bool = Field(description="False when a retry found the license returned already.")
    remaining: int


CREATE_ORGANIZER_ACTIVITY = "create_organizer"
ACTIVATE_ORGANIZER_ACTIVITY = "activate_organizer"
REMOVE_ORGANIZER_ACTIVITY = "remove_organizer"
ACCOUNT_ADMIN_ACTIVITY = "account_admin"


OrganizerAccountInput.model_rebuild()  # ``continued`` names a model defined after it
