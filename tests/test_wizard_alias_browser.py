"""The alias path of the Set Up Now wizard in a real browser (seeds 001/003): the Set Up Now e-mail went to an
alias; its reader continues as themselves on the link's first page, gets a link of their own, and the alias's link
no longer opens the order. Served as tests/test_wizard_browser.py serves the wizard."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import expect
from temporalio.testing import WorkflowEnvironment

from starter.mail_sink import MailSink
from starter.services import partner_orders
from store import SessionFactory
from tests.browser_support import heading, needs_chromium
from tests.partner_browser_support import partner_order_in_chromium
from tests.wizard_support import mail_to

pytestmark = needs_chromium


async def test_an_alias_reader_continues_as_themselves_in_chromium(
    ts_env: WorkflowEnvironment,
    workflow_db: tuple[str, SessionFactory],
    mail_sink: MailSink,
    tmp_path: Path,
) -> None:
    async with partner_order_in_chromium(ts_env, workflow_db, mail_sink) as opened:
        o, alias, page, problems = opened.order, opened.contact, opened.page, opened.problems
        me = f"maja-{opened.tag}@partner.example"
        alias_link = opened.link
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

        # what the order recorded (asked while this test's worker still runs)
        state = await partner_orders.status(ts_env.client, o.order_id)
        assert state.provisioning_contact_email == me and state.provisioning_alias == alias
        assert state.wizard.session is not None and state.wizard.session.email == me
        assert any(alias in entry.text and me in entry.text for entry in state.timeline)
        assert len(mail_sink.to(alias)) == 1
