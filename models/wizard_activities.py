"""What the Set Up Now wizard's activities take and answer (seeds 001/003): the organizations the finder proposes
and their administrators, the checks of a customer administrator's address, and the organizations, settings and
subscriptions the wizard creates and provisions."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, EmailStr, Field, StringConstraints

from models.common import Contract, Language, Name
from models.refusals import Reason, verbatim

FIND_PARTNER_ORG_ACTIVITY = "find_partner_org"
CHECK_CUSTOMER_ADMIN_ACTIVITY = "check_customer_admin"
FIND_ORG_ADMINISTRATOR_ACTIVITY = "find_org_administrator"
SET_UP_ORDER_ACTIVITY = "set_up_order"
SAVE_ORG_SETTINGS_ACTIVITY = "save_org_settings"
CLAIM_SUBDOMAIN_ACTIVITY = "claim_subdomain"
PROVISION_ORDER_ACTIVITY = "provision_order"


class FindPartnerOrg(Contract):
    email: EmailStr
    partner_name: str


class CheckCustomerAdmin(Contract):
    email: EmailStr
    customer_name: str
    partner_org_id: str | None = None


class CustomerAdminCheck(Contract):
    refusal: str | None = Field(default=None, description="Why the address cannot be the customer administrator.")
    reason: Reason | None = Field(default=None, description="The refusal, for the reader's language.")
    matches: list[FoundOrg] = Field(default_factory=list)

    @classmethod
    def refused(cls, reason: Reason) -> CustomerAdminCheck:
        return cls(refusal=reason.english(), reason=reason)

    def why(self) -> Reason | None:
        """The refusal (an older activity's: its English words), or None when the address will do."""
        if self.reason is not None:
            return self.reason
        return verbatim(self.refusal) if self.refusal else None


class SetUpOrder(Contract):
    order_id: str
    partner_org_id: str | None
    new_partner_org: OrgDetails | None
    partner_admin_email: EmailStr | None
    customer_org_id: str
    new_customer_org: OrgDetails | None
    customer_admin_email: EmailStr
    partner_access: bool
    set_up_by: EmailStr
    language: Language = Field(default="en", description="The order's language: the new administrators read it.")


class SaveOrgSettings(Contract):
    order_id: str
    org_id: str
    section: Literal["subscription", "calling", "meetings"]
    values: dict[str, object]


class ClaimSubdomain(Contract):
    org_id: str
    subdomain: str


class ProvisionOrder(Contract):
    order_id: str
    org_id: str
    services: list[str]
    billing_start: AwareDatetime


class Provisioned(Contract):
    activated_at: AwareDatetime
    billing: dict[str, AwareDatetime]


class OrgDetails(Contract):
    """What is entered to create (or confirmed of) a Webex organization."""

    name: Name
    country: Annotated[
        str, StringConstraints(strip_whitespace=True, to_upper=True, max_length=8, pattern=r"^[A-Za-z]{2}$")
    ] = Field(description="ISO 3166 two-letter country code, e.g. SI.")
    address: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    city: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    postal_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]


class FoundOrg(Contract):
    """An existing organization the organization finder proposes, and why."""

    id: str
    kind: Literal["partner", "customer"]
    name: str
    country: str | None = None
    city: str | None = None
    match: Literal["admin_email", "name", "domain", "partner_admin", "partner_name"]


class OrgAdministrator(Contract):
    email: EmailStr
    org_name: str
    language: Language = Field(default="en", description="The language the organization's administrator reads.")


class FindOrgAdministrator(Contract):
    org_id: str
