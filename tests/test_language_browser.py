"""Each portal in a real browser in its seed's language (issue 13's acceptance): Debian's Chromium, driven by
Playwright, set to the reader's language the way a browser installed in that language is (Chromium's locale:
``navigator.language`` and the ``Accept-Language`` of every request), through the portal's main path, with the mails
arriving in that language in the real SMTP sink.

- the Set Up Now wizard in Arabic (seed 003), right to left, from the mail's link to provisioned;
- the enterprise admin portal in simplified Chinese (seed 000);
- the seat portal in German (seed 002);
- Webex Assist in traditional Chinese (seed 004).

What is asserted is what the reader sees: the seeds' own words (إعداد الآن, أنا شريك, التحقق من التوفر; 会易通账号信息,
导出订单, 清空条件; Sitze hinzufügen, Warenkorb speichern und überprüfen, Fortfahren zur Zahlung, Service-Bestellung
aufgeben; 立即訂購, 會議查詢, 活動資訊, 預約號碼), ``<html lang dir>``, and each mail's ``Content-Language``, subject and
body. The app is served over real HTTP on a port of its own; the workflows run on this module's time-skipping server
(tests/assist_env.py) with a worker of each test's own. Nothing sleeps on a timer.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import openpyxl
from playwright.async_api import Locator, async_playwright, expect
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from activities.registry import all_activities
from models.account_services import AccountServices
from models.accounts import CORPORATE_ACCOUNT_SERVICES, CompanyInfo, Edition, NewAccount, Product, SubscriptionLine
from models.service_settings import CALLING_PLANS
from starter.mail_sink import MailSink, ReceivedMail
from starter.services import partner_orders
from starter.services.accounts import create_account
from starter.services.assist_demo import (
    DEMO_COORDINATOR,
    DEMO_HOST_EMAIL,
    DEMO_HOST_ID,
    DEMO_SITE,
    demo_sessions,
    ensure_assist_demo,
)
from starter.settings import Settings
from starter.web.app import create_app
from starter.worker_host import build_worker
from store import SessionFactory
from store import assist as assist_store
from tests.admin_support import (
    FIRST_PASSWORD,
    NEW_PASSWORD,
    PortalAccount,
    activation_link,
    add_order,
    forget_opening,
    mails_to,
    ready_admin,
    uid,
)
from tests.admin_support import browser as browser_client
from tests.assist_env import (  # noqa: F401
    assist_db_fixture,
    client_fixture,
    settings_fixture,
    ts_env_fixture,
    worker_fixture,
)
from tests.browser_support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ENGLISH_WORD,
    LATIN_WORD,
    Problems,
    arabic_laid_out_left_to_right,
    choose,
    click,
    english_leftovers,
    fill,
    language_page,
    needs_chromium,
    said_in,
    served_settings,
    serving,
    speaks,
)
from tests.seat_portal_support import PAYMENT, seat_account
from tests.support import free_port, order
from tests.wizard_support import mail_to

pytestmark = needs_chromium

BRANDS = ["Webex Meetings", "Webex Calling", "Webex Audio", "Webex", "Cisco", "PSTN", "VoIP", "GoTo Meeting", "GoTo"]
"""Names that stay as they are in every language."""
LANGUAGE_NAMES = ["English", "Slovenščina", "Deutsch", "Français", "Español"]
"""Languages in their own names, as the wizard's meeting languages and the portal's language choices list them."""
ZONE_IDS = sorted({*available_timezones(), *(zone.replace("_", " ") for zone in available_timezones())})
"""IANA's names of the time zones, as the preferences' time zone choice lists them."""
ASSIST_NAMES = ["Meeting Center", "Training Center", "Event Center", "US$", "ID"]
"""Webex's centers, named so in seed 004's Chinese (Event Center 高級協助服務, 主持人 ID), and the dollar as Taipei writes
it (US$650.00)."""
SERVICES = AccountServices()
"""How to reach Corporate Account Services, as the settings say by default: shown as it is in every language."""
GERMAN_PAYMENT = {"company": "Yitong GmbH", "street": "Friedrichstraße 43", "postal_code": "10117", "city": "Berlin"}
GERMAN_PAYMENT |= {"country": "de", "first_name": "Jana", "last_name": "Müller", "email": "jana.mueller@yitong.example"}
"""seat_portal_support.PAYMENT's card, a billing address in Berlin."""
TOLERANCE = 2.0
"""Pixels two boxes may overlap and still be side by side (borders, rounding)."""


def in_language(mail: ReceivedMail, language: str) -> str:
    """Why ``mail`` is not in ``language`` (its Content-Language, its text and HTML parts), or ``""``."""
    problems = []
    if mail.message["Content-Language"] != language:
        problems.append(f"Content-Language {mail.message['Content-Language']!r}")
    if f'lang="{language}"' not in mail.html:
        problems.append(f"the HTML part does not say lang={language}")
    if language == "ar" and 'dir="rtl"' not in mail.html:
        problems.append("the HTML part is not right to left")
    return ", ".join(problems)


