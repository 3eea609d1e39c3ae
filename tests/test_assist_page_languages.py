"""Webex Assist's pages (seed 004) in the reader's language, as a person sees them: the landing page, the package
comparison and the four ordering steps in traditional Chinese carry the seed's own words (立即訂購, 會議查詢, 活動資訊,
預約號碼, 更新日期/時間, 取消協助服務) and no English; Arabic reads right to left; every language's text nodes differ
from English's but for names, numbers and brands; a booking's pages speak the language it was ordered in to a reader
who asks for none, the language menu and the browser beating it; a field error in German; dates, zones, durations
and money the locale's way.

On a time-skipping server, database and worker of this module's own (tests/assist_env.py), as tests/test_assist_pages.py.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import time, timedelta
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.assist_time import SessionTime
from models.languages import SupportedLanguage
from starter.mail_sink import MailSink
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from tests.admin_support import mails_to
from tests.assist_env import (  # noqa: F401
    assist_db_fixture,
    client_fixture,
    settings_fixture,
    ts_env_fixture,
    worker_fixture,
)
from tests.assist_support import availability, book, new_site, schedule, session_at, uid
from tests.test_assist_pages import HOST, buttons, number_of, radio_values, saturate, step1
from tests.test_page_languages import BRANDS, NOT_WORDS, _by_tag, _TextNodes, html_tag
from tests.test_wizard_pages import browser, page
from translations import formats

L = SupportedLanguage
ZH_TW = {"Accept-Language": "zh-TW,zh;q=0.9"}
AR = {"Accept-Language": "ar-EG"}
DE = {"Accept-Language": "de-DE"}
ACCEPT = {
    L.ENGLISH: "en",
    L.SIMPLIFIED_CHINESE: "zh-CN",
    L.TRADITIONAL_CHINESE: "zh-TW",
    L.GERMAN: "de",
    L.SLOVENIAN: "sl",
    L.ARABIC: "ar",
}
NAMES = ("Meeting Center", "Training Center", "Event Center", "USD", "ID")
"""What the Assist pages show as it is in every language: the centers' brand names, a currency's code, "ID"."""
KEPT = ("Event Center Premium", "Event Center Standard", "Training Center Premium", "Meeting Center Premium", "Assist")
"""What German, Slovenian and Arabic write as English does: the packages' names (as the mails write them) and
Webex Assist's."""
TEST_NAMES = re.compile(r"WA-\d{6}-[0-9A-F]{6}|Producer [0-9a-f]{8}")
"""Reservation numbers, and the test producers' names (tests/assist_support.py: "Producer <tag>")."""


@pytest.fixture
def app(client: Client, settings: Settings, assist_db: SessionFactory) -> FastAPI:
    return create_app(settings, client=client, sessions=assist_db)


async def now(ts_env: WorkflowEnvironment) -> SessionTime:
    return session_at(await ts_env.get_current_time(), 30)


def texts(html: str) -> list[str]:
    """The page's visible text nodes, leaving out the language menu, the Webex sites (names, the data's own) and the
    time zone options (IANA names, the same in every language)."""
    return _TextNodes(re.sub(r'<select id="(site|time_zone)".*?</select>', "", html, flags=re.S)).nodes


def words_left(node: str, names: tuple[str, ...]) -> bool:
    """The node still has a word in a Latin script once names, reservation numbers, numbers, addresses and brands
    are left out."""
    node = TEST_NAMES.sub(" ", node)
    for name in sorted((*names, *NAMES, *BRANDS), key=len, reverse=True):
        node = node.replace(name, " ")
    return bool(re.search(r"[A-Za-z]{3,}", NOT_WORDS.sub(" ", node)))


def latin_left(html: str, *names: str) -> list[str]:
    """The text nodes that still read in a Latin script: on a page in Chinese, a string nobody translated."""
    return [node for node in texts(html) if words_left(node, names)]


def same_as_english(english: str, other: str, *names: str) -> list[str]:
    """The other page's text nodes that read exactly as on the English page and are more than names, numbers,
    addresses and brands."""
    same = set(texts(english))
    return [node for node in texts(other) if node in same and words_left(node, (*names, *KEPT))]


def zh(when: SessionTime) -> str:
    """A session as a page in traditional Chinese writes it."""
    return formats.span(when.starts_at, when.ends_at, L.TRADITIONAL_CHINESE, when.time_zone)


# ------------------------------------------------------------------ the seed's words, no English left


