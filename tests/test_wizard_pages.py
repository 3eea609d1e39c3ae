"""The Set Up Now wizard as web pages: what a person sees on each page, posting the forms as a browser does."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.partner_order import PartnerOrderInput
from starter.mail_sink import MailSink
from starter.services import partner_orders
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from store.tables import Organization
from tests.support import free_port, with_csrf
from tests.wizard_support import CALLING, NEW_CUSTOMER, NEW_PARTNER, mail_to, order_awaiting_setup, token_of

INLINE = frozenset({"a", "abbr", "b", "code", "em", "i", "span", "strong"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})


class Html(HTMLParser):
    """A page as a person reads it: text (unescaped), text by element id, form controls."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.raw = text
        self._open: list[tuple[str, dict[str, str | None]]] = []
        self._by_id: dict[str, list[str]] = {}
        self._texts: list[str] = []
        self.controls: list[dict[str, str | None]] = []
        self.selections: dict[str, str | None] = {}  # each select's chosen option
        self._select: str | None = None
        self.steps: list[tuple[str, str]] = []  # (progress title, done | current | todo)
        self._step: str | None = None
        self._step_text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self._separate(tag)
        if tag in ("input", "select", "button", "textarea"):
            self.controls.append({"tag": tag, **attributes})
        if tag == "select":
            self._select = attributes.get("name")
        if tag == "option" and "selected" in attributes and self._select is not None:
            self.selections[self._select] = attributes.get("value")
        if tag in VOID:
            return
        self._open.append((tag, attributes))
        classes = (attributes.get("class") or "").split()
        if tag == "li" and "step" in classes:
            self._step = next(c for c in classes if c != "step").removeprefix("step-")
            self._step_text = []
        if attributes.get("id"):
            self._by_id.setdefault(str(attributes["id"]), [])

    def _separate(self, tag: str) -> None:
        """Blocks are apart as on screen; inline elements run on with their text."""
        if tag not in INLINE:
            self._texts.append(" ")
            for _, attributes in self._open:
                if attributes.get("id"):
                    self._by_id[str(attributes["id"])].append(" ")

    def handle_endtag(self, tag: str) -> None:
        self._separate(tag)
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                if tag == "li" and self._step is not None:
                    self.steps.append((" ".join("".join(self._step_text).split()), self._step))
                    self._step = None
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        self._texts.append(data)
        for _, attributes in self._open:
            if attributes.get("id"):
                self._by_id[str(attributes["id"])].append(data)
        innermost = (self._open[-1][1].get("class") or "").split() if self._open else []
        if self._step is not None and not {"marker", "visually-hidden"} & set(innermost):
            self._step_text.append(data)

    def text(self, element_id: str | None = None) -> str:
        parts = self._texts if element_id is None else self._by_id.get(element_id, [])
        return " ".join("".join(parts).split())

    @property
    def heading(self) -> str:
        return self.text("heading")

    def value(self, name: str) -> str | None:
        for control in self.controls:
            if control.get("name") == name and control.get("type") not in ("radio", "checkbox", "hidden"):
                return control.get("value")
        return None

    def selected(self, name: str) -> str | None:
        return self.selections.get(name)

    def checked(self, name: str) -> str | None:
        for control in self.controls:
            if control.get("name") == name and control.get("type") == "radio" and "checked" in control:
                return control.get("value")
        return None

    def progress(self) -> dict[str, str]:
        return dict(self.steps)


@pytest.fixture
def app(client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory]) -> FastAPI:
    return create_app(settings, client=client, sessions=workflow_db[1])


def browser(app: FastAPI) -> httpx.AsyncClient:
    """One browser: its own cookies, following redirects as a browser does."""
    return with_csrf(
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test", follow_redirects=True)
    )