# ---------------------------------------------------------------------------------------------- 1. Arabic wizard


async def test_the_set_up_now_wizard_in_arabic_from_the_mail_link_to_provisioned_right_to_left(
    ts_env: WorkflowEnvironment,
    workflow_db: tuple[str, SessionFactory],
    mail_sink: MailSink,
    tmp_path: Path,
) -> None:
    tag = uuid.uuid4().hex[:8]
    port, settings = served_settings(workflow_db[0], mail_sink, f"onramp-ar-browser-{tag}")
    app = create_app(settings, client=ts_env.client, sessions=workflow_db[1])
    partner_name, customer_name = f"Partner {tag}", f"Customer {tag}"
    admin = f"admin-{tag}@customer-{tag}.example"
    subdomain = f"dubai-{tag}"
    today = (await ts_env.get_current_time()).astimezone(ZoneInfo("Asia/Dubai")).date()
    o = order(
        today - timedelta(days=1),
        partner_name=partner_name,
        customer_name=customer_name,
        purchased_services=["meetings", "calling"],
        time_zone="Asia/Dubai",
        language="ar",
    )
    contact = o.provisioning_contact_email
    worker = build_worker(ts_env.client, settings.task_queue, all_activities(workflow_db[1], settings.mail_config()))

    async with worker, serving(app, port) as base_url:
        await partner_orders.start(ts_env.client, settings, o)
        [mail] = await mail_to(mail_sink, contact)
        assert not in_language(mail, "ar"), in_language(mail, "ar")
        assert "إعداد الآن" in mail.text, mail.text  # seed 003's button: "click إعداد الآن"
        [link] = [link for link in mail.links if "/setup/" in link]
        assert link.startswith(f"{base_url}/setup/")

        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                problems = Problems()
                page = await language_page(browser, "ar", problems)

                leftovers: list[str] = []
                names = [*BRANDS, *LANGUAGE_NAMES, partner_name, customer_name, o.order_id, o.offer.value, subdomain]
                names += [*ZONE_IDS, *CALLING_PLANS.values()]  # the time zone choices, the plan: names
                # the examples in the hints (a country code, a zone, a subdomain) and Cisco's PSTN offer's name
                names += ["Asia/Dubai", "AE", "SI", "IANA", "Europe/Ljubljana", "kranj-logistics", "Cloud Connected"]

                left_to_right: list[str] = []

                async def step(title: str) -> None:
                    await said_in(page, "ar", title, "rtl")
                    leftovers.extend(await english_leftovers(page, names))
                    left_to_right.extend(await arabic_laid_out_left_to_right(page))

                async def next_page(button: str = "التالي") -> None:
                    await click(page, button)

                # the link from the mail shows the order; its button opens the wizard
                response = await page.goto(link)
                assert response is not None and response.ok
                await step(f"إعداد الطلب {o.order_id}")
                await expect(page.locator(".brand")).to_contain_text("إعداد الآن")
                await click(page, "بدء الإعداد")

                # 2. role: أنا شريك, and the step list on the right of the form (mirrored)
                await step("اختر دورك")
                progress = page.get_by_role("navigation", name="تقدم الإعداد")
                await expect(progress).to_contain_text("توفير وبدء الفوترة")
                await expect(page.locator("#main")).to_contain_text("اختر أنا شريك كدورك ثم انقر فوق التالي.")
                shot = tmp_path / "ar-role.png"
                await page.screenshot(path=shot, full_page=True)
                await on_the_right(progress, page.locator("#main"), shot)
                await page.get_by_label("أنا شريك", exact=True).check()
                await next_page()

                # 3. who sets up
                await step("من سيقوم بإعداد الخدمات؟")
                await page.get_by_label("نعم، سأقوم بالإعداد", exact=True).check()
                await next_page()

                # 4. partner organization: the first order, so create it
                await step("إنشاء مؤسستك الشريكة")
                await expect(page.get_by_label("اسم المؤسسة", exact=True)).to_have_value(partner_name)
                await fill(page, "عنوان الشارع", "شارع الشيخ زايد 1")
                await fill(page, "الرمز البريدي", "00000")
                await fill(page, "المدينة", "دبي")
                await fill(page, "البلد", "AE")
                await next_page()

                # 5. customer administrator: the partner's own address is refused, in Arabic, next to the field
                await step("مسؤول العميل")
                email = page.get_by_label("عنوان البريد الإلكتروني لمسؤول العميل", exact=True)
                await email.fill(contact)
                await next_page()
                await step("مسؤول العميل")
                await expect(page.locator("#email-error")).to_contain_text("مؤسسة Webex واحدة فقط")
                await expect(email).to_have_value(contact)
                await email.fill(admin)
                await next_page()

                # 6. customer organization: nothing found, so confirm a new one
                await step("مؤسسة العميل")
                await expect(page.get_by_text("لم نجد أي مؤسسة Webex لهذا العميل")).to_be_visible()
                await expect(page.get_by_label("اسم المؤسسة", exact=True)).to_have_value(customer_name)
                await fill(page, "عنوان الشارع", "شارع الكورنيش 5")
                await fill(page, "الرمز البريدي", "11111")
                await fill(page, "المدينة", "أبوظبي")
                await fill(page, "البلد", "AE")
                await next_page()

                # 7. review and submit
                await step("المراجعة والإرسال")
                customer = page.locator("section", has=page.locator("#sum-customer"))
                await expect(customer).to_contain_text(f"{customer_name} (جديدة)")
                await expect(customer).to_contain_text(admin)
                await page.get_by_label("معلومات العميل والشريك صحيحة", exact=True).check()
                await next_page("إرسال")

                # 8. the new partner organization's password
                await step("إنشاء كلمة مرور مؤسستك الشريكة")
                await expect(page.locator("#page-notice")).to_contain_text("تم إعداد طلبك بنجاح.")
                await fill(page, "كلمة المرور الجديدة", "s3cret-pass")
                await fill(page, "اكتب كلمة المرور مرة أخرى", "s3cret-pass")
                await next_page("حفظ")

                # 9. service setup
                await step("تفاصيل الاشتراك")
                await expect(page.locator("ul.services")).to_contain_text("Webex Meetings")
                await next_page()

                await step("إعدادات المكالمات")
                await page.get_by_label("Webex Calling (شبكة PSTN سحابية من Cisco)", exact=True).check()
                await fill(page, "اسم الموقع الرئيسي", "المقر الرئيسي")
                await fill(page, "رقم معاودة الاتصال في حالات الطوارئ", "+971 4 123 4567")
                await next_page("حفظ")

                await step("إعدادات الاجتماع")
                await page.get_by_label("اللغة الافتراضية للاجتماعات", exact=True).select_option(label="العربية")
                await page.get_by_label("صوت الكمبيوتر فقط (VoIP)", exact=True).check()
                await expect(page.get_by_label("المنطقة الزمنية", exact=True)).to_have_value("Asia/Dubai")
                await page.get_by_label("السماح بتسجيل الاجتماعات", exact=True).uncheck()
                await next_page("حفظ")

                # company settings: التحقق من التوفر (seed 003's "check availability")
                await step("إعدادات المؤسسة")
                await fill(page, "المجال الفرعي", subdomain)
                await click(page, "التحقق من التوفر")
                await expect(page.locator("#subdomain-availability")).to_have_text(f"'{subdomain}' متاح.")
                await next_page("حفظ")

                # 10. provision and start billing
                await step("توفير وبدء الفوترة")
                settings_list = page.locator("section", has=page.locator("#prov-settings"))
                await expect(settings_list).to_contain_text(subdomain)
                meetings_list = page.locator("#prov-meetings-list")
                await expect(meetings_list).to_contain_text(f"{subdomain}.webex.com")
                await expect(meetings_list).to_contain_text("العربية")
                shot = tmp_path / "ar-provision.png"
                await page.screenshot(path=shot, full_page=True)
                await on_the_right(page.get_by_role("navigation", name="تقدم الإعداد"), page.locator("#main"), shot)
                await click(page, "توفير وبدء الفوترة")

                await said_in(page, "ar", "اشتراكك نشط", "rtl")
                await expect(page.locator("#message")).to_have_text("اشتراكك نشط وقد بدأت الفوترة.")
                await expect(page.get_by_text(f"{subdomain}.webex.com")).to_be_visible()
                await page.screenshot(path=tmp_path / "ar-done.png", full_page=True)
                leftovers.extend(await english_leftovers(page, names))
                left_to_right.extend(await arabic_laid_out_left_to_right(page))
                assert problems == []
                assert leftovers == [], "English left on the Arabic pages:\n" + "\n".join(dict.fromkeys(leftovers))
                assert left_to_right == [], "Arabic laid out left to right:\n" + "\n".join(dict.fromkeys(left_to_right))
            finally:
                await browser.close()

        final = await partner_orders.status(ts_env.client, o.order_id)
        assert final.status.value == "provisioned"
        # the provisioned mail, in Arabic
        mails = await mail_to(mail_sink, contact, 2)
        provisioned = [m for m in mails if m.subject.startswith("تم التوفير")]
        assert len(provisioned) == 1, [m.subject for m in mails]
        assert not in_language(provisioned[0], "ar"), in_language(provisioned[0], "ar")
        assert provisioned[0].subject == f"تم التوفير: الطلب {o.order_id} لـ {customer_name} نشط"
        assert "الاشتراك نشط وبدأت الفوترة" in provisioned[0].text, provisioned[0].text
        assert subdomain in provisioned[0].text