async def test_the_landing_page_reads_the_seeds_traditional_chinese(app: FastAPI) -> None:
    async with browser(app) as web:
        response = await web.get("/assist", headers=ZH_TW)
    p = await page(response)
    assert html_tag(response) == '<html lang="zh-Hant">'
    assert "<title>Webex 協助服務 · Webex 協助服務</title>" in p.raw
    assert p.heading == "Webex 協助服務"
    assert "在您訂購前" in p.text() and "在會議日期前至少提前 2 週下訂單。" in p.text()
    assert "Meeting Center 協助服務包括 30 分鐘的會議前支援和會議期間的實時協助。" in p.text()
    assert ">立即訂購</a>" in p.raw and 'aria-label="立即訂購：Event Center 高級協助服務"' in p.raw
    assert "<h3>Event Center 標準協助服務</h3>" in p.raw and "標準費用：<strong>US$650.00</strong>" in p.raw
    assert 'aria-current="page"' not in p.raw and ">訂購協助服務</a>" in p.raw and ">協助服務包比較</a>" in p.raw
    assert ">更新/取消協助服務</a>" in p.raw
    assert latin_left(response.text) == []


async def test_the_comparison_table_uses_the_seeds_service_names(app: FastAPI) -> None:
    async with browser(app) as web:
        response = await web.get("/assist/packages", headers=ZH_TW)
    p = await page(response)
    assert html_tag(response) == '<html lang="zh-Hant">' and p.heading == "協助服務包比較"
    table = p.text("comparison")
    assert table.startswith(
        "各服務包的服務 服務描述 Event Center 高級協助服務 Event Center 標準協助服務 Training Center 高級協助服務 "
        "Meeting Center 高級協助服務 活動前 活動前計劃階段作業 15 分鐘的通話"
    )
    for service in ("保留音樂", "民意調查協調者", "製作人主持", "共用內容", "已準備的視訊", "活動後報告", "錄製檔"):
        assert service in table
    assert "已包含 可選。按小時收費。至少 1.5 小時。" in table and "已包含 已包含 不適用 不適用" in table
    premium = p.text("package-ec_premium")
    assert "為 1 小時的活動提供 6.5 小時的製作時間。此製作時間不能被分割或自訂以服務多個活動。" in premium
    assert "標準費用 US$2,400.00" in premium and "邀請和註冊管理" not in premium
    assert "階段作業最長 1 小時；額外時間為附加服務。" in p.text("package-mc_premium")
    assert "邀請和註冊管理（Event Center 高級協助服務除外）。" in p.text("add-ons")
    assert latin_left(response.text) == []


@pytest.mark.parametrize("language", [language for language in L if language is not L.ENGLISH])
async def test_no_english_is_left_on_the_pages_anyone_can_open(
    app: FastAPI, assist_db: SessionFactory, language: SupportedLanguage
) -> None:
    site = await new_site(assist_db, producers=0)
    async with browser(app) as web:
        for path in ("/assist", "/assist/packages", "/assist/order?package=ec_premium", "/assist/find"):
            english = await web.get(path, headers={"Accept-Language": "en"})
            other = await web.get(path, headers={"Accept-Language": ACCEPT[language]})
            assert other.status_code == 200, (path, other.text[:500])
            assert f'<html lang="{language.value}"' in other.text, path
            assert same_as_english(english.text, other.text, site) == [], (language, path)


async def test_arabic_reads_right_to_left(app: FastAPI) -> None:
    async with browser(app) as web:
        for path in ("/assist", "/assist/packages", "/assist/find"):
            response = await web.get(path, headers=AR)
            assert html_tag(response) == '<html lang="ar" dir="rtl">', path
    p = await page(response)
    assert p.heading == "تحديث خدمة المساعدة أو إلغاؤها" and ">بحث</button>" in p.raw


# ------------------------------------------------------------------ ordering in traditional Chinese


