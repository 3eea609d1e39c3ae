"""Calling and meeting settings a real service needs (issue 15, item 3; seeds 001/003 step 11): the calling
location's name, address, country, time zone and language with the calling plan from the order; the meeting site's
name from the subdomain, its default language and time zone, recording, and the meeting types purchased. Each is
validated (the API's 422 names the field, the page shows it next to the field), saved on the customer's
organization, shown on the subscription details and provisioning pages and in the provisioned mail."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.setup_wizard import SetupActivities
from models.languages import SupportedLanguage
from models.wizard import CallingStep, MeetingStep
from models.wizard_activities import ClaimSubdomain, SaveOrgSettings
from starter.mail_sink import MailSink
from starter.services import partner_orders
from starter.settings import Settings
from starter.web.partner_orders import wizard_choices
from store import SessionFactory
from store.tables import OrderSetup, Organization, OrgSettings
from tests.test_wizard_pages import browser, page, start
from tests.test_wizard_rules import assert_refusal
from tests.wizard_support import CALLING, NEW_CUSTOMER, NEW_PARTNER, Wizard, mail_to, order_awaiting_setup

SERVICES = ["meetings", "calling", "webinars"]
FLEX_PLAN = "Webex Calling Professional (Collaboration Flex Plan)"


@pytest.fixture
async def web(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with browser(app) as http:
        yield http


async def set_up(
    http: httpx.AsyncClient, client: Client, ts_env: WorkflowEnvironment, settings: Settings, sink: MailSink
) -> tuple[Any, str, Wizard]:
    """An A-FLEX order with meetings, calling and webinars, set up through the API with a new partner and a new
    customer organization, its partner password set: the wizard at the subscription details."""
    tag = uuid.uuid4().hex[:8]
    o, token = await order_awaiting_setup(
        client,
        ts_env,
        settings,
        sink,
        offer="A-FLEX",
        purchased_services=SERVICES,
        partner_name=f"Partner {tag}",
        customer_name=f"Customer {tag}",
    )
    w = Wizard(http, token)
    await w.open()
    await w.ok("role", role="partner")
    await w.ok("setup-by", who="me")
    await w.ok("partner-org", decision="create", details={**NEW_PARTNER, "name": f"Partner {tag}"})
    await w.ok("customer-admin", email=f"admin-{tag}@customer-{tag}.example")
    await w.ok("customer-org", decision="create", details={**NEW_CUSTOMER, "name": f"Customer {tag}"})
    await w.ok("submit", confirm=True)
    await w.ok("password", password="s3cret-pass", password_confirmation="s3cret-pass")
    return o, token, w


async def org_settings(sessions: SessionFactory, order_id: str) -> dict[str, dict[str, Any]]:
    """The customer organization's saved settings, by section."""
    async with sessions() as session:
        setup = await session.get(OrderSetup, order_id)
        assert setup is not None
        rows = (
            await session.get(OrgSettings, (setup.customer_org_id, "calling")),
            await session.get(OrgSettings, (setup.customer_org_id, "meetings")),
        )
        return {row.section: dict(row.values) for row in rows if row is not None}


# ---------------------------------------------------------------------------------------------- the API


