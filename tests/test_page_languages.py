"""Pages speak their reader's language (the enterprise admin portal, seed 000, first): the browser's
Accept-Language picks it, the language menu's choice (a cookie) beats it, Arabic reads right to left, dates are
written the locale's way, and the menu's round trip leads back to the same page — a link's token included —
and never to another site."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from models.account_services import AccountServices
from models.accounts import Edition, Product
from models.languages import SupportedLanguage
from models.partner_order import PartnerOrderInput
from starter.mail_sink import MailSink
from starter.settings import Settings
from starter.web import reading
from starter.web.app import create_app
from store import SessionFactory
from tests.admin_support import (
    PortalAccount,
    add_order,
    browser,
    forget_opening,
    mails_to,
    new_account,
    ready_admin,
    uid,
)
from tests.seat_portal_support import seat_account
from tests.wizard_support import order_awaiting_setup

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}
AR = {"Accept-Language": "ar-EG"}


@pytest.fixture
async def app(settings: Settings, workflow_db: tuple[str, SessionFactory]) -> FastAPI:
    return create_app(settings, sessions=workflow_db[1])


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with browser(app) as http:
        yield http


def html_tag(page: httpx.Response) -> str:
    found = re.search(r"<html[^>]*>", page.text)
    assert found, page.text[:200]
    return found.group(0)


def _by_tag(nav: str) -> dict[str, str]:
    """The language menu's links, by the tag of their language."""
    return {tag: href.replace("&amp;", "&") for href, tag in re.findall(r'<a href="([^"]+)" lang="([^"]+)"', nav)}


async def test_a_chinese_browser_reads_the_login_page_in_the_seeds_words(http: httpx.AsyncClient) -> None:
    page = await http.get("/admin/login", headers=ZH)
    assert page.status_code == 200
    assert html_tag(page) == '<html lang="zh-Hans">'
    assert "<title>登录 · 企业管理员自助服务</title>" in page.text
    assert '<label for="username" class="required">用户名</label>' in page.text
    assert '<label for="password" class="required">密码</label>' in page.text
    assert "请使用开通邮件中的登录账号及密码登录自助服务系统。" in page.text
    assert "如果您在使用中遇到任何困难与问题，可以联系技术支持：400-820-6688。" in page.text
    assert "Log in" not in page.text
    assert 'aria-current="true">简体中文</a>' in page.text
    assert "Vary" in page.headers and "Accept-Language" in page.headers["Vary"]


async def test_traditional_chinese_is_told_by_the_region(http: httpx.AsyncClient) -> None:
    page = await http.get("/admin/login", headers={"Accept-Language": "zh-TW"})
    assert html_tag(page) == '<html lang="zh-Hant">'
    assert "企業管理員自助服務" in page.text and "使用者名稱" in page.text


async def test_arabic_reads_right_to_left(http: httpx.AsyncClient) -> None:
    page = await http.get("/admin/login", headers=AR)
    assert html_tag(page) == '<html lang="ar" dir="rtl">'
    assert "تسجيل الدخول" in page.text
    assert '<a href="/language/en?next=/admin/login" lang="en" hreflang="en" dir="ltr">English</a>' in page.text


async def test_an_unknown_language_is_english(http: httpx.AsyncClient) -> None:
    page = await http.get("/admin/login", headers={"Accept-Language": "fr-CH, pt;q=0.8"})
    assert html_tag(page) == '<html lang="en">'
    assert "Enterprise admin self-service" in page.text


async def test_every_language_is_in_the_menu_in_its_own_name(http: httpx.AsyncClient) -> None:
    page = await http.get("/admin/login?next=/admin/orders")
    links = _by_tag(page.text)
    assert set(links) == {"en", "zh-Hans", "zh-Hant", "de", "sl", "ar"}
    for name in ("English", "简体中文", "繁體中文", "Deutsch", "Slovenščina", "العربية"):
        assert f">{name}</a>" in page.text
    assert parse_qs(urlsplit(links["sl"]).query)["next"] == ["/admin/login?next=/admin/orders"]


async def test_the_menus_choice_is_remembered_and_beats_the_browser(http: httpx.AsyncClient) -> None:
    chinese = await http.get("/admin/login", headers=ZH)
    chosen = await http.get(_by_tag(chinese.text)["de"], headers=ZH)
    assert chosen.status_code == 303 and chosen.headers["location"] == "/admin/login"
    cookie = chosen.headers["set-cookie"]
    assert cookie.startswith("onramp_language=de;")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=31536000" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # the tests' public URL is http
    german = await http.get(chosen.headers["location"], headers=ZH)
    assert html_tag(german) == '<html lang="de">'
    assert "Self-Service für Unternehmensadministratoren" in german.text and "Benutzername" in german.text
    assert 'aria-current="true">Deutsch</a>' in german.text