# ---------------------------------------------------------------------------------------------- 2. Chinese admin


async def test_the_enterprise_admin_portal_in_simplified_chinese(
    ts_env: WorkflowEnvironment, workflow_db: tuple[str, SessionFactory], mail_sink: MailSink, tmp_path: Path
) -> None:
    port, settings = served_settings(workflow_db[0], mail_sink, f"onramp-zh-admin-browser-{uid()}")
    sessions = workflow_db[1]
    account = await chinese_account(sessions, settings)
    order_no = f"SO-{uid()}"
    await forget_opening(sessions, account.account_no)
    await add_order(
        sessions, account.account_no, order_no=order_no, ordered_at=datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    )
    organizer = f"ada-{uid()}@yitong.example"
    app = create_app(settings, client=ts_env.client, sessions=sessions)

    # the welcome mail, in simplified Chinese: the username and the first password
    [welcome] = await mails_to(mail_sink, account.admin_email)
    assert not in_language(welcome, "zh-Hans"), in_language(welcome, "zh-Hans")
    assert "企业管理员自助服务" in welcome.text, welcome.text
    username = re.search(r"用户名：(\S+)", welcome.text)
    password = re.search(r"密码：(\S+)", welcome.text)
    assert username and password and username.group(1) == account.admin_email, welcome.text
    [login_link] = [link for link in welcome.links if link.endswith("/admin/login")]

    async with (
        build_worker(ts_env.client, settings.task_queue, all_activities(sessions, settings.mail_config())),
        serving(app, port) as base_url,
        async_playwright() as p,
    ):
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            problems = Problems()
            page = await language_page(browser, "zh-CN", problems)  # a browser in Shanghai
            leftovers: list[str] = []
            names = [*BRANDS, *LANGUAGE_NAMES, account.customer_name, account.account_no, order_no, "XLSX", "CSV"]
            names += [CORPORATE_ACCOUNT_SERVICES, SERVICES.phone, SERVICES.hours]  # a team's name, settings
            names.append(settings.corporate_account_services_hours)  # the footer's, a setting shown as it is

            async def shown(title: str) -> None:
                await said_in(page, "zh-Hans", title)
                leftovers.extend(await english_leftovers(page, names))

            # 1. log in (seed 000: 企业管理员自助服务, 用户名, 密码)
            assert login_link == f"{base_url}/admin/login"
            await page.goto(login_link)
            await shown("企业管理员自助服务")
            await fill(page, "用户名", username.group(1))
            await fill(page, "密码", password.group(1))
            await click(page, "登录")

            # 2. 修改初始密码: 旧密码, 新密码, 再次输入新密码, 确定; the 4-16 rule refused in Chinese
            await shown("修改初始密码")
            await expect(page.locator("#first-login")).to_have_text("您是第一次登录，请先修改您的初始密码。")
            await fill(page, "旧密码", password.group(1))
            await fill(page, "新密码", "abc")
            await fill(page, "再次输入新密码", "abc")
            await click(page, "确定")
            await shown("修改初始密码")
            await expect(page.locator("#new_password-error")).to_contain_text("4-16")
            leftovers.extend(await english_leftovers(page, names))
            await fill(page, "旧密码", password.group(1))
            await fill(page, "新密码", "Yitong2026")
            await fill(page, "再次输入新密码", "Yitong2026")
            await click(page, "确定")

            # 3. 用户信息管理: 基本信息 and 会易通产品列表 with what remains (the seed's 【企业版】剩余, one left)
            await shown("用户信息管理")
            menu = page.get_by_role("navigation", name="服务菜单")
            await expect(menu.get_by_role("link", name="我的订单", exact=True)).to_be_visible()
            await expect(page.get_by_role("heading", name="基本信息")).to_be_visible()
            await expect(page.get_by_role("heading", name="会易通产品列表")).to_be_visible()
            await expect(page.locator("#remaining")).to_contain_text("企业版")
            await expect(page.locator("#remaining")).to_contain_text("剩余：1个")
            await expect(page.locator("#remaining")).to_contain_text("剩余：2个")

            # 4. 创建账号: the form's 会易通账号信息, 姓, 名, 账号邮箱, 产品类型; the organizer's language is the admin's
            await page.get_by_role("link", name="创建账号", exact=True).click()
            await shown("创建账号")
            await expect(page.get_by_role("group", name="会易通账号信息")).to_be_visible()
            await fill(page, "姓", "王")
            await fill(page, "名", "芳")
            await fill(page, "账号邮箱", organizer)
            await expect(page.locator("select#language")).to_have_value("zh-Hans")
            await page.get_by_label("产品类型", exact=True).select_option(label="会易通标准版（剩余：2个）")
            await click(page, "创建账号")
            await shown("用户信息管理")
            await expect(page.locator("#page-notice")).to_have_text(f"{organizer} 的账号已开通，开通邀请邮件已发出。")
            await expect(page.locator("#remaining")).to_contain_text("剩余：1个")
            row = page.locator("#organizers tbody tr", has_text=organizer)
            await expect(row).to_contain_text("会易通标准版")
            await expect(row).to_contain_text("已邀请")
            await page.screenshot(path=tmp_path / "zh-product-list.png", full_page=True)

            # the invitation arrives in simplified Chinese, and the admin's copy
            [invitation] = await mails_to(mail_sink, organizer)
            assert not in_language(invitation, "zh-Hans"), in_language(invitation, "zh-Hans")
            assert invitation.subject == f"{account.customer_name}已为您开通会易通标准版账号", invitation.subject
            assert "组织者账号" in invitation.text, invitation.text
            [copy] = await mails_to(mail_sink, account.admin_email, subject="副本：已邀请")
            assert not in_language(copy, "zh-Hans"), in_language(copy, "zh-Hans")

            # 5. the organizer, in a browser of their own in Chinese, activates the account
            organizer_page = await language_page(browser, "zh-CN", problems)
            await organizer_page.goto(activation_link(invitation))
            await said_in(organizer_page, "zh-Hans", "开通您的会易通账号")
            leftovers.extend(await english_leftovers(organizer_page, names))
            await click(organizer_page, "开通")
            await said_in(organizer_page, "zh-Hans", "您的账号已开通")
            leftovers.extend(await english_leftovers(organizer_page, names))
            await page.reload()
            await expect(row).to_contain_text("已开通")

            # 6. 我的订单: the 会易通订单列表 in Shanghai time, 导出订单, 清空条件
            await menu.get_by_role("link", name="我的订单", exact=True).click()
            await shown("我的订单")
            await expect(page.locator("#orders thead")).to_contain_text("订单日期（中国时间）")  # the zone named
            await expect(page.locator("#orders tbody tr")).to_have_count(1)
            await expect(page.locator("#orders tbody tr")).to_contain_text("账号增加")
            await expect(page.locator("#orders tbody tr")).to_contain_text("2026年11月2日 17:30")  # 09:30 UTC
            await expect(page.get_by_role("link", name="清空条件", exact=True)).to_be_visible()
            await expect(page.get_by_role("button", name="搜索", exact=True)).to_be_visible()
            await page.screenshot(path=tmp_path / "zh-orders.png", full_page=True)
            async with page.expect_download() as download_info:
                await click(page, "导出订单（XLSX）")
            download = await download_info.value
            saved = tmp_path / download.suggested_filename
            await download.save_as(saved)
            sheet = openpyxl.load_workbook(saved).active
            assert sheet is not None
            if LATIN_WORD.search(sheet.title):
                leftovers.append(f"export {saved.name}: the sheet's name {sheet.title!r}")
            titles, cells = [cell.value for cell in sheet[1]], [cell.value for cell in sheet[2]]
            assert titles[:4] == ["编号", "客户名称", "订单日期（中国时间）", "订单性质"], titles
            assert cells[1] == account.customer_name and cells[2] == datetime(2026, 11, 2, 17, 30), cells
            # what the page shows in Chinese, the file shows so too (the order's kind, customer type, edition)
            page_row = await page.locator("#orders tbody tr td").all_inner_texts()
            for title, value, shown_value in zip(titles, cells, page_row[1:], strict=True):
                if isinstance(value, str) and value != shown_value.strip():
                    leftovers.append(f"export {saved.name} «{title}»: {value!r} (the page shows {shown_value!r})")

            # 7. the admin's language and the account's time zone (the menu's entry is checked by the scan above)
            await menu.locator('a[href="/admin/preferences"]').click()
            await speaks(page, "zh-Hans")
            await expect(page.locator("select#language")).to_have_value("zh-Hans")
            await expect(page.locator("select#time_zone")).to_have_value("Asia/Shanghai")
            leftovers.extend(await english_leftovers(page, [*names, *ZONE_IDS]))

            await click(page, "退出登录")
            await shown("企业管理员自助服务")
            await expect(page.locator("#page-notice")).to_have_text("您已退出登录。")
            assert problems == []
            assert leftovers == [], "English left on the Chinese pages:\n" + "\n".join(dict.fromkeys(leftovers))
        finally:
            await browser.close()


