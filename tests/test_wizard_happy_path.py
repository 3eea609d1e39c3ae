"""The whole wizard through the JSON API, the partner's path: from the link to `provisioned`."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from starter.mail_sink import MailSink
from starter.services import partner_orders
from starter.settings import Settings
from store import SessionFactory
from store.tables import BillingRecord, OrderSetup, Organization, OrgCredential, Subscription
from tests.wizard_support import CALLING, NEW_CUSTOMER, NEW_PARTNER, Wizard, mail_to, order_awaiting_setup


async def test_a_partner_sets_up_and_provisions_a_new_customer(
    http: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    o, token = await order_awaiting_setup(
        client, ts_env, settings, mail_sink, purchased_services=["meetings", "calling"]
    )
    partner = {**NEW_PARTNER, "name": f"Partner {uuid.uuid4().hex[:6]}"}
    customer_admin = f"admin-{uuid.uuid4().hex[:6]}@kranj.example"
    subdomain = f"kranj-{uuid.uuid4().hex[:6]}"
    w = Wizard(http, token)

    assert (await w.open())["step"] == "role"
    assert (await w.ok("role", role="partner"))["step"] == "setup_by"
    view = await w.ok("setup-by", who="me")
    assert view["step"] == "partner_org" and view["state"]["answers"]["partner_org_found"] is None
    assert (await w.ok("partner-org", decision="create", details=partner))["step"] == "customer_admin"
    assert (await w.ok("customer-admin", email=customer_admin))["step"] == "customer_org"
    assert (await w.ok("customer-org", decision="create", details=NEW_CUSTOMER))["step"] == "review"
    view = await w.ok("submit", confirm=True)
    assert view["step"] == "password"
    assert (await partner_orders.status(client, o.order_id)).status.value == "set_up"

    response = await w.post("password", password="s3cret-pass", password_confirmation="s3cret-pass")
    assert response.status_code == 200, response.text
    assert (await w.ok("subscription"))["step"] == "calling"
    assert (await w.ok("calling", **CALLING))["step"] == "meetings"
    assert (await w.ok("meetings", time_zone="Europe/Ljubljana"))["step"] == "company"
    available = await http.get(f"/api/setup/{token}/subdomain-availability", params={"subdomain": subdomain})
    assert available.json()["available"] is True
    assert (await w.ok("company", subdomain=subdomain))["step"] == "provision"
    view = await w.ok("provision")
    assert view["step"] == "done"

    final = await partner_orders.status(client, o.order_id)
    assert final.status.value == "provisioned"
    [partner_mail] = [
        m for m in await mail_to(mail_sink, o.provisioning_contact_email, 2) if "Provisioned" in m.subject
    ]
    assert subdomain in partner_mail.text
    [customer_mail] = await mail_to(mail_sink, customer_admin)
    assert "are active" in customer_mail.text
    async with workflow_db[1]() as session:
        setup = await session.get(OrderSetup, o.order_id)
        assert setup is not None and setup.partner_access
        customer_org = await session.get(Organization, setup.customer_org_id)
        assert customer_org is not None and customer_org.subdomain == subdomain and customer_org.country == "SI"
        assert (await session.get(OrgCredential, setup.partner_org_id)) is not None
        subscription = await session.get(Subscription, o.order_id)
        assert subscription is not None and subscription.status == "active"
        billed = (
            await session.execute(select(BillingRecord.service).where(BillingRecord.order_id == o.order_id))
        ).scalars()
        assert sorted(billed) == ["calling", "meetings"]
