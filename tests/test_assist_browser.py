"""Webex Assist (seed 004) in a real browser: Debian's Chromium, driven by Playwright. A customer books Event Center
Standard with two add-ons for an event scheduled on the demo site (meeting lookup "by me" with the demo host), sees
the confirmation with its price and total, finds the booking again with the reservation number and e-mail, moves it
10 days ahead, inside the 14 days' ordering lead (and its session on the site), cancels it;
the three mails (confirmed, moved, cancelled) arrive in the real SMTP sink.

The app is served over real HTTP on a port of its own; the workflows run on this module's own time-skipping server,
database (with `onramp dev`'s demo data) and worker (tests/assist_env.py). Nothing sleeps on a timer.
"""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.async_api import async_playwright, expect
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.assist_activities import ScheduledSession
from starter.mail_sink import MailSink
from starter.services.assist_demo import DEMO_HOST_EMAIL, DEMO_HOST_ID, DEMO_SITE, demo_sessions, ensure_assist_demo
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from store import assist as store
from tests.admin_support import mails_to
from tests.assist_env import (  # noqa: F401
    assist_db_fixture,
    client_fixture,
    settings_fixture,
    ts_env_fixture,
    worker_fixture,
)
from tests.assist_support import uid
from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Problems,
    choose,
    click,
    fill,
    heading,
    needs_chromium,
    serving,
)
from tests.support import free_port

pytestmark = needs_chromium