# ---------------------------------------------------------------------------------------------- 3. German seats


async def test_the_seat_portal_in_german_and_the_receipt_in_german(
    ts_env: WorkflowEnvironment, workflow_db: tuple[str, SessionFactory], mail_sink: MailSink, tmp_path: Path
) -> None:
    port, settings = served_settings(workflow_db[0], mail_sink, f"onramp-de-seat-browser-{uid()}")
    sessions = workflow_db[1]
    today = (await ts_env.get_current_time()).date()
    account = await seat_account(sessions, settings, today, language="de", time_zone="Europe/Berlin")
    app = create_app(settings, client=ts_env.client, sessions=sessions)
    async with browser_client(app) as http:  # the first password change over the API: the Chinese run clicks it
        await ready_admin(http, account)

    async with (
        build_worker(ts_env.client, settings.task_queue, all_activities(sessions, settings.mail_config())),
        serving(app, port) as base_url,
        async_playwright() as p,
    ):
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            problems = Problems()
            page = await language_page(chromium, "de-DE", problems)
            leftovers: list[str] = []
            # the seed keeps these in English in its German text ("das Feld New Seat Qty", "Corporate Account Services")
            names = [*BRANDS, "New Seat Qty", "Corporate Account Services", "Corporate Billing Portal", "Visa"]
            names += [account.customer_name, account.account_no, settings.corporate_account_services_hours]

            async def shown(title: str) -> None:
                await said_in(page, "de", title)
                leftovers.extend(await english_leftovers(page, names, ENGLISH_WORD))

            # 1. log in to the portal
            await page.goto(f"{base_url}/admin/login")
            await fill(page, "Benutzername", account.admin_email)
            await fill(page, "Passwort", NEW_PASSWORD)
            await click(page, "Anmelden")
            await shown("Benutzerinformationen")

            # 2. Abonnements, in the service menu (seed 002: "die Registerkarte Abonnements")
            menu = page.get_by_role("navigation", name="Servicemenü")
            await menu.get_by_role("link", name="Abonnements", exact=True).click()
            await shown("Abonnements")
            meeting = page.locator("#subscriptions tbody tr", has_text="GoTo Meeting").filter(has_text="Enterprise")
            await expect(meeting.locator("td").nth(2)).to_have_text("3")
            await expect(meeting).to_contain_text(f"{account.renewal:%d.%m.%Y}")  # a German date
            connect = page.locator("#subscriptions tbody tr", has_text="GoTo Connect")
            await expect(connect).to_contain_text("Nein: wenden Sie sich an Corporate Account Services")
            await page.screenshot(path=tmp_path / "de-subscriptions.png", full_page=True)

            # 3. Sitze hinzufügen: New Seat Qty, then Warenkorb speichern und überprüfen
            await page.get_by_role("link", name="Sitze hinzufügen", exact=True).click()
            await shown("Sitze hinzufügen")
            await fill(page, "New Seat Qty für GoTo Meeting Enterprise", "0")
            await click(page, "Warenkorb speichern und überprüfen")
            await expect(page.locator("#qty-goto-meeting-enterprise-error")).to_have_text(
                "Geben Sie eine ganze Zahl von Plätzen ein, 1 oder mehr."
            )
            leftovers.extend(await english_leftovers(page, names, ENGLISH_WORD))
            await fill(page, "New Seat Qty für GoTo Meeting Enterprise", "5")
            await click(page, "Warenkorb speichern und überprüfen")

            # 4. the quote, in German money (1.234,56 €)
            await shown("Ihr Angebot")
            await expect(page.locator("#quote tbody tr")).to_have_count(1)
            await page.screenshot(path=tmp_path / "de-quote.png", full_page=True)
            await expect(page.locator("#tax")).to_have_text("52,80 €")
            await expect(page.locator("#total")).to_have_text("292,80 €")
            await click(page, "Fortfahren zur Zahlung")

            # 5. Zahlungsinformationen: admin contact, a new card (the sandbox's test card), billing address
            await shown("Zahlungsinformationen")
            await expect(page.get_by_label("E-Mail", exact=True)).to_have_value(account.admin_email)
            for label, name in [
                ("Vorname", "first_name"),
                ("Nachname", "last_name"),
                ("E-Mail", "email"),
                ("Kartennummer", "card_number"),
                ("Ablaufdatum (MM/JJJJ)", "card_expiry"),
                ("Firma", "company"),
                ("Straße und Hausnummer", "street"),
                ("Postleitzahl", "postal_code"),
                ("Ort", "city"),
                ("Ländercode", "country"),
            ]:
                await fill(page, label, GERMAN_PAYMENT.get(name, PAYMENT[name]))
            await click(page, "Speichern und Fortfahren")

            # 6. the Service-Bestellung, then Service-Bestellung aufgeben
            await shown("Service-Bestellung")
            await expect(page.locator(".details")).to_contain_text(account.billing_email)
            await expect(page.locator("#tax-name")).to_contain_text("MwSt")  # billed in Berlin: Germany's 19%
            await expect(page.locator("#total")).to_have_text("285,60 €")
            await page.screenshot(path=tmp_path / "de-service-order.png", full_page=True)
            await click(page, "Service-Bestellung aufgeben")

            # 7. processed: the page refreshes itself until the order is completed
            await shown("Ihre Plätze wurden hinzugefügt")
            order_no = await page.locator("#order-no").inner_text()
            await expect(page.locator("#outcome")).to_contain_text(
                f"Service-Bestellung {order_no} ist abgeschlossen: 5 "
            )
            charged = "285,60 € wurden der Visa-Karte mit den Endziffern 4242 belastet."
            if charged not in " ".join((await page.locator("#outcome").inner_text()).split()):
                leftovers.append(f"#outcome: not {charged!r} but {await page.locator('#outcome').inner_text()!r}")
            await expect(page.locator("#outcome")).to_contain_text(
                f"Eine Bestätigungs-E-Mail mit der Quittung ist unterwegs an den Rechnungskontakt {account.billing_email}."
            )
            leftovers.extend(await english_leftovers(page, [*names, order_no], ENGLISH_WORD))
            await page.screenshot(path=tmp_path / "de-completed.png", full_page=True)

            # the receipt reaches the billing contact, in German (the account's language)
            [receipt] = await mails_to(mail_sink, account.billing_email, subject=order_no)
            assert not in_language(receipt, "de"), in_language(receipt, "de")
            assert receipt.subject == f"Quittung für Ihre Platzbestellung {order_no}", receipt.subject
            assert re.search(r"Gesamt:\s+285,60\s€", receipt.text), receipt.text  # a no-break space before €
            assert "4242 4242 4242 4242" not in receipt.text

            await page.get_by_role("link", name="Zurück zu Abonnements", exact=True).click()
            await shown("Abonnements")
            await expect(meeting.locator("td").nth(2)).to_have_text("8")
            assert problems == []
            assert leftovers == [], "English left on the German pages:\n" + "\n".join(dict.fromkeys(leftovers))
        finally:
            await chromium.close()