async def test_the_api_refuses_each_broken_setting_naming_its_field(
    http: httpx.AsyncClient, client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    o, _, w = await set_up(http, client, ts_env, settings, mail_sink)
    await w.ok("subscription")

    without_street = {name: value for name, value in CALLING.items() if name != "street"}
    body = await w.refused("calling", 422, **without_street)
    assert_refusal(body, "InvalidStep", "Enter the street address of the calling location.", field="street")
    without_country = {name: value for name, value in CALLING.items() if name != "country"}
    body = await w.refused("calling", 422, **without_country)
    assert_refusal(body, "InvalidStep", "Enter the country of the calling location", field="country")
    body = await w.refused("calling", 422, **{**CALLING, "country": "XX"})
    assert body["error"] == "InvalidInput" and [f["field"] for f in body["fields"]] == ["country"], body
    assert "'XX' is not an ISO 3166 country code" in body["fields"][0]["message"]
    body = await w.refused("calling", 422, **{**CALLING, "time_zone": "Europe/Atlantis"})
    assert [f["field"] for f in body["fields"]] == ["time_zone"], body
    assert "not a known IANA time zone" in body["fields"][0]["message"]
    body = await w.refused("calling", 422, **{**CALLING, "default_language": "fr"})
    assert [f["field"] for f in body["fields"]] == ["default_language"], body
    body = await w.refused("calling", 422, **{**CALLING, "postal_code": "1" * 21})
    assert [f["field"] for f in body["fields"]] == ["postal_code"], body
    state = await partner_orders.status(client, o.order_id)
    assert state.wizard.services.calling is None and state.wizard.step.value == "calling"

    view = await w.ok("calling", **{**CALLING, "country": "si", "default_language": "de"})
    assert view["step"] == "meetings"
    calling = view["state"]["services"]["calling"]
    assert calling["country"] == "SI" and calling["time_zone"] is None  # the order's, below

    body = await w.refused("meetings", 422, time_zone="Europe/Ljubljana", default_language="fr")
    assert_refusal(body, "InvalidStep", "Meetings cannot default to 'fr'", field="default_language")
    body = await w.refused("meetings", 422, time_zone="Nowhere/Town")
    assert [f["field"] for f in body["fields"]] == ["time_zone"], body
    assert (await w.ok("meetings", time_zone="Europe/Vienna", default_language="zh-Hant"))["step"] == "company"


# ---------------------------------------------------------------------------------------------- the pages


async def test_settings_are_saved_on_the_customer_org_shown_on_the_pages_and_mailed(
    http: httpx.AsyncClient,
    web: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    o, token, _ = await set_up(http, client, ts_env, settings, mail_sink)
    url = f"/setup/{token}"
    subdomain = f"flex-{uuid.uuid4().hex[:8]}"

    # the subscription details: what the order decides, the settings not set yet
    p = await page(await start(web, url))
    assert p.heading == "Subscription details"
    assert FLEX_PLAN in p.text("sub-calling-list") and "not set yet" in p.text("sub-calling-list")
    assert "Webex Meetings, Webex Webinars" in p.text("sub-meetings-list")

    # calling: the plan shown, the address of the organization just created offered first
    p = await page(await web.post(f"{url}/subscription", data={}))
    assert p.heading == "Calling settings" and FLEX_PLAN in p.text("calling-plan")
    assert p.value("street") == NEW_CUSTOMER["address"] and p.selected("country") == "SI"
    assert p.selected("time_zone") == "Europe/Ljubljana" and p.selected("default_language") == "en"
    form = {**CALLING, "location_name": "Kranj office", "default_language": "de", "time_zone": "Europe/Ljubljana"}
    p = await page(await web.post(f"{url}/calling", data={**form, "country": "XX"}), 422)
    assert p.text("country-error") == "'XX' is not an ISO 3166 country code: use the two letters, e.g. SI for Slovenia."
    p = await page(await web.post(f"{url}/calling", data={**form, "city": " "}), 422)
    assert p.text("city-error") == "Enter the city of the calling location."
    assert p.value("location_name") == "Kranj office" and p.selected("default_language") == "de"
    p = await page(await web.post(f"{url}/calling", data=form))

    # meetings: the site name waits for the subdomain, the meeting types are the order's
    assert p.heading == "Meeting settings"
    assert "your subdomain (Company settings) followed by .webex.com" in p.text("meeting-site")
    assert "Webex Meetings, Webex Webinars" in p.text("meeting-site")
    meetings = {"default_language": "sl", "audio": "voip_only", "time_zone": "Europe/Vienna"}  # recording off
    p = await page(await web.post(f"{url}/meetings", data=meetings))
    assert p.heading == "Company settings"

    saved = await org_settings(workflow_db[1], o.order_id)
    assert saved["calling"] == {
        "plan": FLEX_PLAN,
        "calling_option": "webex_calling",
        "location_name": "Kranj office",
        "street": "Koroška 5",
        "postal_code": "4000",
        "city": "Kranj",
        "country": "SI",
        "time_zone": "Europe/Ljubljana",
        "default_language": "de",
        "emergency_callback_number": "+386 1 234 5678",
    }
    assert saved["meetings"] == {
        "site_name": None,
        "meeting_types": ["Webex Meetings", "Webex Webinars"],
        "default_language": "sl",
        "time_zone": "Europe/Vienna",
        "recording": False,
        "audio": "voip_only",
    }

    # the subdomain names the site, on the organization's saved meeting settings too
    p = await page(await web.post(f"{url}/company", data={"subdomain": subdomain, "action": "save"}))
    assert p.heading == "Provision and start billing"
    assert (await org_settings(workflow_db[1], o.order_id))["meetings"]["site_name"] == f"{subdomain}.webex.com"
    calling_list, meetings_list = p.text("prov-calling-list"), p.text("prov-meetings-list")
    assert "Kranj office" in calling_list and "Koroška 5, 4000 Kranj, Slovenia" in calling_list
    assert "Deutsch" in calling_list and "Europe/Ljubljana" in calling_list
    assert f"{subdomain}.webex.com" in meetings_list and "Slovenščina" in meetings_list
    assert "Europe/Vienna" in meetings_list and "not allowed" in meetings_list

    # the subscription details, visited again, show what was saved
    p = await page(await web.get(url, params={"step": "subscription"}))
    assert "Koroška 5, 4000 Kranj, Slovenia" in p.text("sub-calling-list")
    assert f"{subdomain}.webex.com" in p.text("sub-meetings-list") and "not set yet" not in p.text()

    p = await page(await web.post(f"{url}/provision", data={}))
    assert p.heading == "Your subscription is active"
    [mail] = [m for m in await mail_to(mail_sink, o.provisioning_contact_email, 2) if "Provisioned" in m.subject]
    for line in (
        f"Calling plan: {FLEX_PLAN}",
        "Main location: Kranj office, Koroška 5, 4000 Kranj, SI",
        "Time zone: Europe/Ljubljana",
        "Default language: Deutsch",
        "Phone network: Webex Calling (cloud PSTN from Cisco)",
        "Emergency callback number: +386 1 234 5678",
        f"Site name: {subdomain}.webex.com",
        "Meeting types: Webex Meetings, Webex Webinars",
        "Default language: Slovenščina",
        "Default time zone: Europe/Vienna",
        "Recording: not allowed",
        "Audio: computer audio only (VoIP)",
    ):
        assert line in mail.text, line
    assert "Kranj office" in mail.html and "Europe/Vienna" in mail.html
    state = await partner_orders.status(client, o.order_id)
    [customer_mail] = await mail_to(
        mail_sink, str(state.wizard.setup.customer_admin_email if state.wizard.setup else "")
    )
    assert f"Site name: {subdomain}.webex.com" in customer_mail.text and "Kranj office" in customer_mail.text


# ---------------------------------------------------------------------------------------------- both databases


async def test_the_settings_rows_are_written_and_named_on_either_database(sessions: SessionFactory) -> None:
    """The activities the workflow runs: a section upserted once per organization, and the site name filled in
    on the meeting settings when the subdomain comes after them."""
    org_id = str(uuid.uuid4())
    async with sessions.begin() as session:
        session.add(Organization(id=org_id, kind="customer", name=f"Org {org_id[:8]}", created_at=datetime.now(UTC)))
    activities = SetupActivities(sessions)
    meetings = {"site_name": None, "meeting_types": ["Webex Meetings"], "default_language": "de", "recording": True}
    calling = {"plan": FLEX_PLAN, "street": "Koroška 5", "country": "SI", "time_zone": "Europe/Ljubljana"}
    await activities.save_org_settings(SaveOrgSettings(order_id="T-1", org_id=org_id, section="calling", values={}))
    await activities.save_org_settings(
        SaveOrgSettings(order_id="T-1", org_id=org_id, section="calling", values=calling)
    )
    await activities.save_org_settings(
        SaveOrgSettings(order_id="T-1", org_id=org_id, section="meetings", values=meetings)
    )
    subdomain = f"org-{org_id[:8]}"
    await activities.claim_subdomain(ClaimSubdomain(org_id=org_id, subdomain=subdomain))

    async with sessions() as session:
        saved_calling = await session.get(OrgSettings, (org_id, "calling"))
        saved_meetings = await session.get(OrgSettings, (org_id, "meetings"))
        org = await session.get(Organization, org_id)
    assert saved_calling is not None and saved_calling.values == calling
    assert saved_meetings is not None and saved_meetings.values == {**meetings, "site_name": f"{subdomain}.webex.com"}
    assert org is not None and org.subdomain == subdomain


# ---------------------------------------------------------------------------------------------- old payloads


def test_steps_saved_before_the_new_fields_still_load() -> None:
    """A calling step in a history from before the address (and meeting languages since retired or renamed)."""
    old = CallingStep.model_validate(
        {
            "session_id": "s" * 12,
            "calling_option": "webex_calling",
            "location_name": "HQ",
            "emergency_callback_number": "+386 1 234 5678",
        }
    )
    assert old.street is None and old.country is None and old.time_zone is None
    assert old.default_language is SupportedLanguage.ENGLISH
    renamed = MeetingStep.model_validate({"session_id": "s" * 12, "time_zone": "UTC", "default_language": "zh-TW"})
    assert renamed.default_language is SupportedLanguage.TRADITIONAL_CHINESE
    retired = MeetingStep.model_validate({"session_id": "s" * 12, "time_zone": "UTC", "default_language": "fr"})
    assert retired.default_language == "fr"


def test_a_zone_the_list_leaves_out_is_still_offered_when_it_is_the_one_set() -> None:
    """An order in US/Eastern (an alias the pages' list leaves out) shows US/Eastern, not the list's first zone."""
    zones = [value for value, _ in wizard_choices.time_zones("US/Eastern", None, "Europe/Vienna")]
    assert zones[0] == "US/Eastern" and zones.count("Europe/Vienna") == 1
    assert ("America/New_York", "America/New York") in wizard_choices.time_zones()
