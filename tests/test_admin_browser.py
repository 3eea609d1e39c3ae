"""The enterprise admin's portal in a real browser: Debian's Chromium, driven by Playwright. From the welcome mail
(the first password, as the demo account's admin gets it) through the forced password change, creating an organizer
account (the invitation arrives in the real SMTP sink), the organizer activating it, and the order export.

The app is served over real HTTP on a port of its own; the workflows run on the time-skipping server with a worker
of this test's own. Nothing sleeps on a timer.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
from playwright.async_api import async_playwright, expect
from temporalio.testing import WorkflowEnvironment

from activities.registry import all_activities
from models.accounts import Edition, Product
from starter.mail_sink import MailSink
from starter.web.app import create_app
from starter.worker_host import build_worker
from store import SessionFactory
from tests.admin_support import activation_link, add_order, forget_opening, mails_to, new_account, uid
from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Problems,
    click,
    heading,
    needs_chromium,
    served_settings,
    serving,
)

pytestmark = needs_chromium


async def test_an_admin_changes_the_first_password_and_creates_an_organizer_in_chromium(
    ts_env: WorkflowEnvironment, workflow_db: tuple[str, SessionFactory], mail_sink: MailSink, tmp_path: Path
) -> None:
    port, settings = served_settings(workflow_db[0], mail_sink, f"onramp-admin-browser-{uid()}")
    sessions = workflow_db[1]
    account = await new_account(
        sessions,
        settings,
        seats={(Product.GOTO_MEETING, Edition.ENTERPRISE): 1, (Product.GOTO_MEETING, Edition.STANDARD): 2},
    )
    await forget_opening(sessions, account.account_no)
    await add_order(
        sessions, account.account_no, order_no=f"SO-{uid()}", ordered_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    )
    organizer = f"ada-{uid()}@yitong.example"
    app = create_app(settings, client=ts_env.client, sessions=sessions)

    # The welcome mail: where to log in, the username, the first password.
    [welcome] = await mails_to(mail_sink, account.admin_email)
    username = re.search(r"Username: (\S+)", welcome.text)
    password = re.search(r"Password: (\S+)", welcome.text)
    assert username and password and username.group(1) == account.admin_email
    [login_link] = [link for link in welcome.links if link.endswith("/admin/login")]

    async with (
        build_worker(ts_env.client, settings.task_queue, all_activities(sessions, settings.mail_config())),
        serving(app, port) as base_url,
        async_playwright() as p,
    ):
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
            page = await context.new_page()
            page.set_default_timeout(15_000)
            expect.set_options(timeout=15_000)
            problems = Problems()
            problems.watch(page)

            # 1. log in with the mail's username and first password
            assert login_link == f"{base_url}/admin/login"
            await page.goto(login_link)
            await heading(page, "Enterprise admin self-service")
            await page.get_by_label("Username", exact=True).fill(username.group(1))
            await page.get_by_label("Password", exact=True).fill(password.group(1))
            await click(page, "Log in")

            # 2. the first login forces the password change; the 4-16 rule is explained next to the field
            await heading(page, "Change your initial password")
            await expect(page.locator("#first-login")).to_have_text(
                "This is your first login: please change your initial password first."
            )
            await page.get_by_label("Old password", exact=True).fill(password.group(1))
            await page.get_by_label("New password", exact=True).fill("abc")
            await page.get_by_label("New password again", exact=True).fill("abc")
            await click(page, "OK")
            await heading(page, "Change your initial password")
            new_field = page.get_by_label("New password", exact=True)
            await expect(page.locator("#new_password-error")).to_have_text(
                "The new password is too short: use 4-16 letters and digits (it has 3)."
            )
            await expect(new_field).to_have_attribute("aria-invalid", "true")
            await page.goto(f"{base_url}/admin/orders")  # nowhere else to go before the change
            await heading(page, "Change your initial password")
            await page.get_by_label("Old password", exact=True).fill(password.group(1))
            await new_field.fill("Yitong2026")
            await page.get_by_label("New password again", exact=True).fill("Yitong2026")
            await click(page, "OK")

            # 3. user information: basic information and the product list with what remains
            await heading(page, "User information")
            await expect(page.locator("#page-notice")).to_have_text("Your password has been changed.")
            await expect(page.locator("#remaining")).to_have_text(
                "GoTo Meeting Enterprise: 1 left · GoTo Meeting Standard: 2 left"
            )
            await expect(page.locator("#who")).to_contain_text(account.admin_email)

            # 4. create an organizer account
            await page.get_by_role("link", name="Create account").click()
            await heading(page, "Create account")
            await page.get_by_label("Last name", exact=True).fill("Lovelace")
            await page.get_by_label("First name", exact=True).fill("Ada")
            await page.get_by_label("Account e-mail", exact=True).fill(organizer)
            await page.get_by_label("Product edition", exact=True).select_option(label="GoTo Meeting Standard (2 left)")
            await click(page, "Create account")
            await heading(page, "User information")
            await expect(page.locator("#page-notice")).to_have_text(
                f"The account for {organizer} is open, and the invitation is on its way."
            )
            await expect(page.locator("#remaining")).to_have_text(
                "GoTo Meeting Enterprise: 1 left · GoTo Meeting Standard: 1 left"
            )
            row = page.locator("#organizers tbody tr", has_text=organizer)
            await expect(row).to_contain_text("GoTo Meeting Standard")
            await expect(row).to_contain_text("invited")
            await page.screenshot(path=tmp_path / "product-list.png", full_page=True)

            # the invitation arrives, and the admin's copy
            [invitation] = await mails_to(mail_sink, organizer)
            assert invitation.subject == f"{account.customer_name} opened a GoTo Meeting Standard account for you"
            await mails_to(mail_sink, account.admin_email, subject="Copy: Ada Lovelace was invited")

            # 5. the organizer opens the link and activates
            organizer_page = await context.new_page()
            await organizer_page.goto(activation_link(invitation))
            await heading(organizer_page, "Activate your GoTo Meeting account")
            await expect(organizer_page.locator("#organizer-email")).to_have_text(organizer)
            await organizer_page.get_by_role("button", name="Activate", exact=True).click()
            await heading(organizer_page, "Your account is active")
            await page.reload()
            await expect(row).to_contain_text("active")

            # 6. my orders, and the export
            await page.get_by_role("link", name="My orders").click()
            await heading(page, "My orders")
            await expect(page.locator("#orders tbody tr")).to_have_count(1)
            await expect(page.locator("#orders")).to_contain_text("2026-11-02 09:30")
            await page.screenshot(path=tmp_path / "orders.png", full_page=True)
            async with page.expect_download() as download_info:
                await click(page, "Export orders (XLSX)")
            download = await download_info.value
            saved = tmp_path / download.suggested_filename
            await download.save_as(saved)
            assert saved.name.startswith(f"orders-{account.account_no}-") and saved.suffix == ".xlsx"
            sheet = openpyxl.load_workbook(saved)["My orders"]
            assert sheet["B2"].value == account.customer_name and sheet["D2"].value == "account increase"

            await click(page, "Log out")
            await heading(page, "Enterprise admin self-service")
            await expect(page.locator("#page-notice")).to_have_text("You have logged out.")
            assert problems == []
        finally:
            await browser.close()