@pytest.fixture
async def web(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with browser(app) as http:
        yield http


async def new_order(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink, **overrides: Any
) -> tuple[PartnerOrderInput, str, str]:
    """An order with names of its own (so the organization finder finds nothing unless a test says so)."""
    tag = uuid.uuid4().hex[:8]
    values: dict[str, Any] = {"partner_name": f"Partner {tag}", "customer_name": f"Customer {tag}", **overrides}
    o, token = await order_awaiting_setup(client, ts_env, settings, mail_sink, **values)
    return o, token, tag


async def page(response: httpx.Response, status: int = 200) -> Html:
    assert response.status_code == status, f"{response.status_code}: {response.text[:2000]}"
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text
    return Html(response.text)


async def add_org(sessions: SessionFactory, kind: str, name: str, **values: Any) -> str:
    org_id = str(uuid.uuid4())
    async with sessions.begin() as session:
        session.add(Organization(id=org_id, kind=kind, name=name, created_at=datetime.now(UTC), **values))
    return org_id


async def start(web: httpx.AsyncClient, url: str) -> httpx.Response:
    """Open the link (a GET, which opens nothing) and press "Start the setup" (which opens the wizard session)."""
    shown = await page(await web.get(url))
    assert shown.heading.startswith("Set up order ") and "Start the setup" in shown.text()
    return await web.post(f"{url}/open", data={})


async def status_of(client: Client, o: PartnerOrderInput) -> str:
    return (await partner_orders.status(client, o.order_id)).status.value


# ---------------------------------------------------------------------------------------------- the partner's path


async def test_a_partner_sets_up_and_provisions_through_the_pages(
    web: httpx.AsyncClient, client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    o, token, tag = await new_order(client, ts_env, settings, mail_sink, purchased_services=["meetings", "calling"])
    url = f"/setup/{token}"

    # 1. opening the link shows the order and opens nothing (a mail scanner's GET spends no Update) ...
    opened = await web.get(url)
    assert "onramp_wizard" not in opened.headers.get("set-cookie", "")
    assert (await partner_orders.status(client, o.order_id)).wizard.session is None
    assert f"Set up order {o.order_id}" in opened.text and "Start the setup" in opened.text
    # ... its button opens a session: a cookie only this link's pages get, not readable by scripts
    response = await web.post(f"{url}/open", data={})
    p = await page(response)
    cookie = next(c for c in response.history[0].headers.get_list("set-cookie") if "onramp_wizard" in c).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and f"path=/setup/{token}".lower() in cookie
    assert '<html lang="en">' in response.text and "/static/onramp.css" in response.text
    assert p.heading == "Choose your role"
    assert "Choose I am a partner as your role and click Next." in p.text()
    assert "Order setup" in p.text() and "Service setup" in p.text()
    assert p.progress() == {
        "Your role": "current",
        "Who sets up": "todo",
        "Partner organization": "todo",
        "Customer administrator": "todo",
        "Customer organization": "todo",
        "Review and submit": "todo",
        "Partner password": "todo",
        "Subscription details": "todo",
        "Calling settings": "todo",
        "Meeting settings": "todo",
        "Company settings": "todo",
        "Provision and start billing": "todo",
    }
    assert p.checked("role") == "partner"
    assert (await web.get("/static/onramp.css")).status_code == 200

    # 2. role
    response = await web.post(f"{url}/role", data={"role": "partner"})
    p = await page(response)
    assert [r.status_code for r in response.history] == [303]
    assert p.heading == "Who will set up the services?"
    text = p.text()
    assert "Another person in my company will set up" in text
    assert "they get their own Set Up Now link" in text
    assert "partners will not have access to manage the customer's organization" in text
    assert p.progress()["Your role"] == "done" and p.progress()["Who sets up"] == "current"

    # 3. who sets up: handing over without an address is refused next to the address field
    p = await page(await web.post(f"{url}/setup-by", data={"who": "colleague", "email": ""}), 422)
    assert p.text("email-error") == "Enter your colleague's e-mail address."
    assert p.checked("who") == "colleague"
    p = await page(await web.post(f"{url}/setup-by", data={"who": "me", "email": ""}))

    # 4. partner organization: first order, so create it; the name comes from the order
    assert p.heading == "Create your partner organization"
    assert "This is your first order: add the details to create your Webex partner organization" in p.text()
    assert p.value("name") == f"Partner {tag}"
    bad = {"decision": "create", "name": f"Partner {tag}", "country": "Slovenia", "address": " ", "city": "Ljubljana"}
    p = await page(await web.post(f"{url}/partner-org", data=bad), 422)
    assert p.text("country-error") == "Enter the two-letter country code, e.g. SI."
    assert p.text("address-error") == "Please fill in this field."
    assert p.text("postal_code-error") == "Please fill in this field."
    assert p.text("name-error") == "" and p.value("city") == "Ljubljana" and p.value("country") == "Slovenia"
    partner = {**NEW_PARTNER, "name": f"Partner {tag}"}
    p = await page(await web.post(f"{url}/partner-org", data={"decision": "create", **partner}))

    # 5. customer administrator
    assert p.heading == "Customer administrator"
    assert "A user can belong to one Webex organization only." in p.text()
    assert p.progress()["Partner organization"] == "done"
    # Back shows the earlier page with what was entered; a later page cannot be jumped to
    p = await page(await web.get(f"{url}?step=partner_org"))
    assert p.heading == "Create your partner organization" and p.value("city") == "Ljubljana"
    assert "You went back to an earlier page" in p.text("page-notice")
    p = await page(await web.get(f"{url}?step=review"))
    assert p.heading == "Customer administrator"
    # the partner's own address is refused, with the reason next to the field and the value kept
    response = await web.post(f"{url}/customer-admin", data={"email": o.provisioning_contact_email})
    p = await page(response, 422)
    assert "That is your own address" in p.text("email-error")
    assert "a user can belong to one Webex organization only" in p.text("email-error")
    assert p.value("email") == o.provisioning_contact_email
    admin = f"admin-{tag}@customer-{tag}.example"
    p = await page(await web.post(f"{url}/customer-admin", data={"email": admin}))

    # 6. customer organization: nothing found, so confirm a new one (prefilled with the order's customer)
    assert p.heading == "Customer organization"
    assert "If this is a new Webex organization, confirm the customer's details." in p.text()
    assert "We found no Webex organization for this customer" in p.text()
    assert p.value("name") == f"Customer {tag}"
    customer = {**NEW_CUSTOMER, "name": f"Customer {tag}"}
    p = await page(await web.post(f"{url}/customer-org", data={"choice": "create", **customer}))

    # 7. review and submit
    assert p.heading == "Review and submit"
    text = p.text()
    for expected in (f"Customer {tag} (new)", admin, f"Partner {tag} (new)", o.order_id, "Webex Calling", "Koroška 5"):
        assert expected in text
    p = await page(await web.post(f"{url}/submit", data={}), 422)
    assert p.text("confirm-error") == "Tick the box to confirm that the details are correct."
    p = await page(await web.post(f"{url}/submit", data={"confirm": "on"}))
    assert await status_of(client, o) == "set_up"

    # 8. the new partner organization's password: checked, never shown back
    assert p.heading == "Create your partner organization's password"
    assert "Your order has been set up successfully." in p.text("page-notice")
    assert all(p.progress()[title] == "done" for title in ("Your role", "Review and submit"))
    response = await web.post(
        f"{url}/password", data={"password": "s3cret-pass", "password_confirmation": "s3cret-pazz"}
    )
    p = await page(response, 422)
    assert p.text("password_confirmation-error") == "The two passwords are not the same."
    assert "s3cret" not in response.text
    p = await page(await web.post(f"{url}/password", data={"password": "short", "password_confirmation": "short"}), 422)
    assert "at least 8 characters" in p.text("password-error")
    p = await page(
        await web.post(f"{url}/password", data={"password": "s3cret-pass", "password_confirmation": "s3cret-pass"})
    )

    # 9. service setup
    assert p.heading == "Subscription details"
    assert "Webex Meetings" in p.text() and "Webex Calling" in p.text()
    assert p.progress()["Partner password"] == "done"
    p = await page(await web.post(f"{url}/subscription", data={}))
    assert p.heading == "Calling settings"
    calling = {**CALLING, "emergency_callback_number": "01 234 5678"}
    p = await page(await web.post(f"{url}/calling", data=calling), 422)
    assert p.text("emergency_callback_number-error").startswith("Use the international format")
    assert p.value("location_name") == "HQ"
    p = await page(await web.post(f"{url}/calling", data={**calling, "emergency_callback_number": "+386 1 234 5678"}))
    assert p.heading == "Meeting settings" and p.selected("time_zone") == "Europe/Ljubljana"
    meetings = {"default_language": "sl", "audio": "webex_audio", "time_zone": "Europe/Ljubljana", "recording": "on"}
    p = await page(await web.post(f"{url}/meetings", data=meetings))
    assert p.heading == "Company settings"
    assert "click Check availability, and then click Save" in p.text()
    subdomain = f"kranj-{tag}"
    p = await page(await web.post(f"{url}/company", data={"subdomain": subdomain, "action": "check"}))
    assert p.heading == "Company settings" and p.text("subdomain-availability") == f"'{subdomain}' is available."
    assert p.value("subdomain") == subdomain
    assert (await partner_orders.status(client, o.order_id)).wizard.services.subdomain is None  # not saved yet
    p = await page(await web.post(f"{url}/company", data={"subdomain": "www", "action": "check"}))
    assert "reserved" in p.text("subdomain-availability")
    p = await page(await web.post(f"{url}/company", data={"subdomain": f"Kranj-{tag}", "action": "save"}))

    # 10. provision and start billing
    assert p.heading == "Provision and start billing"
    assert subdomain in p.text() and "Billing starts for all the services you purchased." in p.text()
    assert p.progress()["Company settings"] == "done" and p.progress()["Provision and start billing"] == "current"
    p = await page(await web.post(f"{url}/provision", data={}))
    assert p.heading == "Your subscription is active"
    assert "Your subscription is active and billing has started." in p.text()
    assert "Webex Calling" in p.text() and admin in p.text()
    assert await status_of(client, o) == "provisioned"

    # the link has done its work
    p = await page(await web.get(url), 404)
    assert p.heading == "This link no longer works"


# ---------------------------------------------------------------------------------------------- other paths


async def test_an_existing_partner_org_and_customer_org_are_reviewed_and_exit_keeps_nothing(
    web: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    o, token, tag = await new_order(client, ts_env, settings, mail_sink)
    partner_org = await add_org(workflow_db[1], "partner", f"Partner {tag}", country="SI", city="Ljubljana")
    customer_org = await add_org(
        workflow_db[1], "customer", f"Customer {tag}", country="SI", city="Kranj", admin_email=f"boss@{tag}.example"
    )
    url = f"/setup/{token}"
    await page(await start(web, url))
    await page(await web.post(f"{url}/role", data={"role": "partner"}))
    p = await page(await web.post(f"{url}/setup-by", data={"who": "me"}))

    assert p.heading == "Review your partner organization"
    assert f"Partner {tag}" in p.text("found-name")
    assert "It has your company's name as on the order" in p.text()
    assert "If you don't recognise the organization, contact your Cisco account representative" in p.text()
    assert "I don't recognise this organization" in p.text()
    p = await page(await web.post(f"{url}/partner-org", data={"decision": "use_existing", "org_id": partner_org}))
    p = await page(await web.post(f"{url}/customer-admin", data={"email": f"it@{tag}.example"}))

    assert p.heading == "Customer organization"
    assert f"Customer {tag} (Kranj, SI)" in p.text()
    assert f"It has the same company name as the order (Customer {tag})." in p.text()
    assert "Create a new organization" in p.text() and "I don't recognise any of these" in p.text()
    p = await page(await web.post(f"{url}/customer-org", data={"name": "x"}), 422)
    assert p.text("choice-error") == "Choose one of the options."
    p = await page(await web.post(f"{url}/customer-org", data={"choice": customer_org}))
    assert p.heading == "Review and submit"
    assert f"Customer {tag} (existing)" in p.text() and f"Partner {tag} (existing)" in p.text()

    # Exit before the submit: nothing is kept, the link starts over
    p = await page(await web.post(f"{url}/leave"))
    assert p.heading == "You left the setup"
    assert "Nothing was saved" in p.text()
    state = await partner_orders.status(client, o.order_id)
    assert state.status.value == "awaiting_setup" and state.wizard.session is None
    p = await page(await start(web, url))
    assert p.heading == "Choose your role"
    assert (await partner_orders.status(client, o.order_id)).wizard.answers.customer_admin_email is None


async def test_not_recognising_the_partner_org_stops_the_setup(
    web: httpx.AsyncClient,
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    o, token, tag = await new_order(client, ts_env, settings, mail_sink)
    await add_org(workflow_db[1], "partner", f"Partner {tag}")
    url = f"/setup/{token}"
    await page(await start(web, url))
    await page(await web.post(f"{url}/role", data={"role": "partner"}))
    await page(await web.post(f"{url}/setup-by", data={"who": "me"}))
    p = await page(await web.post(f"{url}/partner-org", data={"decision": "not_recognised"}))
    assert p.heading == "The setup has stopped"
    assert "contact your Cisco account representative" in p.text()
    assert o.account_representative_email in p.text()
    assert await status_of(client, o) == "halted"
    assert (await page(await web.get(url), 404)).heading == "This link no longer works"


async def test_handing_over_to_a_colleague_ends_this_link(
    web: httpx.AsyncClient, client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    o, token, tag = await new_order(client, ts_env, settings, mail_sink)
    url = f"/setup/{token}"
    colleague = f"colleague-{tag}@partner.example"
    await page(await start(web, url))
    await page(await web.post(f"{url}/role", data={"role": "partner"}))
    p = await page(await web.post(f"{url}/setup-by", data={"who": "colleague", "email": colleague}))
    assert p.heading == "The setup was handed over"
    assert f"We sent a Set Up Now link to {colleague}. Your link no longer works." in p.text()
    assert (await partner_orders.status(client, o.order_id)).wizard.setup_by_email == colleague
    assert (await page(await web.get(url), 404)).heading == "This link no longer works"
    [mail] = await mail_to(mail_sink, colleague)
    p = await page(await start(web, f"/setup/{token_of(mail)}"))
    assert p.heading == "Choose your role"


async def test_the_customers_path_on_a_customer_link(
    web: httpx.AsyncClient, client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    o, token, tag = await new_order(client, ts_env, settings, mail_sink)
    url = f"/setup/{token}"
    admin = f"admin-{tag}@customer-{tag}.example"
    await page(await start(web, url))
    await page(await web.post(f"{url}/role", data={"role": "partner"}))
    p = await page(await web.post(f"{url}/setup-by", data={"who": "customer", "email": admin}))
    assert p.heading == "The setup was handed over"
    assert "only the customer can manage the customer's organization" in p.text()
    assert (await partner_orders.status(client, o.order_id)).wizard.partner_access is False

    [mail] = await mail_to(mail_sink, admin)
    customer_url = f"/setup/{token_of(mail)}"
    p = await page(await start(web, customer_url))
    assert p.heading == "Choose your role" and p.checked("role") == "customer"
    assert list(p.progress())[:3] == ["Your role", "Customer organization", "Review and submit"]
    assert "Partner password" not in p.progress()
    p = await page(await web.post(f"{customer_url}/role", data={"role": "partner"}), 422)
    assert "continue as the customer" in p.text("role-error")
    p = await page(await web.post(f"{customer_url}/role", data={"role": "customer"}))
    assert p.heading == "Customer organization"
    p = await page(await web.post(f"{customer_url}/customer-org", data={"choice": "create", **NEW_CUSTOMER}))
    assert p.heading == "Review and submit" and f"Partner {tag}" in p.text() and admin in p.text()
    assert "Kranj Logistics (new)" in p.text()


# ---------------------------------------------------------------------------------------------- errors


async def test_an_invalid_link_is_a_friendly_404_page(web: httpx.AsyncClient) -> None:
    for url in ("/setup/not-a-real-token-0123456789", "/setup/nope/role"):
        response = await (web.get(url) if url.count("/") == 2 else web.post(url, data={"role": "partner"}))
        p = await page(response, 404)
        assert p.heading == "This link no longer works"
        assert "Ask your Cisco account representative to resend the Set Up Now e-mail." in p.text()
        assert "Exception" not in response.text and "LinkInvalid" not in response.text


async def test_a_second_tab_takes_over_and_the_first_is_told(
    app: FastAPI, client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    _, token, _ = await new_order(client, ts_env, settings, mail_sink)
    url = f"/setup/{token}"
    async with browser(app) as first, browser(app) as second:
        await page(await start(first, url))
        await page(await start(second, url))
        response = await first.post(f"{url}/role", data={"role": "partner"})
        p = await page(response, 409)
        assert "This wizard was opened again in another window or tab." in p.text("message")
        assert "Start again here" in p.text()
        # the second tab goes on undisturbed
        p = await page(await second.post(f"{url}/role", data={"role": "partner"}))
        assert p.heading == "Who will set up the services?"
        # a stale page posting a step that is not open: the wizard's current page, with the reason
        p = await page(await second.post(f"{url}/company", data={"subdomain": "abc-def", "action": "save"}), 409)
        assert p.heading == "Who will set up the services?"
        assert "comes after the order is set up" in p.text("page-error")


async def test_no_session_cookie_and_an_unknown_page(
    app: FastAPI, client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    _, token, _ = await new_order(client, ts_env, settings, mail_sink)
    async with browser(app) as web:
        p = await page(await web.post(f"/setup/{token}/role", data={"role": "partner"}), 409)
        assert "Open the link again" in p.text("message")
        p = await page(await web.post(f"/setup/{token}/nothing-here", data={}), 404)
        assert p.heading == "There is no such page"


async def test_temporal_unreachable_is_a_friendly_503_page(
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    mail_sink: MailSink,
    workflow_db: tuple[str, SessionFactory],
) -> None:
    _, token, _ = await new_order(client, ts_env, settings, mail_sink)
    offline = settings.model_copy(update={"temporal_address": f"127.0.0.1:{free_port()}"})
    app = create_app(offline, client=None, sessions=workflow_db[1])
    async with browser(app) as web:
        p = await page(await web.get(f"/setup/{token}"), 503)
        assert p.heading == "The setup is unavailable right now"
        assert "try again in a few minutes" in p.text()
