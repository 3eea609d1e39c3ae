"""The alias path of the Set Up Now wizard in a real browser (seeds 001/003): the Set Up Now e-mail went to an
alias; its reader continues as themselves on the link's first page, gets a link of their own, and the alias's link
no longer opens the order. Served as tests/test_wizard_browser.py serves the wizard."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.async_api import async_playwright, expect
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


async def test_an_alias_reader_continues_as_themselves_in_chromium(
    ts_env: WorkflowEnvironment,
    workflow_db: tuple[str, SessionFactory],
    mail_sink: MailSink,
    tmp_path: Path,
) -> None:
    tag = uuid.uuid4().hex[:8]
    queue = f"onramp-browser-{tag}"
    port, settings = served_settings(workflow_db[0], mail_sink, queue)
    app = create_app(settings, client=ts_env.client, sessions=workflow_db[1])
    today = (await ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date()
    alias = f"provisioning-{tag}@partner.example"
    me = f"maja-{tag}@partner.example"
    o = order(today - timedelta(days=1), provisioning_contact_email=alias, partner_name=f"Partner {tag}")

    worker = build_worker(ts_env.client, queue, all_activities(workflow_db[1], settings.mail_config()))
    async with worker, serving(app, port):
        await partner_orders.start(ts_env.client, settings, o)
        [alias_mail] = await mail_to(mail_sink, alias)
        [alias_link] = [link for link in alias_mail.links if "/setup/" in link]

        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
                page = await context.new_page()
                page.set_default_timeout(15_000)
                expect.set_options(timeout=15_000)
                problems = Problems()
                problems.watch(page)

                await page.goto(alias_link)
                await heading(page, f"Set up order {o.order_id}")
                await expect(page.get_by_text(alias).first).to_be_visible()
                own = page.get_by_label("Your own e-mail address", exact=True)

                # the alias itself is refused, next to the field, with what was typed kept
                await own.fill(alias)
                await page.get_by_role("button", name="Send me my own link").click()
                await heading(page, f"Set up order {o.order_id}")
                refusal = page.locator("#email-error")
                await expect(refusal).to_contain_text("That is the address this link was sent to")
                await expect(own).to_have_value(alias)
                await expect(own).to_have_attribute("aria-invalid", "true")

                await own.fill(me)
                await page.get_by_role("button", name="Send me my own link").click()
                await heading(page, "Your own link is on its way")
                await expect(page.get_by_text(f"We sent a Set Up Now link to {me}.")).to_be_visible()
                await page.screenshot(path=tmp_path / "own-link-sent.png", full_page=True)

                # the alias's link no longer works; the person's own link opens the wizard as them
                await page.goto(alias_link)
                await heading(page, "This link no longer works")
                [own_mail] = await mail_to(mail_sink, me)
                [own_link] = [link for link in own_mail.links if "/setup/" in link]
                await page.goto(own_link)
                await heading(page, f"Set up order {o.order_id}")
                await page.get_by_role("button", name="Start the setup").click()
                await heading(page, "Choose your role")
                assert problems == []
            finally:
                await browser.close()

        # what the order recorded (asked while this test's worker still runs)
        state = await partner_orders.status(ts_env.client, o.order_id)
        assert state.provisioning_contact_email == me and state.provisioning_alias == alias
        assert state.wizard.session is not None and state.wizard.session.email == me
        assert any(alias in entry.text and me in entry.text for entry in state.timeline)
        assert len(mail_sink.to(alias)) == 1
        # this test's worker goes with it: the order, whose timers would fire on its queue with nobody polling and
        # hold the session's time-skipping server still, ends here
        await ts_env.client.get_workflow_handle(o.workflow_id).terminate("the browser test is over")
