"""A partner's order page in a real browser (seeds 001/003): from the Set Up Now link's first page to the order's
page, "Send me a new link", and asking for a link by order number and address. Served as
tests/test_wizard_browser.py serves the wizard."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import expect
from temporalio.testing import WorkflowEnvironment

from starter.mail_sink import MailSink
from store import SessionFactory
from tests.browser_support import heading, needs_chromium
from tests.partner_browser_support import partner_order_in_chromium
from tests.wizard_support import mail_to, token_of

pytestmark = needs_chromium


async def test_a_partner_sees_the_order_and_gets_a_new_link_in_chromium(
    ts_env: WorkflowEnvironment,
    workflow_db: tuple[str, SessionFactory],
    mail_sink: MailSink,
    tmp_path: Path,
) -> None:
    async with partner_order_in_chromium(ts_env, workflow_db, mail_sink) as opened:
        o, contact, page, port = opened.order, opened.contact, opened.page, opened.port
        await page.goto(opened.link)
        await heading(page, f"Set up order {o.order_id}")
        await page.get_by_role("link", name="The order's status, who is setting up, dates and deadlines").click()
        await heading(page, f"Order {o.order_id}")
        details = page.locator("#order-details")
        await expect(details).to_contain_text("awaiting setup")
        await expect(details).to_contain_text("Central European Time")
        await page.screenshot(path=tmp_path / "order-page.png", full_page=True)

        await page.get_by_role("button", name="Send me a new link").click()
        await heading(page, "A new link is on its way")
        await expect(page.get_by_text(f"We sent a new Set Up Now e-mail to {contact}.")).to_be_visible()
        [_, second] = await mail_to(mail_sink, contact, 2)
        assert token_of(second) not in await page.content()

        await page.goto(f"http://127.0.0.1:{port}/orders/link")
        await heading(page, "Get a new Set Up Now link")
        await page.get_by_label("Order number", exact=True).fill(o.order_id)
        await page.get_by_label("Provisioning contact e-mail address", exact=True).fill(contact)
        await page.get_by_role("button", name="Send me a new link").click()
        await heading(page, "Check your e-mail")
        [*_, third] = await mail_to(mail_sink, contact, 3)
        assert token_of(third) not in await page.content()

        await page.goto(f"http://127.0.0.1:{port}/orders/not-a-real-token-{opened.tag}")
        await heading(page, "This link no longer works")
        await page.get_by_role("link", name="Ask for a new link").click()
        await heading(page, "Get a new Set Up Now link")
        assert opened.problems == []