async def test_a_customer_books_moves_and_cancels_an_event_center_assist_in_chromium(
    client: Client,
    ts_env: WorkflowEnvironment,
    assist_db: SessionFactory,
    settings: Settings,
    mail_sink: MailSink,
    tmp_path: Path,
) -> None:
    today = await ts_env.get_current_time()
    await ensure_assist_demo(assist_db, now=today)
    [launch] = [s for s, _, _ in demo_sessions(today.date()) if s.topic == "Yitong product launch 2027"]
    launch = (await _on_site(assist_db, launch.session_key)) or launch
    when = launch.session
    new = when.moved_to(today.astimezone(ZoneInfo(when.time_zone)).date() + timedelta(days=10), time(16, 0))
    email = f"mei-{uid()}@yitong-customer.example"
    port = free_port()
    app = create_app(settings, client=client, sessions=assist_db)

    async with serving(app, port) as base_url, async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = await chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
            page = await context.new_page()
            page.set_default_timeout(15_000)
            expect.set_options(timeout=15_000)
            problems = Problems()
            problems.watch(page)

            # the landing page: order an assist, package by package
            await page.goto(f"{base_url}/assist")
            await heading(page, "Webex Assist")
            await page.screenshot(path=tmp_path / "landing.png", full_page=True)
            await page.get_by_role("link", name="Order now: Event Center Standard").click()

            # 1. availability
            await heading(page, "Availability")
            await expect(page.get_by_label("Package", exact=True)).to_have_value("ec_standard")
            await fill(page, "First name", "Mei")
            await fill(page, "Last name", "Chen")
            await fill(page, "Phone number", "+886 2 2345 6789")
            await fill(page, "E-mail address", email)
            await fill(page, "Company name", "Yitong Technology")
            await choose(page, "Webex site", DEMO_SITE)
            await fill(page, "Start date", when.date.isoformat())
            await choose(page, "Start time", f"{when.time:%H:%M}")
            await expect(page.get_by_label("Time zone", exact=True)).to_have_value("")  # the site's: Asia/Taipei
            await choose(page, "Duration", str(when.duration_minutes))
            await page.get_by_label("An extra rehearsal", exact=True).check()
            await page.get_by_label("Extra editing of the event recording", exact=True).check()
            await page.screenshot(path=tmp_path / "availability.png", full_page=True)
            await click(page, "Next")

            # 2. meeting lookup: scheduled by me, with the demo host
            await heading(page, "Meeting lookup")
            number = (await page.locator("#order-no").inner_text()).strip()
            await page.get_by_label("Yes, I scheduled it with my Webex host ID", exact=True).check()
            await fill(page, "Host ID", DEMO_HOST_ID)
            await fill(page, "Host e-mail address", DEMO_HOST_EMAIL)
            await page.screenshot(path=tmp_path / "lookup.png", full_page=True)
            await click(page, "Next")

            # 3. event information, filled from the site
            await heading(page, "Event information")
            await expect(page.get_by_label("Topic", exact=True)).to_have_value("Yitong product launch 2027")
            await expect(page.locator("#found")).to_contain_text(f"We found your session on {DEMO_SITE}")
            await fill(page, "Expected attendees", "400")
            await fill(page, "Language, if not English", "Mandarin")
            await page.screenshot(path=tmp_path / "event.png", full_page=True)
            await click(page, "Submit order")

            # 4. confirmation
            await heading(page, "Your assist is booked")
            await expect(page.locator("#reservation-no")).to_have_text(number)
            await expect(page.locator("#session")).to_have_text(when.label())
            await expect(page.locator("#fee")).to_have_text("650.00 USD")
            await expect(page.locator("#prices")).to_contain_text("An extra rehearsal")
            await expect(page.locator("#prices")).to_contain_text("Extra editing of the event recording")
            await expect(page.locator("#total")).to_have_text("1,175.00 USD")  # 650.00 + 375.00 + 150.00
            await expect(page.locator("#fee-note")).to_contain_text("The actual charge follows your contract rates.")
            await expect(page.locator("#producer")).to_contain_text("@assist.example")
            await page.screenshot(path=tmp_path / "confirmation.png", full_page=True)
            [confirmed] = await mails_to(mail_sink, email)
            assert confirmed.subject == f"Webex Assist confirmed: {number}, {when.label()}"
            assert "An extra rehearsal: 375.00 USD" in confirmed.text and "Total: 1,175.00 USD" in confirmed.text

            # find my booking, in a browser that has never seen it
            await context.close()
            context = await chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
            page = await context.new_page()
            problems.watch(page)
            await page.goto(f"{base_url}/assist")
            await page.get_by_role("link", name="Find my booking").click()
            await heading(page, "Update or cancel an assist")
            await fill(page, "Reservation number", number)
            await fill(page, "Contact e-mail address", "someone-else@yitong-customer.example")
            await click(page, "Search")
            await expect(page.locator("#reservation_no-error")).to_have_text(
                f"No assist booking matches reservation number {number} and that e-mail address. Check both against "
                "your confirmation e-mail."
            )
            await fill(page, "Contact e-mail address", email)
            await click(page, "Search")
            await heading(page, "Your assist booking")
            assert "@" not in page.url
            await expect(page.locator("#status")).to_have_text("Confirmed")
            await expect(page.locator("#readonly")).to_contain_text("Yitong product launch 2027")
            await page.screenshot(path=tmp_path / "booking.png", full_page=True)

            # update date/time: the lookup question, "update it for me", then the old and the new time
            await page.get_by_role("link", name="Update date/time").click()
            await heading(page, "Update date/time")
            await fill(page, "Event date", new.date.isoformat())
            await choose(page, "Start time", f"{new.time:%H:%M}")
            await click(page, "Next")
            await heading(page, "Meeting lookup")
            await expect(page.locator("#old")).to_have_text(when.label())
            await expect(page.locator("#new")).to_have_text(new.label())
            await page.get_by_label("No", exact=True).check()
            await click(page, "Next")
            await page.get_by_label("Yes, update it for me", exact=True).check()
            await page.screenshot(path=tmp_path / "reschedule-site.png", full_page=True)
            await click(page, "Next")
            await heading(page, "Your assist has been moved")
            await expect(page.locator("#old")).to_have_text(when.label())
            await expect(page.locator("#new")).to_have_text(new.label())
            await page.screenshot(path=tmp_path / "rescheduled.png", full_page=True)
            [_, moved] = await mails_to(mail_sink, email, count=2)
            assert moved.subject == f"Webex Assist moved: {number}, now {new.label()}"
            on_site = await _on_site(assist_db, launch.session_key)
            assert on_site is not None and on_site.session.starts_at == new.starts_at

            # cancel: the fee by policy first (free: more than 7 days ahead), then Yes
            await page.get_by_role("link", name="Back to the booking").click()
            await page.get_by_role("link", name="Cancel assist").click()
            await heading(page, "Cancel this assist?")
            await expect(page.locator("#fee")).to_contain_text("No cancellation fee: cancelling is free until")
            await page.screenshot(path=tmp_path / "cancel.png", full_page=True)
            await click(page, "Yes, cancel the assist")
            await heading(page, "Your assist is cancelled")
            await expect(page.locator("#fee")).to_have_text("Cancellation fee: none.")
            await page.screenshot(path=tmp_path / "cancelled.png", full_page=True)

            # the three mails
            mails = await mails_to(mail_sink, email, count=3)
            assert [mail.subject for mail in mails] == [
                f"Webex Assist confirmed: {number}, {when.label()}",
                f"Webex Assist moved: {number}, now {new.label()}",
                f"Webex Assist cancelled: {number}",
            ]
            assert "Cancellation fee: none" in mails[2].text
            assert problems == []
        finally:
            await chromium.close()


async def _on_site(sessions: SessionFactory, session_key: str) -> ScheduledSession | None:
    """The demo session as the site has it now."""
    async with sessions() as session:
        found = await store.scheduled_session(session, session_key)
    return found.scheduled if found else None
