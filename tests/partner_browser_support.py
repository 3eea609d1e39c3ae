"""A partner order's Set Up Now link open in Chromium: the order started on a worker and an app of the test's own
(its mails' links point at the served app), its first mail read, and a page watched for problems. The order ends
with the block: its timers would fire on the test's queue with nobody polling and hold the session's time-skipping
server still."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from playwright.async_api import Page, async_playwright
from temporalio.testing import WorkflowEnvironment

from activities.registry import all_activities
from models.partner_order import PartnerOrderInput
from starter.mail_sink import MailSink
from starter.services import partner_orders
from starter.web.app import create_app
from starter.worker_host import build_worker
from store import SessionFactory
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, Problems, language_page, served_settings, serving
from tests.support import order
from tests.wizard_support import mail_to


@dataclass
class OpenOrder:
    order: PartnerOrderInput
    contact: str  # provisioning-<tag>@partner.example
    link: str  # the first Set Up Now mail's link
    page: Page
    problems: Problems
    port: int
    tag: str


@asynccontextmanager
async def partner_order_in_chromium(
    ts_env: WorkflowEnvironment, workflow_db: tuple[str, SessionFactory], mail_sink: MailSink
) -> AsyncIterator[OpenOrder]:
    """An order whose start date has passed, its Set Up Now mail sent, and a Chromium page (en-GB) to open it in."""
    tag = uuid.uuid4().hex[:8]
    queue = f"onramp-browser-{tag}"
    port, settings = served_settings(workflow_db[0], mail_sink, queue)
    app = create_app(settings, client=ts_env.client, sessions=workflow_db[1])
    today = (await ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date()
    contact = f"provisioning-{tag}@partner.example"
    o = order(today - timedelta(days=1), provisioning_contact_email=contact, partner_name=f"Partner {tag}")
    worker = build_worker(ts_env.client, queue, all_activities(workflow_db[1], settings.mail_config()))
    async with worker, serving(app, port):
        await partner_orders.start(ts_env.client, settings, o)
        [first] = await mail_to(mail_sink, contact)
        [link] = [link for link in first.links if "/setup/" in link]
        try:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    problems = Problems()
                    page = await language_page(browser, "en-GB", problems)
                    yield OpenOrder(o, contact, link, page, problems, port, tag)
                finally:
                    await browser.close()
        finally:
            await ts_env.client.get_workflow_handle(o.workflow_id).terminate("the browser test is over")
