"""The wizard's side effects: the organization finder, the set-up transaction, service settings, provisioning.

Every write is idempotent (keyed by order or organization id, which the workflow chooses), and every business
conflict is a non-retryable ApplicationError whose message the wizard shows as it is.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio import activity

from models import service_settings
from models.refusals import Reason, Refusal, because, refuse
from models.wizard_activities import (
    CHECK_CUSTOMER_ADMIN_ACTIVITY,
    CLAIM_SUBDOMAIN_ACTIVITY,
    FIND_ORG_ADMINISTRATOR_ACTIVITY,
    FIND_PARTNER_ORG_ACTIVITY,
    PROVISION_ORDER_ACTIVITY,
    SAVE_ORG_SETTINGS_ACTIVITY,
    SET_UP_ORDER_ACTIVITY,
    CheckCustomerAdmin,
    ClaimSubdomain,
    CustomerAdminCheck,
    FindOrgAdministrator,
    FindPartnerOrg,
    FoundOrg,
    OrgAdministrator,
    OrgDetails,
    Provisioned,
    ProvisionOrder,
    SaveOrgSettings,
    SetUpOrder,
)
from store import SessionFactory
from store.tables import (
    BillingRecord,
    OrderSetup,
    Organization,
    OrgSettings,
    OrgUser,
    Subscription,
)
from store.upsert import insert_if_absent, upsert


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()


class SetupActivities:
    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    # ------------------------------------------------------------------ organization finder

    @activity.defn(name=FIND_PARTNER_ORG_ACTIVITY)
    async def find_partner_org(self, query: FindPartnerOrg) -> FoundOrg | None:
        """The partner's organization: the one the contact administers, else the one with the partner's name."""
        async with self._sessions() as session:
            by_admin = (
                await session.execute(
                    select(Organization)
                    .join(OrgUser, OrgUser.org_id == Organization.id)
                    .where(OrgUser.email == str(query.email).lower(), Organization.kind == "partner")
                )
            ).scalar_one_or_none()
            if by_admin is not None:
                return _found(by_admin, "partner_admin")
            by_name = (
                await session.execute(
                    select(Organization)
                    .where(Organization.kind == "partner", func.lower(Organization.name) == query.partner_name.lower())
                    .order_by(Organization.created_at)
                    .limit(1)
                )
            ).scalar_one_or_none()
            return _found(by_name, "partner_name") if by_name is not None else None

    @activity.defn(name=FIND_ORG_ADMINISTRATOR_ACTIVITY)
    async def find_org_administrator(self, query: FindOrgAdministrator) -> OrgAdministrator | None:
        """Who administers an existing organization: the one to ask before someone else's address joins it."""
        async with self._sessions() as session:
            org = await session.get(Organization, query.org_id)
        if org is None or not org.admin_email:
            return None
        return OrgAdministrator(email=org.admin_email, org_name=org.name, language=org.admin_language or "en")

    @activity.defn(name=CHECK_CUSTOMER_ADMIN_ACTIVITY)
    async def check_customer_admin(self, query: CheckCustomerAdmin) -> CustomerAdminCheck:
        """As Webex's organization finder: the org this address administers; else candidates by name and domain.

        A user belongs to one organization only: an address that is already a user elsewhere is refused.
        """
        email = str(query.email).lower()
        async with self._sessions() as session:
            member = (
                await session.execute(
                    select(OrgUser, Organization)
                    .join(Organization, Organization.id == OrgUser.org_id)
                    .where(OrgUser.email == email)
                )
            ).one_or_none()
            if member is not None:
                user, org = member
                if org.kind == "customer" and user.role == "admin":
                    return CustomerAdminCheck(matches=[_found(org, "admin_email")])
                member = (
                    because(
                        "%(email)s already belongs to the partner organization '%(org)s', and a user can belong "
                        "to one Webex organization only. Enter the address of the customer's administrator.",
                        email=email,
                        org=org.name,
                    )
                    if org.kind == "partner"
                    else because(
                        "%(email)s already belongs to the organization '%(org)s', and a user can belong to one "
                        "Webex organization only. Enter the address of the customer's administrator.",
                        email=email,
                        org=org.name,
                    )
                )
                return CustomerAdminCheck.refused(member)
            candidates = (
                await session.execute(
                    select(Organization)
                    .where(Organization.kind == "customer")
                    .where(
                        or_(
                            func.lower(Organization.name) == query.customer_name.lower(),
                            Organization.email_domain == email_domain(email),
                        )
                    )
                    .order_by(Organization.name)
                    .limit(10)
                )
            ).scalars()
            matches = [
                _found(org, "name" if org.name.lower() == query.customer_name.lower() else "domain")
                for org in candidates
            ]
        return CustomerAdminCheck(matches=matches)

    # ------------------------------------------------------------------ the point of no return

    @activity.defn(name=SET_UP_ORDER_ACTIVITY)
    async def set_up_order(self, request: SetUpOrder) -> bool:
        """Organizations, the customer administrator and the order's mapping, in one transaction.

        Idempotent: a retry after a commit finds the mapping and succeeds. A lost race (the administrator's
        address taken by another order a moment ago) rolls everything back and says why.
        """
        now = datetime.now(UTC)
        async with self._sessions() as session:
            existing = await session.get(OrderSetup, request.order_id)
            if existing is not None:
                return False
        try:
            async with self._sessions.begin() as session:
                if request.new_partner_org is not None and request.partner_org_id is not None:
                    await _create_org(
                        session, request.partner_org_id, "partner", request.new_partner_org, None, now, request.language
                    )
                    if request.partner_admin_email is not None:
                        await _add_user(session, request.partner_admin_email, request.partner_org_id, now)
                if request.new_customer_org is not None:
                    await _create_org(
                        session,
                        request.customer_org_id,
                        "customer",
                        request.new_customer_org,
                        str(request.customer_admin_email),
                        now,
                        request.language,
                    )
                    await _add_user(session, request.customer_admin_email, request.customer_org_id, now)
                else:  # an existing organization: its administrator joins it, unless already there
                    member = await session.get(OrgUser, str(request.customer_admin_email).lower())
                    if member is None or member.org_id != request.customer_org_id:
                        await _add_user(session, request.customer_admin_email, request.customer_org_id, now)
                await session.execute(  # "the customer will set up": the partner has no access to manage it
                    update(Organization)
                    .where(Organization.id == request.customer_org_id)
                    .values(partner_access=request.partner_access)
                )
                session.add(
                    OrderSetup(
                        order_id=request.order_id,
                        partner_org_id=request.partner_org_id,
                        customer_org_id=request.customer_org_id,
                        customer_admin_email=str(request.customer_admin_email).lower(),
                        partner_access=request.partner_access,
                        set_up_by=str(request.set_up_by).lower(),
                        set_up_at=now,
                    )
                )
        except IntegrityError as err:
            raise refuse(Refusal.SETUP_CONFLICT, await self._conflict_reason(request, err)) from err
        return True

    async def _conflict_reason(self, request: SetUpOrder, err: IntegrityError) -> Reason:
        async with self._sessions() as session:
            if await session.get(OrderSetup, request.order_id) is not None:
                return because("This order has just been set up (from another window).")
            owner = (
                await session.execute(
                    select(Organization.name)
                    .join(OrgUser, OrgUser.org_id == Organization.id)
                    .where(OrgUser.email == str(request.customer_admin_email).lower())
                )
            ).scalar_one_or_none()
        if owner is not None:
            return because(
                "%(email)s has just become a user of '%(org)s' (set up by another order), and "
                "a user can belong to one Webex organization only. Enter another customer administrator e-mail.",
                email=str(request.customer_admin_email),
                org=owner,
            )
        return because("The organizations could not be saved: %(error)s", error=str(err.orig))

    # ------------------------------------------------------------------ service setup

    @activity.defn(name=SAVE_ORG_SETTINGS_ACTIVITY)
    async def save_org_settings(self, request: SaveOrgSettings) -> None:
        async with self._sessions.begin() as session:
            await upsert(
                session,
                OrgSettings,
                {
                    "org_id": request.org_id,
                    "section": request.section,
                    "values": request.values,
                    "order_id": request.order_id,
                    "saved_at": datetime.now(UTC),
                },
                key=["org_id", "section"],
            )

    @activity.defn(name=CLAIM_SUBDOMAIN_ACTIVITY)
    async def claim_subdomain(self, request: ClaimSubdomain) -> None:
        """Unique across all organizations by a database constraint: of two racing claims exactly one wins."""
        try:
            async with self._sessions.begin() as session:
                await session.execute(
                    update(Organization).where(Organization.id == request.org_id).values(subdomain=request.subdomain)
                )
                await _name_the_site(session, request.org_id, request.subdomain)
        except IntegrityError:
            taken = because(
                "The subdomain '%(subdomain)s' is already taken by another organization. Choose another one.",
                subdomain=request.subdomain,
            )
            raise refuse(Refusal.SUBDOMAIN_TAKEN, taken, "subdomain") from None

    @activity.defn(name=PROVISION_ORDER_ACTIVITY)
    async def provision_order(self, request: ProvisionOrder) -> Provisioned:
        """Activate the subscription and start billing for every purchased service (idempotent)."""
        now = datetime.now(UTC)
        async with self._sessions.begin() as session:
            await insert_if_absent(
                session,
                Subscription,
                {"order_id": request.order_id, "org_id": request.org_id, "status": "active", "activated_at": now},
                key=["order_id"],
            )
            for service in request.services:
                await insert_if_absent(
                    session,
                    BillingRecord,
                    {
                        "order_id": request.order_id,
                        "service": service,
                        "org_id": request.org_id,
                        "starts_at": request.billing_start,
                        "created_at": now,
                    },
                    key=["order_id", "service"],
                )
        async with self._sessions() as session:
            subscription = await session.get(Subscription, request.order_id)
            records = (
                await session.execute(select(BillingRecord).where(BillingRecord.order_id == request.order_id))
            ).scalars()
            assert subscription is not None
            return Provisioned(
                activated_at=subscription.activated_at, billing={r.service: r.starts_at for r in records}
            )


