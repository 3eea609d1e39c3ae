"""Each recipient reads their own language, stored with them: the billing contact and the enterprise admin the
account's (until the admin chooses theirs in the portal), the organizers their admin's (until they choose theirs
when activating); and the account's dates are told in the account's time zone, with the zone named."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import httpx
from fastapi import FastAPI
from sqlalchemy import select
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

from starter.mail_sink import MailSink
from starter.settings import Settings
from starter.web.app import create_app
from store import SessionFactory
from store.tables import Organizer
from tests.admin_support import (
    activation_path,
    add_order,
    browser,
    mails_to,
    ready_admin,
    uid,
)
from tests.admin_support import (
    new_account as portal_account,
)
from tests.seat_support import add_card, new_account, start, step, up_to_service_order


def _selected(page: str, field: str) -> str:
    """The value of the chosen option of a form's select."""
    select = re.search(rf'<select id="{field}" name="{field}".*?</select>', page, re.S)
    assert select, f"no select {field}"
    chosen = re.search(r'<option value="([^"]+)"[^>]*? selected>', select.group(0))
    assert chosen, f"nothing chosen in {field}"
    return chosen.group(1)


async def test_the_billing_contact_reads_the_receipt_in_the_accounts_language(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, mail_sink: MailSink
) -> None:
    account_no = await new_account(http, (await ts_env.get_current_time()).date(), language="de-AT")
    order_no = (await start(http, account_no))["order_no"]
    await up_to_service_order(http, order_no, await add_card(http, account_no))
    await step(http, order_no, "place")
    [receipt] = await mails_to(mail_sink, f"billing-{account_no.lower()}@yitong.example", subject="Quittung")
    assert receipt.message["Content-Language"] == "de"
    assert receipt.subject == f"Quittung für Ihre Platzbestellung {order_no}"


async def test_the_welcome_mail_is_in_the_accounts_language(http: httpx.AsyncClient, mail_sink: MailSink) -> None:
    account_no = await new_account(http, datetime.now(UTC).date(), language="zh-CN")
    [welcome] = await mails_to(mail_sink, f"admin-{account_no.lower()}@yitong.example", subject="企业管理员账号")
    assert welcome.message["Content-Language"] == "zh-Hans"
    assert welcome.subject == "您在Shanghai Yitong Network Technology Co., Ltd.的企业管理员账号"


async def test_the_admins_language_is_theirs_and_their_organizers_until_these_choose_their_own(
    http: httpx.AsyncClient,
    client: Client,
    settings: Settings,
    workflow_db: tuple[str, SessionFactory],
    mail_sink: MailSink,
) -> None:
    app = create_app(settings, client=client, sessions=workflow_db[1])
    account = await portal_account(workflow_db[1], settings)
    async with browser(app) as admin:
        await ready_admin(admin, account)
        form = await admin.get("/admin/preferences")
        assert (_selected(form.text, "language"), _selected(form.text, "time_zone")) == ("en", "UTC")
        assert '<option value="Asia/Ho_Chi_Minh">Asia/Ho Chi Minh</option>' in form.text
        assert '<option value="ar" lang="ar">العربية</option>' in form.text  # each language named in itself
        assert 'value="Factory"' not in form.text and 'value="Etc/GMT+1"' not in form.text  # places, not aliases
        saved = await admin.post("/admin/preferences", data={"language": "zh-Hans", "time_zone": "Asia/Shanghai"})
        assert saved.status_code == 303 and saved.headers["location"].startswith("/admin?notice=preferences")
        assert saved.headers["set-cookie"].startswith("onramp_language=zh-Hans;")
        home = await admin.get(saved.headers["location"])
        assert '<html lang="zh-Hans">' in home.text and "您的语言和账号时区已保存。" in home.text

        new = await admin.get("/admin/organizers/new")
        assert _selected(new.text, "language") == "zh-Hans"
        email = f"wang-{uid()}@yitong.example"
        created = await admin.post(
            "/admin/organizers/new",
            data={
                "last_name": "Wang",
                "first_name": "Fang",
                "email": email,
                "edition": "GoTo Meeting|Standard",
                "language": "zh-Hans",
            },
        )
        assert created.status_code == 303, created.text
    [invitation] = await mails_to(mail_sink, email)
    assert invitation.message["Content-Language"] == "zh-Hans"
    [copy] = await mails_to(mail_sink, account.admin_email, subject="副本")
    assert copy.message["Content-Language"] == "zh-Hans"

    async with browser(app) as organizer:  # a browser of the organizer's own, asking for no language
        page = await organizer.get(activation_path(invitation))
        assert '<html lang="zh-Hans">' in page.text and _selected(page.text, "language") == "zh-Hans"
        action = re.search(r'<form method="post" action="([^"]+)"', page.text)
        assert action
        done = await organizer.post(action.group(1), data={"language": "de"})
        assert done.status_code == 200 and '<html lang="de">' in done.text
    async with workflow_db[1]() as session:
        row = (await session.execute(select(Organizer).where(Organizer.email == email))).scalar_one()
    assert (row.status, row.language) == ("active", "de")