async def test_over_https_the_cookie_is_secure_and_the_sites_own(
    settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    app = create_app(settings.model_copy(update={"public_base_url": "https://onramp.example"}), sessions=workflow_db[1])
    async with browser(app) as http:
        chosen = await http.get("/language/sl?next=/admin/login")
    cookie = chosen.headers["set-cookie"]
    assert cookie.startswith("__Host-onramp_language=sl;") and "Secure" in cookie and "Path=/" in cookie


@pytest.mark.parametrize(
    "target",
    ["//evil.example/admin", "https://evil.example/", "/\\evil.example", "/%09/evil.example".replace("%09", "\t")],
)
async def test_a_hostile_next_leads_home(http: httpx.AsyncClient, target: str) -> None:
    chosen = await http.get("/language/de", params={"next": target})
    assert chosen.status_code == 303 and chosen.headers["location"] == "/"


async def test_an_unknown_language_changes_nothing(http: httpx.AsyncClient) -> None:
    chosen = await http.get("/language/klingon?next=/admin/login")
    assert chosen.status_code == 303 and chosen.headers["location"] == "/admin/login"
    assert "set-cookie" not in chosen.headers or "onramp_language" not in chosen.headers["set-cookie"]


async def test_field_errors_and_page_titles_are_in_the_readers_language(
    http: httpx.AsyncClient, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    account = await new_account(workflow_db[1], settings)
    await ready_admin(http, account)
    http.cookies.set("onramp_language", "zh-Hans")
    new = await http.get("/admin/organizers/new")
    assert "<title>创建账号 · 企业管理员自助服务</title>" in new.text
    assert "<legend>会易通账号信息</legend>" in new.text
    assert "【会易通企业版】剩余：1个 · 【会易通标准版】剩余：2个" in new.text
    assert '<option value="GoTo Meeting|Enterprise" selected>会易通企业版（剩余：1个）</option>' in new.text
    blank = await http.post(
        "/admin/organizers/new",
        data={"last_name": " ", "first_name": "Ada", "email": "ada@yitong.example", "edition": "GoTo Meeting|Basic"},
    )
    assert blank.status_code == 422
    assert 'id="last_name-error">请填写此项。' in blank.text
    home = await http.get("/admin")
    assert '<h2 id="products">会易通产品列表</h2>' in home.text
    http.cookies.set("onramp_language", "sl")
    slovenian = await http.get("/admin/organizers/new")
    assert "GoTo Meeting Standard (preostaneta 2)" in slovenian.text  # the dual: two of them


async def test_the_order_list_writes_dates_the_locales_way(
    http: httpx.AsyncClient, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    account = await new_account(workflow_db[1], settings)
    await forget_opening(workflow_db[1], account.account_no)
    await add_order(workflow_db[1], account.account_no, ordered_at=datetime(2013, 1, 22, 9, 32, tzinfo=UTC))
    await ready_admin(http, account)
    english = await http.get("/admin/orders")
    assert "<td>2013-01-22 09:32</td>" in english.text and "Dates are in UTC." in english.text
    chinese = await http.get("/admin/orders", headers=ZH)
    assert "<td>2013年1月22日 09:32</td>" in chinese.text
    assert "<td>账号增加</td>" in chinese.text and "<td>集团</td>" in chinese.text
    assert '<th scope="col">订单性质</th>' in chinese.text and "清空条件" in chinese.text and "导出订单" in chinese.text
    assert "共 1 个订单。" in chinese.text
    german = await http.get("/admin/orders", headers={"Accept-Language": "de-AT"})
    assert "<td>22.01.2013, 09:32</td>" in german.text and "1 Bestellung." in german.text
    arabic = await http.get("/admin/orders", headers=AR)
    assert html_tag(arabic) == '<html lang="ar" dir="rtl">' and "عدد الطلبات: 1." in arabic.text


async def test_the_menu_keeps_the_query_of_the_page(
    http: httpx.AsyncClient, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    account = await new_account(workflow_db[1], settings)
    await ready_admin(http, account)
    filtered = await http.get("/admin/orders", params={"order_no": "NO-SUCH", "date_from": "2013-01-22"})
    back = await http.get(_by_tag(filtered.text)["zh-Hant"])
    assert back.headers["location"] == "/admin/orders?order_no=NO-SUCH&date_from=2013-01-22"
    again = await http.get(back.headers["location"])
    assert html_tag(again) == '<html lang="zh-Hant">' and "沒有符合條件的訂單。" in again.text


async def test_a_page_answering_a_post_leads_the_menu_to_a_page_one_can_get(
    http: httpx.AsyncClient, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    account = await new_account(workflow_db[1], settings)
    await ready_admin(http, account)
    refused = await http.post("/admin/organizers/action", data={"action": "reinvite"})
    assert refused.status_code == 400
    assert _by_tag(refused.text)["de"] == "/language/de?next=/admin"


async def test_the_activation_link_works_after_choosing_a_language(
    client: Client, settings: Settings, workflow_db: tuple[str, SessionFactory], mail_sink: MailSink
) -> None:
    """A page whose URL is its credential (the organizer's activation link) comes back whole from the menu."""
    account: PortalAccount = await new_account(
        workflow_db[1], settings, seats={(Product.GOTO_MEETING, Edition.STANDARD): 1}
    )
    app = create_app(settings, client=client, sessions=workflow_db[1])
    async with browser(app) as admin:
        await ready_admin(admin, account)
        ada = f"ada-{uid()}@yitong.example"
        created = await admin.post(
            "/admin/organizers/new",
            data={"last_name": "Lovelace", "first_name": "Ada", "email": ada, "edition": "GoTo Meeting|Standard"},
        )
        assert created.status_code == 303, created.text
    [invitation] = await mails_to(mail_sink, ada)
    [path] = [link.split("://", 1)[1].split("/", 1)[1] for link in invitation.links if "/activate/" in link]
    async with browser(app) as organizer:
        page = await organizer.get(f"/{path}")
        assert page.status_code == 200
        back = await organizer.get(_by_tag(page.text)["ar"])
        assert back.status_code == 303 and back.headers["location"] == f"/{path}"
        arabic = await organizer.get(back.headers["location"])
        assert arabic.status_code == 200
        assert html_tag(arabic) == '<html lang="ar" dir="rtl">'
        assert "فعّل حسابك في GoTo Meeting" in arabic.text and "GoTo Meeting القياسي" in arabic.text
        activated = await organizer.post(f"/{path}")
        assert activated.status_code == 200 and "حسابك مفعّل" in activated.text


async def test_pages_in_different_languages_render_side_by_side(http: httpx.AsyncClient) -> None:
    tags = ["de", "ar", "zh-TW", "sl", "zh-CN", "en"] * 4
    pages = await asyncio.gather(*(http.get("/admin/login", headers={"Accept-Language": tag}) for tag in tags))
    said = [re.search(r'<html lang="([^"]+)"', page.text).group(1) for page in pages]  # type: ignore[union-attr]
    assert said == ["de", "ar", "zh-Hant", "sl", "zh-Hans", "en"] * 4
    assert all(("Benutzername" in page.text) == (tag == "de") for tag, page in zip(tags, pages, strict=True))


def test_the_order_of_record_speaks_unless_the_reader_chose_or_their_browser_asks() -> None:
    """A route that knows its order's language (``reading.of_record``) speaks it, after the reader's choice and
    their browser's."""
    with reading.read_by(reading.Reader.of(None, "fr-FR, pt;q=0.8")):
        assert reading.gettext("Log in") == "Log in"
        assert reading.of_record("sl-SI") is SupportedLanguage.SLOVENIAN
        assert reading.gettext("Log in") == "Prijava"
    with reading.read_by(reading.Reader.of("ar", "de")):
        assert reading.of_record("sl") is SupportedLanguage.ARABIC
    assert reading.language() is SupportedLanguage.ENGLISH  # outside a request: nobody chose


# ---------------------------------------------------------------------------------------------- the other portals


class _TextNodes(HTMLParser):
    """A page's visible text nodes, each stripped, leaving out the language menu (each language in its own name)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._skipped = 0
        self.feed(re.sub(r'<nav class="languages".*?</nav>', "", html, flags=re.S))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "title"):
            self._skipped += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self._skipped -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipped and data.strip():
            self.nodes.append(" ".join(data.split()))


NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|[\w.-]+\.webex\.com|\d[\d.,:/ -]*")
"""What a page shows as it is in every language: addresses, links, numbers, dates."""
BRANDS = (
    "GoTo Meeting",
    "GoTo Webinar",
    "GoTo Connect",
    "GoTo Training",
    "Webex",
    "Cisco",
    "Corporate Account Services",
)


def english_left(english: str, german: str, *names: str) -> list[str]:
    """The German page's text nodes that read as on the English page and are more than names, numbers, addresses
    and brand names: a string nobody marked for translation."""
    same = set(_TextNodes(english).nodes)
    left = []
    for node in _TextNodes(german).nodes:
        if node not in same:
            continue
        rest = node
        for name in (*names, *BRANDS):  # before the numbers go: a name may hold some (opening hours)
            rest = rest.replace(name, " ")
        rest = NOT_WORDS.sub(" ", rest)
        if re.search(r"[A-Za-z]{3,}", rest):
            left.append(node)
    return left


async def _wizard(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink, language: str
) -> tuple[PartnerOrderInput, str]:
    tag = uuid.uuid4().hex[:8]
    return await order_awaiting_setup(
        client,
        ts_env,
        settings,
        mail_sink,
        partner_name=f"Partner {tag}",
        customer_name=f"Customer {tag}",
        language=language,
    )


async def test_the_wizard_speaks_the_orders_language_without_accept_language(
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    workflow_db: tuple[str, SessionFactory],
    mail_sink: MailSink,
) -> None:
    app = create_app(settings, client=client, sessions=workflow_db[1])
    o, token = await _wizard(client, ts_env, settings, mail_sink, "sl")
    async with browser(app) as web:
        start = await web.get(f"/setup/{token}")
        assert start.status_code == 200, start.text
        assert html_tag(start) == '<html lang="sl">'
        assert "Nastavi zdaj" in start.text and f"Nastavitev naročila {o.order_id}" in start.text
        assert "Začni nastavitev" in start.text and "Start the setup" not in start.text
        opened = await web.post(f"/setup/{token}/open", data={})
        assert opened.status_code == 303
        role = await web.get(opened.headers["location"])
        assert html_tag(role) == '<html lang="sl">'
        assert "<strong>Sem partner</strong>" in role.text and ">Sem partner</label>" in role.text
        assert "Naprej</button>" in role.text and "Vaša vloga" in role.text and "Nastavitev naročila" in role.text
        german = await web.get(f"/setup/{token}", headers={"Accept-Language": "de"})  # the browser's word wins
        assert html_tag(german) == '<html lang="de">' and "Ich bin Partner" in german.text
        left = await web.post(f"/setup/{token}/leave", data={})  # what the step did, in the order's language
        assert "Nič ni bilo shranjeno; povezava v e-poštnem sporočilu znova zažene čarovnika." in left.text

    o, token = await _wizard(client, ts_env, settings, mail_sink, "ar")
    async with browser(app) as web:
        await web.post(f"/setup/{token}/open", data={})
        role = await web.get(f"/setup/{token}")
        assert html_tag(role) == '<html lang="ar" dir="rtl">'
        assert "أنا شريك" in role.text and "إعداد الآن" in role.text and "التالي" in role.text


async def test_no_english_is_left_on_the_wizards_pages_in_german(
    client: Client,
    ts_env: WorkflowEnvironment,
    settings: Settings,
    workflow_db: tuple[str, SessionFactory],
    mail_sink: MailSink,
) -> None:
    app = create_app(settings, client=client, sessions=workflow_db[1])
    o, token = await _wizard(client, ts_env, settings, mail_sink, "en")
    names = (o.order_id, o.offer.value, o.partner_name, o.customer_name)
    async with browser(app) as web:
        english, german = [await web.get(f"/setup/{token}", headers={"Accept-Language": tag}) for tag in ("en", "de")]
        assert english_left(english.text, german.text, *names) == []
        await web.post(f"/setup/{token}/open", data={})
        english, german = [await web.get(f"/setup/{token}", headers={"Accept-Language": tag}) for tag in ("en", "de")]
        assert "Choose your role" in english.text and "Wählen Sie Ihre Rolle" in german.text
        assert english_left(english.text, german.text, *names) == []


async def test_the_seat_cart_in_german_uses_the_seeds_words(
    http: httpx.AsyncClient, settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    account = await seat_account(workflow_db[1], settings, datetime.now(UTC).date())
    await ready_admin(http, account)
    de = {"Accept-Language": "de-DE"}
    cart = await http.get("/admin/seat-orders/new", headers=de)
    assert cart.status_code == 200, cart.text
    assert html_tag(cart) == '<html lang="de">'
    assert '<h1 id="heading">Sitze hinzufügen</h1>' in cart.text
    assert "Warenkorb speichern und überprüfen</button>" in cart.text and "New Seat Qty" in cart.text
    assert "GoTo Connect unterstützt hier keine Platzerweiterungen." in cart.text
    assert '<td class="number">240,00\xa0€</td>' in cart.text  # money the German way
    listed = await http.get("/admin/subscriptions", headers=de)
    assert "Abonnements" in listed.text and ">Sitze hinzufügen</a>" in listed.text
    editions = ("Enterprise", "Standard", "Edition")  # the same words in German
    services = AccountServices()  # how to reach Corporate Account Services: settings, shown as they are
    names = (account.customer_name, account.account_no, "New Seat Qty", *editions, "EUR", "UTC", services.hours)
    for path in ("/admin/seat-orders/new", "/admin/subscriptions"):
        english, german = [await http.get(path, headers={"Accept-Language": tag}) for tag in ("en", "de")]
        assert english_left(english.text, german.text, *names) == [], path