async def test_an_order_in_traditional_chinese_goes_through_the_seeds_four_steps(
    app: FastAPI, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    site = await new_site(assist_db)
    when = await now(ts_env)
    await schedule(assist_db, site, when, topic="產品發表會", **HOST)
    email = f"mei-{uid()}@customer.example"
    async with browser(app) as web:
        response = await web.get("/assist/order?package=ec_standard", headers=ZH_TW)
        p = await page(response)
        assert html_tag(response) == '<html lang="zh-Hant">' and p.heading == "可用性"
        assert p.progress() == {"可用性": "current", "會議查詢": "todo", "活動資訊": "todo", "確認": "todo"}
        assert "<legend>客戶資訊</legend>" in p.raw and ">電話號碼</label>" in p.raw and ">公司名稱</label>" in p.raw
        assert (
            ">服務包</label>" in p.raw
            and '<option value="ec_standard" selected>Event Center 標準協助服務</option>' in p.raw
        )
        assert (
            ">開始日期</label>" in p.raw
            and ">持續時間</label>" in p.raw
            and '<option value="90">1 小時 30 分鐘</option>' in p.raw
        )
        assert ">下一步</button>" in p.raw and "Webex 網站的時區" in p.text()
        assert latin_left(response.text, site) == []

        response = await web.post("/assist/order", data=step1(site, when, email), headers=ZH_TW)
        p = await page(response)
        number = number_of(response)
        assert p.heading == "會議查詢" and p.text("order-no") == number
        assert f"第 2 步，共 4 步 · 訂單 {number}" in p.text()
        assert f"{site} 上的 Event Center 標準協助服務，{zh(when)}。" in p.text()
        assert ">是，我已使用我的 Webex 主持人 ID 排定</label>" in p.raw and ">主持人 ID</label>" in p.raw
        assert ">取消協助服務</button>" in p.raw
        assert latin_left(response.text, site, number) == []

        response = await web.post(f"/assist/order/{number}/lookup", data={"scheduled": "by_me", **HOST}, headers=ZH_TW)
        p = await page(response)
        assert p.heading == "活動資訊" and p.value("topic") == "產品發表會"
        assert p.text("found").startswith(f"我們已在 {site} 上找到您的階段作業")
        assert ">其它意見</label>" in p.raw and ">提交訂單</button>" in p.raw and ">取消協助服務</button>" in p.raw
        assert "如果您需要以英語以外的語言提供的協助，請在這裡指定語言。" in p.text()
        assert latin_left(response.text, site, number, "mei.lin") == []

        response = await web.post(f"/assist/order/{number}/event", data={"topic": "產品發表會"}, headers=ZH_TW)
        p = await page(response)
    assert response.url.path == f"/assist/order/{number}/confirmation"
    assert p.heading == "您的協助服務已預約" and p.progress()["確認"] == "current"
    assert f"預約號碼 {number}" in p.text() and "注意預約號碼。" in p.text()
    assert p.text("package") == "Event Center 標準協助服務" and p.text("session") == zh(when)
    assert p.text("fee") == "US$650.00"
    free_until = formats.zoned(when.starts_at - timedelta(days=7), L.TRADITIONAL_CHINESE, "Asia/Taipei")
    assert free_until.endswith("台北時間")
    assert p.text("policy") == (
        f"您可以隨時取消。在 {free_until}（階段作業開始前 7 天）之前取消不收取任何費用；此後的取消費用為 "
        "US$325.00（標準費用的 50%）。"
    )
    assert f'<span dir="ltr">{email}</span>' in p.raw  # an address stays left to right in any sentence
    assert latin_left(p.raw, site, email) == []
    [mail] = await mails_to(mail_sink, email)
    assert number in mail.subject and "協助服務" in mail.subject  # the mail speaks the language ordered in


async def test_slovenian_and_arabic_durations_take_their_plural_forms(app: FastAPI) -> None:
    async with browser(app) as web:
        slovenian = await page(await web.get("/assist/order", headers={"Accept-Language": "sl"}))
        arabic = await page(await web.get("/assist/order", headers=AR))
    assert '<option value="60" selected>1 ura</option>' in slovenian.raw  # an hour unless one chooses otherwise
    for minutes, said in (("15", "15 minut"), ("120", "2 uri"), ("210", "3 ure 30 minut"), ("300", "5 ur")):
        assert f'<option value="{minutes}">{said}</option>' in slovenian.raw
    assert '<option value="60" selected>ساعة واحدة</option>' in arabic.raw
    assert '<option value="120">ساعتان</option>' in arabic.raw and '<option value="180">3 ساعات</option>' in arabic.raw


async def test_no_free_producer_is_said_with_the_session_told_the_readers_way(
    app: FastAPI, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site = await new_site(assist_db, producers=0)
    when = session_at(await ts_env.get_current_time(), 50, at=time(9, 0))
    async with browser(app) as web:
        await saturate(web, assist_db, site, when)
        response = await web.post("/assist/order", data=step1(site, when, f"m-{uid()}@c.example"), headers=ZH_TW)
        p = await page(response)
    assert p.heading == "可用性"
    assert p.text("busy") == (f"{zh(when)} 沒有空閒的製作人。請選擇最近的空閒開始時間、其他日期和時間，或取消訂單。")
    assert p.text("alternatives-heading") == "最近的可用開始時間"
    assert buttons(p, "alternative")[0] == f"{when.date.isoformat()}T10:30"
    assert zh(when.moved_to(when.date, time(10, 30))) in p.text("alternatives")
    assert latin_left(response.text, site) == []


# ------------------------------------------------------------------ a booking speaks the language it was ordered in


async def test_a_booking_ordered_in_traditional_chinese_reads_it_unless_the_reader_asks_otherwise(
    app: FastAPI, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site = await new_site(assist_db)
    when = await now(ts_env)
    body = availability(site, when)
    email = body["customer"]["email"]
    async with browser(app) as api:
        api.headers.update(ZH_TW)  # the customer orders in traditional Chinese, over the API
        answer = await book(api, body)
    assert answer["confirmed"]
    number = answer["state"]["reservation_no"]

    async with browser(app) as web:  # a browser that asks for no language
        find = await page(await web.get("/assist/find"))
        assert find.heading == "Update or cancel an assist"  # no booking yet: the reader's own language
        response = await web.post("/assist/find", data={"reservation_no": number, "contact_email": email})
        p = await page(response)
        assert response.url.path == f"/assist/bookings/{number}"
        assert html_tag(response) == '<html lang="zh-Hant">'
        assert p.heading == "您的協助服務預約" and p.text("status") == "已確認"
        assert f"預約號碼 {number}" in p.text("readonly") and "Event Center 標準協助服務" in p.text("readonly")
        assert "台北時間" in p.text("readonly") and "1 小時" in p.text("readonly")
        assert ">更新日期/時間</a>" in p.raw and ">取消協助服務</a>" in p.raw
        customer = ("Mei Lin", "Yitong Trading", "Product launch")
        assert latin_left(response.text, site, number, email, *customer) == []

        reschedule = await page(await web.get(f"/assist/bookings/{number}/reschedule"))
        assert reschedule.heading == "更新日期/時間" and ">活動日期</label>" in reschedule.raw
        cancel = await page(await web.get(f"/assist/bookings/{number}/cancel"))
        assert cancel.heading == "要取消此協助服務嗎？" and ">是，取消協助服務</button>" in cancel.raw
        assert cancel.text("fee").startswith("無取消費用：在 ")

        # the browser's language beats the booking's
        german = await web.get(f"/assist/bookings/{number}", headers=DE)
        assert html_tag(german) == '<html lang="de">' and ">Datum/Uhrzeit ändern</a>" in german.text

        # and the language menu's choice beats both
        chosen = await web.get(_by_tag(response.text)["sl"])
        assert chosen.status_code == 200 and chosen.url.path == f"/assist/bookings/{number}"
        assert html_tag(chosen) == '<html lang="sl">'
        slovenian = await page(chosen)
        assert slovenian.heading == "Vaša rezervacija pomoči" and ">Prekliči pomoč</a>" in slovenian.raw
        assert html_tag(await web.get(f"/assist/bookings/{number}", headers=ZH_TW)) == '<html lang="sl">'


# ------------------------------------------------------------------ field errors and dates in German


async def test_field_errors_on_an_assist_form_are_in_german(
    app: FastAPI, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site = await new_site(assist_db)
    blank = step1(site, await now(ts_env), "keine-adresse", first_name=" ", time="", phone="Telefon?")
    async with browser(app) as web:
        web.headers.update(DE)
        p = await page(await web.post("/assist/order", data=blank), 422)
        assert p.heading == "Verfügbarkeit"
        assert p.text("first_name-error") == "Bitte füllen Sie dieses Feld aus."
        assert p.text("email-error") == "Geben Sie eine E-Mail-Adresse wie name@firma.de ein."
        assert p.text("time-error") == "Wählen Sie eine der Optionen."
        assert p.text("phone-error").startswith("Geben Sie eine Telefonnummer aus Ziffern")
        assert p.value("company") == "Yitong Trading"

        too_soon = step1(site, session_at(await ts_env.get_current_time(), 3), f"m-{uid()}@customer.example")
        p = await page(await web.post("/assist/order", data=too_soon), 422)
        assert p.text("date-error").startswith("Ein Assist muss mindestens 14 Tage vor der Sitzung bestellt werden")

        p = await page(
            await web.post("/assist/find", data={"reservation_no": "12", "contact_email": "a@b.example"}), 422
        )
        assert p.heading == "Assist ändern oder stornieren"
        assert p.text("reservation_no-error") == (
            "Geben Sie die Reservierungsnummer wie in Ihrer Bestätigungs-E-Mail ein, z. B. WA-261121-3F9A0C."
        )


async def test_a_booking_in_german_writes_its_dates_fee_and_policy_the_german_way(
    app: FastAPI, ts_env: WorkflowEnvironment, assist_db: SessionFactory
) -> None:
    site = await new_site(assist_db)
    when = await now(ts_env)
    async with browser(app) as web:
        web.headers.update(DE)
        response = await web.post("/assist/order", data=step1(site, when, f"m-{uid()}@customer.example"))
        number = number_of(response)
        assert radio_values(await page(response), "scheduled") == ["by_me", "by_someone_else"]
        await web.post(f"/assist/order/{number}/lookup", data={"scheduled": "by_someone_else"})
        p = await page(await web.post(f"/assist/order/{number}/event", data={"topic": "Produktstart"}))
    assert p.heading == "Ihr Assist ist gebucht"
    session = formats.span(when.starts_at, when.ends_at, L.GERMAN, when.time_zone)
    assert p.text("session") == session and session.endswith("Taipeh-Zeit")
    assert formats.money(Decimal("650"), "USD", L.GERMAN) == "650,00\xa0$"
    assert p.text("fee") == "650,00 $"  # as a person reads it: the no-break space is a space
    until = formats.zoned(when.starts_at - timedelta(days=7), L.GERMAN, "Asia/Taipei")
    assert p.text("policy") == (
        f"Sie können jederzeit stornieren. Bis {until}, 7 Tage vor der Sitzung, ist die Stornierung kostenlos; "
        "danach beträgt die Stornogebühr 325,00 $ (50 % der Standardgebühr)."
    )


# ------------------------------------------------------------------ every page of a booking, in every language


SAME_WORDS = {L.GERMAN: ("Status", "Host", "Producer")}
"""Words a language writes as English does."""
Check = Callable[[str], Awaitable[None]]


async def through_a_booking(web: httpx.AsyncClient, site: str, when: SessionTime, email: str, check: Check) -> None:
    """Every page a booking has, from its first step to its cancellation, each checked (``check``, by its path) when
    the booking is there (the browser's language set by the caller)."""
    response = await web.post("/assist/order", data=step1(site, when, email))
    number = number_of(response)
    for path in (f"/assist/order/{number}", f"/assist/order/{number}/lookup"):
        await check(path)
    await web.post(f"/assist/order/{number}/lookup", data={"scheduled": "by_me", **HOST})
    await check(f"/assist/order/{number}/event")
    await web.post(f"/assist/order/{number}/event", data={"topic": "Launch", "expected_attendees": "40"})
    new = when.moved_to(when.date + timedelta(days=2), when.time)
    site_page = f"/assist/bookings/{number}/reschedule/site?date={new.date.isoformat()}&time={new.time:%H:%M}"
    booking = f"/assist/bookings/{number}"
    for path in (f"/assist/order/{number}/confirmation", booking, f"{booking}/reschedule", site_page):
        await check(path)
    await check(f"{site_page}&updated=no")
    moved = await web.post(
        f"{booking}/reschedule/site",
        data={"date": new.date.isoformat(), "time": f"{new.time:%H:%M}", "updated": "no", "update_for_me": "yes"},
    )
    assert moved.url.path == f"{booking}/rescheduled", moved.text[:500]
    for path in (f"{booking}/rescheduled?site=moved", booking, f"{booking}/cancel"):
        await check(path)
    cancelled = await web.post(f"{booking}/cancel", data={"confirm": "yes"})
    assert cancelled.url.path == f"{booking}/cancelled"
    for path in (f"{booking}/cancelled", booking):
        await check(path)


@pytest.mark.parametrize("language", [language for language in L if language is not L.ENGLISH])
async def test_no_english_is_left_on_any_page_of_a_booking(
    app: FastAPI, ts_env: WorkflowEnvironment, assist_db: SessionFactory, language: SupportedLanguage
) -> None:
    site = await new_site(assist_db)
    when = await now(ts_env)
    await schedule(assist_db, site, when, **HOST)
    email = f"mei-{uid()}@customer.example"
    names = (site, email, "Mei Lin", "Yitong Trading", "Launch", HOST["host_id"], *SAME_WORDS.get(language, ()))
    checked: list[str] = []

    async def check(path: str) -> None:
        english = await web.get(path, headers={"Accept-Language": "en"})
        other = await web.get(path)
        assert other.status_code == 200 and english.url == other.url, (path, other.url, other.text[:500])
        assert f'<html lang="{language.value}"' in other.text, path
        assert same_as_english(english.text, other.text, *names) == [], (language, path)
        if language in (L.SIMPLIFIED_CHINESE, L.TRADITIONAL_CHINESE):
            assert latin_left(other.text, *names) == [], (language, path)
        checked.append(path)

    async with browser(app) as web:
        web.headers["Accept-Language"] = ACCEPT[language]
        await through_a_booking(web, site, when, email, check)
    assert len(checked) == 13