async def test_the_order_list_tells_its_dates_in_the_accounts_zone(
    settings: Settings, workflow_db: tuple[str, SessionFactory]
) -> None:
    app: FastAPI = create_app(settings, sessions=workflow_db[1])
    account = await portal_account(workflow_db[1], settings)
    await add_order(workflow_db[1], account.account_no, ordered_at=datetime(2013, 1, 22, 20, 0, tzinfo=UTC))
    async with browser(app) as admin:
        await ready_admin(admin, account)
        saved = await admin.put("/api/admin/preferences", json={"language": "en", "time_zone": "Asia/Shanghai"})
        assert saved.status_code == 200 and saved.json() == {"language": "en", "time_zone": "Asia/Shanghai"}
        listed = await admin.get("/admin/orders", headers={"Accept-Language": "en"})
        assert "<td>2013-01-23 04:00</td>" in listed.text and "Dates are in China Time." in listed.text
        assert '<th scope="col">Order date (China Time)</th>' in listed.text
        chinese = await admin.get("/admin/orders", headers={"Accept-Language": "zh-CN"})
        assert "<td>2013年1月23日 04:00</td>" in chinese.text
        # a day of the filter is a day on the account's clock: 20:00 UTC on the 22nd is the 23rd in Shanghai
        on_the_23rd = await admin.get("/admin/orders", params={"date_from": "2013-01-23", "date_to": "2013-01-23"})
        assert "<td>2013-01-23 04:00</td>" in on_the_23rd.text
        on_the_22nd = await admin.get("/admin/orders", params={"date_to": "2013-01-22"})
        assert 'id="no-orders"' in on_the_22nd.text
        exported = await admin.get("/admin/orders/export", params={"format": "csv"})
        rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
        assert rows[0][2] == "Order date (China Time)" and rows[1][2] == "2013-01-23 04:00"
        wrong = await admin.put(
            "/api/admin/preferences",
            json={"language": "fr", "time_zone": "Mars/Olympus"},
            headers={"Accept-Language": "de"},
        )
        assert wrong.status_code == 422
        problems = {field["field"]: field["message"] for field in wrong.json()["fields"]}
        assert set(problems) == {"language", "time_zone"}
        assert problems["time_zone"].startswith("„Mars/Olympus“ ist keine bekannte IANA-Zeitzone")


async def test_the_admin_changes_the_billing_contact_and_the_next_receipt_goes_there_in_its_language(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, mail_sink: MailSink
) -> None:
    account_no = await new_account(http, (await ts_env.get_current_time()).date())
    form = await http.get("/admin/billing-contact")
    assert _selected(form.text, "language") == "en" and "Zhang Min" in form.text
    blank = await http.post("/admin/billing-contact", data={"name": " ", "email": "not an address", "language": "de"})
    assert blank.status_code == 422 and 'id="name-error"' in blank.text and 'id="email-error"' in blank.text
    contact = f"buchhaltung-{account_no.lower()}@yitong.example"
    saved = await http.post("/admin/billing-contact", data={"name": "Anna Berg", "email": contact, "language": "de"})
    assert saved.status_code == 303 and saved.headers["location"].startswith("/admin?notice=billing_contact")
    listed = await http.get("/admin/subscriptions")
    assert f"<bdi>{contact}</bdi>" in listed.text and 'href="/admin/billing-contact"' in listed.text
    assert (await http.get("/api/admin/billing-contact")).json() == {
        "name": "Anna Berg",
        "email": contact,
        "language": "de",
    }

    order_no = (await start(http, account_no))["order_no"]
    await up_to_service_order(http, order_no, await add_card(http, account_no))
    await step(http, order_no, "place")
    [receipt] = await mails_to(mail_sink, contact, subject="Quittung")
    assert receipt.message["Content-Language"] == "de" and order_no in receipt.subject
    assert not [m for m in mail_sink.to(f"billing-{account_no.lower()}@yitong.example") if order_no in m.subject]
