"""Adding seats (seed 002) in a real browser: Debian's Chromium, driven by Playwright. The billing admin of an account
that pays by invoice logs in to the admin portal, opens Subscriptions, is told that seats need an automatic payment
method, adds the sandbox's test card and switches to it; adds seats with a promotion code and sees its discount on
the quote; accepts the quote from the Quotes area, pays (billed in China: its VAT), places the service order and
sees it completed; downloads the receipt PDF, whose text has the total; the receipt arrives at the billing
contact in the real SMTP sink.

The app is served over real HTTP on a port of its own; the workflow runs on the time-skipping server with a worker
of this test's own. Nothing sleeps on a timer: the order page refreshes itself (a meta refresh, no JavaScript) and
the test waits for what it shows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from playwright.async_api import async_playwright, expect
from pypdf import PdfReader
from temporalio.testing import WorkflowEnvironment

from activities.registry import all_activities
from models.promotions import NewPromotion
from starter.mail_sink import MailSink
from starter.web.app import create_app
from starter.worker_host import build_worker
from store import SessionFactory, promotions
from tests.admin_support import NEW_PASSWORD, browser, mails_to, ready_admin, uid
from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Problems,
    click,
    fill,
    heading,
    needs_chromium,
    served_settings,
    serving,
)
from tests.seat_portal_support import PAYMENT, seat_account

pytestmark = needs_chromium


async def test_a_billing_admin_adds_seats_and_gets_the_receipt_in_chromium(
    ts_env: WorkflowEnvironment, workflow_db: tuple[str, SessionFactory], mail_sink: MailSink, tmp_path: Path
) -> None:
    port, settings = served_settings(workflow_db[0], mail_sink, f"onramp-seat-browser-{uid()}")
    sessions = workflow_db[1]
    today = (await ts_env.get_current_time()).date()
    account = await seat_account(sessions, settings, today, payment_method="invoice")
    code = f"SPRING{uid()[:6]}".upper()
    async with sessions.begin() as session:
        spring = NewPromotion(
            code=code,
            name="Spring sale",
            percent_off=Decimal(10),
            valid_from=today - timedelta(days=1),
            valid_until=today + timedelta(days=30),
        )
        await promotions.add(session, spring, datetime.now(UTC))
    app = create_app(settings, client=ts_env.client, sessions=sessions)
    async with browser(app) as http:  # the first password change over the API: the admin browser test clicks it
        await ready_admin(http, account)

    async with (
        build_worker(ts_env.client, settings.task_queue, all_activities(sessions, settings.mail_config())),
        serving(app, port) as base_url,
        async_playwright() as p,
    ):
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = await (await chromium.new_context(viewport={"width": 1280, "height": 900})).new_page()
            page.set_default_timeout(15_000)
            expect.set_options(timeout=15_000)
            problems = Problems()
            problems.watch(page)

            # 1. log in to the portal
            await page.goto(f"{base_url}/admin/login")
            await fill(page, "Username", account.admin_email)
            await fill(page, "Password", NEW_PASSWORD)
            await click(page, "Log in")
            await heading(page, "User information")

            # 2. Subscriptions, in the service menu
            await page.get_by_role("navigation", name="Service menu").get_by_role("link", name="Subscriptions").click()
            await heading(page, "Subscriptions")
            meeting = page.locator("#subscriptions tbody tr", has_text="GoTo Meeting").filter(has_text="Enterprise")
            await expect(meeting).to_contain_text(account.renewal.isoformat())
            await expect(meeting.locator("td").nth(2)).to_have_text("3")
            connect = page.locator("#subscriptions tbody tr", has_text="GoTo Connect")
            await expect(connect).to_contain_text("No: contact Corporate Account Services")
            await expect(page.locator("#not-eligible")).to_contain_text(
                "Adding seats needs an automatic payment method"
            )
            await expect(page.get_by_role("link", name="Add seats", exact=True)).to_have_count(0)
            await page.screenshot(path=tmp_path / "subscriptions-invoice.png", full_page=True)

            # 3. the account pays by invoice: it adds a card and switches to automatic payment
            await page.get_by_role("link", name="Change the payment method").click()
            await heading(page, "Payment method")
            await fill(page, "Card number", PAYMENT["card_number"])
            await fill(page, "Expiry (MM/YYYY)", PAYMENT["card_expiry"])
            await click(page, "Switch to automatic payment")
            await expect(page.locator("#page-notice")).to_have_text(
                "The account now pays automatically by card: you can add seats yourself."
            )
            await page.get_by_role("link", name="Subscriptions").first.click()
            await heading(page, "Subscriptions")
            await expect(page.locator("#payment-method")).to_contain_text("Visa ending 4242")
            await page.screenshot(path=tmp_path / "subscriptions.png", full_page=True)

            # 4. Add seats: New Seat Qty and a promotion code, then Save cart & review
            await page.get_by_role("link", name="Add seats", exact=True).click()
            await heading(page, "Add seats")
            await fill(page, "New Seat Qty for GoTo Meeting Enterprise", "0")
            await click(page, "Save cart & review")
            await expect(page.locator("#qty-goto-meeting-enterprise-error")).to_have_text(
                "Enter a whole number of seats, 1 or more."
            )
            await page.screenshot(path=tmp_path / "new-seat-qty.png", full_page=True)
            await fill(page, "New Seat Qty for GoTo Meeting Enterprise", "5")
            await fill(page, "Promotion code (optional)", "NO-SUCH-CODE")
            await click(page, "Save cart & review")
            await expect(page.locator("#promotion_code-error")).to_have_text(
                "There is no promotion with the code NO-SUCH-CODE."
            )
            await fill(page, "Promotion code (optional)", code.lower())
            await click(page, "Save cart & review")

            # 5. the quote, prorated to the renewal date, with the promotion's 10% off
            await heading(page, "Your quote")
            quote = page.locator("#quote tbody tr")
            await expect(quote).to_have_count(1)
            await expect(quote).to_contain_text("GoTo Meeting Enterprise")
            await expect(quote.locator("td")).to_have_text(
                ["GoTo Meeting Enterprise", "5", "240.00 EUR", "73", "240.00 EUR"]
            )
            await expect(page.locator("#promotion")).to_have_text(f"Promotion {code}: Spring sale (10% off)")
            await expect(page.locator("#discount")).to_have_text("−24.00 EUR")
            await expect(page.locator("#tax")).to_have_text("47.52 EUR")
            await expect(page.locator("#total")).to_have_text("263.52 EUR")
            await page.screenshot(path=tmp_path / "quote.png", full_page=True)

            # 6. Subscriptions → Quotes: the quote is open there, and accepted there
            await page.get_by_role("navigation", name="Service menu").get_by_role("link", name="Subscriptions").click()
            await page.get_by_role("link", name="Quotes: accept or decline the account's quotes").click()
            await heading(page, "Quotes")
            row = page.locator("#quotes tbody tr").first
            await expect(row).to_contain_text("open")
            await expect(row).to_contain_text("263.52 EUR")
            await page.screenshot(path=tmp_path / "quotes.png", full_page=True)
            await row.get_by_role("button", name="Accept").click()

            # 7. payment details: admin contact, a new card (the sandbox's test card), billing address
            await heading(page, "Payment details")
            await expect(page.get_by_label("E-mail", exact=True)).to_have_value(account.admin_email)
            for label, name in [
                ("First name", "first_name"),
                ("Last name", "last_name"),
                ("E-mail", "email"),
                ("Card number", "card_number"),
                ("Expiry (MM/YYYY)", "card_expiry"),
                ("Company", "company"),
                ("Street address", "street"),
                ("Postal code", "postal_code"),
                ("City", "city"),
                ("Country code", "country"),
            ]:
                await fill(page, label, PAYMENT[name])
            await page.screenshot(path=tmp_path / "payment.png", full_page=True)
            await click(page, "Save and continue")

            # 8. the service order, taxed as the billing address's country does (China: 6% 增值税), then place it
            await heading(page, "Service order")
            await expect(page.locator(".details")).to_contain_text("Visa ending 4242")
            await expect(page.locator(".details")).to_contain_text(account.billing_email)
            await expect(page.locator("#tax-name")).to_have_text("增值税 (6%)")
            await expect(page.locator("#total")).to_have_text("228.96 EUR")
            await page.screenshot(path=tmp_path / "service-order.png", full_page=True)
            await click(page, "Place service order")

            # 9. processed: the page refreshes itself until the order is completed
            await expect(page.get_by_role("heading", level=1)).to_have_text("Your seats have been added")
            await expect(page.locator("#order-status")).to_have_text("completed")
            order_no = await page.locator("#order-no").inner_text()
            await expect(page.locator("#outcome")).to_have_text(
                f"Service order {order_no} is complete: 5 GoTo Meeting Enterprise seats added. 228.96 EUR was charged "
                f"to the Visa card ending 4242. A confirmation e-mail with the receipt is on its way to the billing "
                f"contact, {account.billing_email}."
            )
            await page.screenshot(path=tmp_path / "completed.png", full_page=True)

            # the receipt as a PDF document: downloaded from the order's page, its total in its text
            async with page.expect_download() as download_info:
                await page.get_by_role("link", name="Download receipt (PDF)").click()
            download = await download_info.value
            assert download.suggested_filename == f"R-{order_no}.pdf", download.suggested_filename
            saved = tmp_path / download.suggested_filename
            await download.save_as(saved)
            text = " ".join(page_.extract_text() for page_ in PdfReader(saved).pages)
            assert f"R-{order_no}" in text and "228.96" in text and "增值税" in text, text

            # the receipt reaches the billing contact
            [receipt] = await mails_to(
                mail_sink, account.billing_email, subject=f"Receipt for your seat order {order_no}"
            )
            assert receipt.subject == f"Receipt for your seat order {order_no}"
            assert "Total:    228.96 EUR" in receipt.text and "4242 4242 4242 4242" not in receipt.text

            # Subscriptions shows the new seats and the order
            await page.get_by_role("link", name="Back to Subscriptions").click()
            await heading(page, "Subscriptions")
            await expect(meeting.locator("td").nth(2)).to_have_text("8")
            await expect(page.locator("#orders tbody tr", has_text=order_no)).to_contain_text("completed")
            assert problems == []
        finally:
            await chromium.close()