async def _name_the_site(session: AsyncSession, org_id: str, subdomain: str) -> None:
    """The meeting settings saved before the subdomain get the site name it gives (a rename renames the site)."""
    meetings = await session.get(OrgSettings, (org_id, "meetings"), with_for_update=True)
    if meetings is not None:
        meetings.values = {**meetings.values, "site_name": service_settings.site_name(subdomain)}


def _found(org: Organization, match: Any) -> FoundOrg:
    return FoundOrg(id=org.id, kind=org.kind, name=org.name, country=org.country, city=org.city, match=match)  # type: ignore[arg-type]


async def _create_org(
    session: Any,
    org_id: str,
    kind: str,
    details: OrgDetails,
    admin_email: str | None,
    now: datetime,
    admin_language: str,
) -> None:
    session.add(
        Organization(
            id=org_id,
            kind=kind,
            name=details.name,
            admin_email=admin_email.lower() if admin_email else None,
            email_domain=email_domain(admin_email) if admin_email else None,
            country=details.country,
            address=details.address,
            city=details.city,
            postal_code=details.postal_code,
            admin_language=admin_language,
            created_at=now,
        )
    )
    await session.flush()


async def _add_user(session: Any, email: object, org_id: str, now: datetime) -> None:
    session.add(OrgUser(email=str(email).lower(), org_id=org_id, role="admin", created_at=now))
    await session.flush()
