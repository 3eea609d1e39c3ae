"""Chromium: an operator signs in to the console with their API key, finds an escalated partner order in its queue,
opens it and resends the Set Up Now e-mail, which arrives at the SMTP sink with a fresh link. On Temporal's dev
server (the queue is a visibility query, which the time-skipping server does not answer)."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import async_playwright, expect
from temporalio.testing import WorkflowEnvironment

from starter.mail_sink import MailSink
from starter.services import partner_orders
from starter.services.callers import Scope
from starter.services.console_queues import Queue
from starter.settings import Settings
from store import SessionFactory
from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Problems,
    click,
    fill,
    heading,
    language_page,
    needs_chromium,
    serving,
)
from tests.console_support import console_stack, partner_order, shown
from tests.support import free_port, make_settings, operator_key
from tests.wizard_support import mail_to

pytestmark = needs_chromium


async def test_an_operator_resends_an_escalated_orders_mail_from_the_console_in_chromium(
    dev_env: WorkflowEnvironment, database_url: str, sessions: SessionFactory, mail_sink: MailSink, tmp_path: Path
) -> None:
    port = free_port()

    def served(queue: str) -> Settings:
        return make_settings(
            database_url=database_url,
            smtp_host=mail_sink.host,
            smtp_port=mail_sink.port,
            task_queue=queue,
            public_base_url=f"http://127.0.0.1:{port}",
        )

    key = await operator_key(sessions, "night-shift", [Scope.READ, Scope.ACT])
    o = partner_order(escalate_after_days=0)
    async with (
        console_stack(dev_env.client, database_url, sessions, mail_sink, served) as stack,
        serving(stack.app, port) as base,
    ):
        await partner_orders.start(dev_env.client, stack.settings, o)
        [first] = await mail_to(mail_sink, o.provisioning_contact_email)
        await shown(dev_env.client, Queue.ESCALATED, o.workflow_id)
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                problems = Problems()
                page = await language_page(browser, "en-GB", problems)

                await page.goto(f"{base}/console")
                await heading(page, "Sign in to the console")
                await fill(page, "API key or access token", key)
                await click(page, "Sign in")
                await heading(page, "Operators' console")
                await expect(page.locator("#who")).to_have_text("Signed in as api-key:night-shift")

                await page.get_by_role("link", name="Escalated partner orders").first.click()
                await heading(page, "Escalated partner orders")
                await page.get_by_role("link", name=o.order_id, exact=True).click()
                await heading(page, f"Partner order {o.order_id}")
                await expect(page.locator("#status")).to_have_text("Status: awaiting setup")
                await page.screenshot(path=tmp_path / "console-order.png", full_page=True)

                await click(page, "Resend the Set Up Now e-mail")
                await expect(page.locator("#page-notice")).to_have_text("The Set Up Now e-mail is being sent again.")
                await expect(page.locator("#timeline")).to_contain_text("api-key:night-shift")
                assert problems == []
            finally:
                await browser.close()

        mails = await mail_to(mail_sink, o.provisioning_contact_email, 2)
        links = [link for mail in mails for link in mail.links if "/setup/" in link]
        assert len(links) == 2 and links[1] != links[0] and first.links
        await dev_env.client.get_workflow_handle(o.workflow_id).terminate("the browser test is over")