# ---------------------------------------------------------------------------------------------- 4. Assist, zh-Hant


async def test_webex_assist_in_traditional_chinese_from_order_now_to_the_confirmation_and_the_booking_found(
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
    async with assist_db() as session:
        on_site = await assist_store.scheduled_session(session, launch.session_key)
    when = on_site.scheduled.session if on_site else launch.session
    day = f"{when.date.year}年{when.date.month}月{when.date.day}日"  # the date as a reader in Taipei writes it
    email = f"mei-{uid()}@yitong-customer.example"
    port = free_port()
    app = create_app(settings, client=client, sessions=assist_db)

    async with serving(app, port) as base_url, async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            problems = Problems()
            page = await language_page(chromium, "zh-TW", problems)  # a browser in Taipei
            leftovers: list[str] = []
            names = [*BRANDS, *ASSIST_NAMES, *ZONE_IDS, DEMO_SITE, DEMO_HOST_ID, "Yitong product launch 2027"]
            names += ["Yitong Technology", "WA-261121-3F9A0C"]  # the demo site's title; the example number
            names.append(DEMO_COORDINATOR.name)  # the demo site's scheduling coordinator, on the confirmation

            async def shown(title: str, scan: bool = True) -> None:
                await said_in(page, "zh-Hant", title)
                if scan:
                    leftovers.extend(await english_leftovers(page, names))

            # the landing page: 協助服務, each package with its 立即訂購
            await page.goto(f"{base_url}/assist")
            await shown("Webex 協助服務")
            await page.screenshot(path=tmp_path / "zh-hant-landing.png", full_page=True)
            package = page.locator("#packages li", has_text="Event Center 標準協助服務")
            await package.get_by_role("link", name="立即訂購：Event Center 標準協助服務", exact=True).click()

            # step 1, 可用性 (seed 004: 姓和名, 電話號碼, 電子郵件地址, 公司名稱, WebEx 網站, 服務包, 開始日期, 持續時間)
            await shown("可用性")
            await expect(page.get_by_label("服務包", exact=True)).to_have_value("ec_standard")
            await fill(page, "名", "美")
            await fill(page, "姓", "陳")
            await fill(page, "電話號碼", "+886 2 2345 6789")
            await fill(page, "電子郵件地址", email)
            await fill(page, "公司名稱", "易通科技")
            await choose(page, "Webex 網站", DEMO_SITE)
            await fill(page, "開始日期", when.date.isoformat())
            await choose(page, "開始時間", f"{when.time:%H:%M}")
            await choose(page, "持續時間", str(when.duration_minutes))
            await page.screenshot(path=tmp_path / "zh-hant-availability.png", full_page=True)
            await click(page, "下一步")

            # step 2, 會議查詢: scheduled with my host ID
            await shown("會議查詢", scan=False)
            number = (await page.locator("#order-no").inner_text()).strip()
            names.append(number)
            leftovers.extend(await english_leftovers(page, names))
            await page.get_by_label("是，我已使用我的 Webex 主持人 ID 排定", exact=True).check()
            await fill(page, "主持人 ID", DEMO_HOST_ID)
            await fill(page, "主持人電子郵件地址", DEMO_HOST_EMAIL)
            await click(page, "下一步")

            # step 3, 活動資訊: filled from the site
            await shown("活動資訊")
            await expect(page.get_by_label("主題", exact=True)).to_have_value("Yitong product launch 2027")
            await fill(page, "預計參加者人數", "400")
            await fill(page, "語言（如果不是英語）", "國語")
            await click(page, "提交訂單")

            # step 4, 確認: the 預約號碼, the session as Taipei writes it
            await shown("您的協助服務已預約", scan=False)
            producer = (await page.locator("#producer").inner_text()).split("(")[0].strip()
            names.append(producer)  # the producer's name
            leftovers.extend(await english_leftovers(page, names))
            await expect(page.locator("#reservation-no")).to_have_text(number)
            await expect(page.locator("#main")).to_contain_text("預約號碼")
            await expect(page.locator("#session")).to_contain_text(day)
            await expect(page.locator("#session")).to_contain_text("台北")
            await expect(page.locator("#fee")).to_have_text("US$650.00")
            await expect(page.locator("#fee-note")).to_contain_text("實際費用將按您的合約費率計算")  # the seed's words
            await page.screenshot(path=tmp_path / "zh-hant-confirmation.png", full_page=True)

            # the confirmation mail, in traditional Chinese (the language they ordered in)
            [confirmed] = await mails_to(mail_sink, email)
            assert not in_language(confirmed, "zh-Hant"), in_language(confirmed, "zh-Hant")
            assert confirmed.subject.startswith(f"Webex 協助服務已確認：{number}，"), confirmed.subject
            assert day in confirmed.subject, confirmed.subject
            assert "預約號碼" in confirmed.text, confirmed.text

            # find the booking again, in a browser that has never seen it: 更新或取消協助服務, 預約號碼, 搜尋
            await page.context.close()
            page = await language_page(chromium, "zh-TW", problems)
            await page.goto(f"{base_url}/assist")
            await page.get_by_role("link", name="查詢我的預約", exact=True).click()
            await shown("更新或取消協助服務")
            await fill(page, "預約號碼", number)
            await fill(page, "聯絡人電子郵件地址", email)
            await click(page, "搜尋")
            await shown("您的協助服務預約")
            await expect(page.locator("#status")).to_have_text("已確認")
            await expect(page.locator("#readonly")).to_contain_text("Yitong product launch 2027")
            await expect(page.get_by_role("link", name="更新日期/時間", exact=True)).to_be_visible()
            await expect(page.get_by_role("link", name="取消協助服務", exact=True)).to_be_visible()
            await page.screenshot(path=tmp_path / "zh-hant-booking.png", full_page=True)
            assert problems == []
            assert leftovers == [], "English left on the Assist pages:\n" + "\n".join(dict.fromkeys(leftovers))
        finally:
            await chromium.close()


async def chinese_account(sessions: SessionFactory, settings: Settings) -> PortalAccount:
    """An account of seed 000's customer in Shanghai: simplified Chinese, Shanghai time, a GoTo Meeting Enterprise
    seat and two Standard ones; its admin's first password is FIRST_PASSWORD (in the welcome mail)."""
    tag = uid()
    account = NewAccount(
        account_no=f"T-{tag}",
        company=CompanyInfo(
            customer_name=f"上海电信 {tag}",
            admin_email=f"admin-{tag}@yitong-{tag}.example",
            admin_name="李伟",
            admin_phone="+86 21 5555 0100",
            province="上海",
            city="上海",
        ),
        billing_contact_email=f"billing-{tag}@yitong-{tag}.example",
        billing_contact_name="张敏",
        language="zh-Hans",
        time_zone="Asia/Shanghai",
        subscriptions=[
            SubscriptionLine(
                product=Product.GOTO_MEETING,
                edition=edition,
                seats=seats,
                unit_price=Decimal("144.00"),
                renewal_date=date(2027, 6, 30),
            )
            for edition, seats in ((Edition.ENTERPRISE, 1), (Edition.STANDARD, 2))
        ],
        initial_password=FIRST_PASSWORD,
    )
    await create_account(sessions, settings, account)
    return PortalAccount(account.account_no, str(account.company.admin_email), account.company.customer_name)


async def on_the_right(aside: Locator, main: Locator, screenshot: Path) -> None:
    """The step list (``aside``) is on the right of the main content, as a right-to-left page mirrors it (the
    screenshot, saved before, is named in the failure)."""
    aside_box = await aside.bounding_box()
    main_box = await main.bounding_box()
    assert aside_box is not None and main_box is not None, f"no step list or no main content; screenshot {screenshot}"
    assert aside_box["x"] >= main_box["x"] + main_box["width"] - TOLERANCE, (
        f"the step list (x {aside_box['x']:.0f}-{aside_box['x'] + aside_box['width']:.0f}) is not on the right of "
        f"the main content (x {main_box['x']:.0f}-{main_box['x'] + main_box['width']:.0f}); screenshot {screenshot}"
    )
