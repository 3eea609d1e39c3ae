"""The Set Up Now wizard in a real browser: Debian's Chromium, driven by Playwright, from the e-mail's link to provisioned.

The app is served over real HTTP (uvicorn in the test's event loop) on a port of its own, and the Set Up Now link in
the mail points at it. The workflow runs on the time-skipping server with a worker of this test's own (its settings
carry that public base URL). Nothing awaits a workflow result or sleeps on the server, so no timer fires meanwhile.
"""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.async_api import Page, async_playwright, expect
from temporalio.testing import WorkflowEnvironment

from activities.registry import all_activities
from starter.mail_sink import MailSink
from starter.services import partner_orders
from starter.web.app import create_app
from starter.worker_host import build_worker
from store import SessionFactory
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, Problems, heading, needs_chromium, served_settings, serving
from tests.support import order
from tests.wizard_support import mail_to

pytestmark = needs_chromium


async def next_page(page: Page, button: str = "Next") -> None:
    await page.get_by_role("button", name=button, exact=True).click()


async def test_a_partner_goes_from_the_mail_link_to_provisioned_in_chromium(
    ts_env: WorkflowEnvironment,
    workflow_db: tuple[str, SessionFactory],
    mail_sink: MailSink,
    tmp_path: Path,
) -> None:
    tag = uuid.uuid4().hex[:8]
    queue = f"onramp-browser-{tag}"
    port, settings = served_settings(workflow_db[0], mail_sink, queue)
    app = create_app(settings, client=ts_env.client, sessions=workflow_db[1])
    # names and addresses of its own, so the organization finder finds nothing from other tests
    partner_name, customer_name = f"Partner {tag}", f"Customer {tag}"
    admin = f"admin-{tag}@customer-{tag}.example"
    subdomain = f"kranj-{tag}"
    today = (await ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date()
    o = order(
        today - timedelta(days=1),
        partner_name=partner_name,
        customer_name=customer_name,
        purchased_services=["meetings", "calling"],
    )
    contact = o.provisioning_contact_email

    worker = build_worker(ts_env.client, queue, all_activities(workflow_db[1], settings.mail_config()))
    async with worker, serving(app, port) as base_url:
        await partner_orders.start(ts_env.client, settings, o)
        [mail] = await mail_to(mail_sink, contact)
        [link] = [link for link in mail.links if "/setup/" in link]
        assert link.startswith(f"{base_url}/setup/")

        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
                page = await context.new_page()
                page.set_default_timeout(15_000)
                expect.set_options(timeout=15_000)  # assertions wait as long as actions do
                problems = Problems()
                problems.watch(page)

                # the link from the mail shows the order; its button opens the wizard
                response = await page.goto(link)
                assert response is not None and response.ok
                await heading(page, f"Set up order {o.order_id}")
                await page.get_by_role("button", name="Start the setup").click()
                await heading(page, "Choose your role")
                await expect(page.locator("#overall")).to_be_visible()  # the progress bar
                await expect(page.get_by_role("navigation", name="Setup progress")).to_contain_text(
                    "Provision and start billing"
                )

                # 2. role
                await page.get_by_label("I am a partner", exact=True).check()
                await next_page(page)

                # 3. who sets up
                await heading(page, "Who will set up the services?")
                await page.get_by_label("Yes, I will set up", exact=True).check()
                await next_page(page)

                # 4. partner organization: the first order, so create it (the name comes from the order)
                await heading(page, "Create your partner organization")
                await expect(page.get_by_label("Organization name", exact=True)).to_have_value(partner_name)
                await page.get_by_label("Street address", exact=True).fill("Slovenska 1")
                await page.get_by_label("Postal code", exact=True).fill("1000")
                await page.get_by_label("City", exact=True).fill("Ljubljana")
                await page.get_by_label("Country", exact=True).fill("SI")
                await next_page(page)

                # 5. customer administrator: the partner's own address is refused, next to the field
                await heading(page, "Customer administrator")
                email = page.get_by_label("Customer administrator's e-mail address", exact=True)
                await email.fill(contact)
                await next_page(page)
                await heading(page, "Customer administrator")
                refusal = page.locator("#email-error")
                await expect(refusal).to_be_visible()
                await expect(refusal).to_contain_text("one Webex organization only")
                await expect(email).to_have_value(contact)  # what was typed is kept
                await expect(email).to_have_attribute("aria-invalid", "true")
                await expect(email).to_have_accessible_description(re.compile("one Webex organization only"))
                field_box, error_box = await email.bounding_box(), await refusal.bounding_box()
                assert field_box is not None and error_box is not None
                assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 60  # right under the field
                await page.screenshot(path=tmp_path / "refused-customer-admin.png", full_page=True)
                await email.fill(admin)
                await next_page(page)

                # 6. customer organization: nothing found, so confirm a new one
                await heading(page, "Customer organization")
                await expect(page.get_by_text("We found no Webex organization for this customer")).to_be_visible()
                await expect(page.get_by_label("Organization name", exact=True)).to_have_value(customer_name)
                await page.get_by_label("Street address", exact=True).fill("Koroška 5")
                await page.get_by_label("Postal code", exact=True).fill("4000")
                await page.get_by_label("City", exact=True).fill("Kranj")
                await page.get_by_label("Country", exact=True).fill("SI")
                await next_page(page)

                # 7. review the customer and partner details, then submit
                await heading(page, "Review and submit")
                customer = page.locator("section", has=page.locator("#sum-customer"))
                await expect(customer).to_contain_text(f"{customer_name} (new)")
                await expect(customer).to_contain_text("Koroška 5, 4000 Kranj, SI")
                await expect(customer).to_contain_text(admin)
                partner = page.locator("section", has=page.locator("#sum-partner"))
                await expect(partner).to_contain_text(f"{partner_name} (new)")
                await expect(partner).to_contain_text("Slovenska 1, 1000 Ljubljana, SI")
                await expect(partner).to_contain_text(contact)
                await page.get_by_label("The customer and partner details are correct", exact=True).check()
                await next_page(page, "Submit")

                # 8. the new partner organization's password
                await heading(page, "Create your partner organization's password")
                await expect(page.locator("#page-notice")).to_contain_text("Your order has been set up successfully.")
                await page.get_by_label("New password", exact=True).fill("s3cret-pass")
                await page.get_by_label("Type the password again", exact=True).fill("s3cret-pass")
                await next_page(page, "Save")

                # 9. service setup
                await heading(page, "Subscription details")
                await expect(page.locator("ul.services")).to_contain_text("Webex Meetings")
                await expect(page.locator("ul.services")).to_contain_text("Webex Calling")
                await next_page(page)

                await heading(page, "Calling settings")
                await expect(page.locator("#calling-plan")).to_contain_text("Webex Calling Professional (Webex Suite)")
                await page.get_by_label("Webex Calling (cloud PSTN from Cisco)", exact=True).check()
                await page.get_by_label("Main location name", exact=True).fill("Headquarters")
                await page.get_by_label("Street address", exact=True).fill("Koroška 5")
                await page.get_by_label("Postal code", exact=True).fill("4000")
                await page.get_by_label("City", exact=True).fill("Kranj")
                await expect(page.get_by_label("Time zone", exact=True)).to_have_value("Europe/Ljubljana")
                await page.get_by_label("Default language", exact=True).select_option(label="Deutsch")
                await page.get_by_label("Emergency callback number", exact=True).fill("+386 1 234 5678")
                await page.get_by_label("Country", exact=True).select_option("")
                await next_page(page, "Save")
                # no country: refused next to its field, what was typed kept
                await heading(page, "Calling settings")
                await expect(page.locator("#country-error")).to_have_text(
                    "Enter the country of the calling location, e.g. SI for Slovenia."
                )
                await expect(page.get_by_label("Street address", exact=True)).to_have_value("Koroška 5")
                await page.get_by_label("Country", exact=True).select_option(label="Slovenia")
                await next_page(page, "Save")

                await heading(page, "Meeting settings")
                await expect(page.locator("#meeting-site")).to_contain_text("Webex Meetings")
                await page.get_by_label("Default language of meetings", exact=True).select_option(label="Slovenščina")
                await page.get_by_label("Computer audio only (VoIP)", exact=True).check()
                await expect(page.get_by_label("Time zone", exact=True)).to_have_value("Europe/Ljubljana")
                await page.get_by_label("Time zone", exact=True).select_option("Europe/Vienna")
                await page.get_by_label("Allow meetings to be recorded", exact=True).uncheck()
                await next_page(page, "Save")

                await heading(page, "Company settings")
                await page.get_by_label("Subdomain", exact=True).fill(subdomain)
                await page.get_by_role("button", name="Check availability").click()
                await expect(page.locator("#subdomain-availability")).to_have_text(f"'{subdomain}' is available.")
                await expect(page.get_by_label("Subdomain", exact=True)).to_have_value(subdomain)
                await next_page(page, "Save")

                # 10. provision and start billing
                await heading(page, "Provision and start billing")
                settings_list = page.locator("section", has=page.locator("#prov-settings"))
                await expect(settings_list).to_contain_text(subdomain)
                await expect(settings_list).to_contain_text(admin)
                calling = page.locator("#prov-calling-list")
                await expect(calling).to_contain_text("Webex Calling Professional (Webex Suite)")
                await expect(calling).to_contain_text("Koroška 5, 4000 Kranj, Slovenia")
                await expect(calling).to_contain_text("Deutsch")
                meetings = page.locator("#prov-meetings-list")
                await expect(meetings).to_contain_text(f"{subdomain}.webex.com")
                await expect(meetings).to_contain_text("Slovenščina")
                await expect(meetings).to_contain_text("Europe/Vienna")
                await expect(meetings).to_contain_text("Computer audio only (VoIP)")
                await expect(meetings).to_contain_text("not allowed")
                await page.screenshot(path=tmp_path / "provision.png", full_page=True)
                await page.get_by_role("button", name="Provision and start billing").click()

                await heading(page, "Your subscription is active")
                await expect(page.locator("#message")).to_have_text(
                    "Your subscription is active and billing has started."
                )
                await expect(page.locator("ul.services")).to_contain_text("Webex Calling")
                await expect(page.get_by_text(f"{subdomain}.webex.com")).to_be_visible()
                await expect(page.get_by_text(admin)).to_be_visible()
                await page.screenshot(path=tmp_path / "done.png", full_page=True)

                # the link has done its work
                await page.goto(link)
                await heading(page, "This link no longer works")
                assert problems == []
            finally:
                await browser.close()

        # what was stored, and the mails
        final = await partner_orders.status(ts_env.client, o.order_id)
        assert final.status.value == "provisioned"
        assert final.wizard.services.subdomain == subdomain
        provisioned = [m for m in await mail_to(mail_sink, contact, 2) if "Provisioned" in m.subject]
        assert len(provisioned) == 1 and subdomain in provisioned[0].text
        assert "Main location: Headquarters, Koroška 5, 4000 Kranj, SI" in provisioned[0].text
        assert "Default time zone: Europe/Vienna" in provisioned[0].text
        [customer_mail] = await mail_to(mail_sink, admin)
        assert "are active" in customer_mail.text
