"""Every e-mail in every language onramp speaks: each template renders in each language with every string found
translated in its catalog (no English fallback), the HTML with the right ``lang`` and ``dir``, no word written in a
template outside the catalog, the values in the recipient's locale, a text mail's links whole; then one mail per seed
language over real SMTP to the aiosmtpd sink, two of them sent by their workflows: a Slovenian partner order's Set Up
Now mail and a Webex Assist confirmation booked in traditional Chinese."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment

import translations
from activities import mail_values
from activities.mail import MailActivities
from activities.mail_templates import TEMPLATES, MailTemplates, reader_language
from activities.partner_orders import PartnerOrderActivities
from models.accounts import Edition, Product
from models.assist_time import SessionTime
from models.common import Recipient, add_local_days, local_midnight
from models.languages import SupportedLanguage
from models.mail import MailRequest, SetupLinkRequest
from models.partner_order import Offer, PartnerOrderSnapshot, PartnerOrderState, PartnerOrderStatus, Service
from models.seat_order import ChargeResult, Quote, QuoteLine
from starter.mail_sink import LINK, MailSink, ReceivedMail
from starter.services import partner_orders
from starter.settings import Settings
from store import SessionFactory, setup_tokens
from tests.admin_support import mails_to

# The Assist booking and the partner order run on a time-skipping server, database and worker of this module's own
# (tests/assist_env.py), with the session's real aiosmtpd sink.
from tests.assist_env import (  # noqa: F401
    assist_db_fixture,
    client_fixture,
    http_fixture,
    settings_fixture,
    ts_env_fixture,
    worker_fixture,
)
from tests.assist_support import availability, book, new_site, session_at
from tests.support import eventually, make_settings, order

L = SupportedLanguage
BASE = "http://onramp.test"
TAIPEI = "Asia/Taipei"

# ------------------------------------------------------------------ a context per template, as the workflows make it

SESSION = SessionTime(date=date(2026, 12, 10), time=time(15, 0), time_zone=TAIPEI, duration_minutes=90)
OVERNIGHT = SessionTime(date=date(2026, 12, 9), time=time(23, 0), time_zone=TAIPEI, duration_minutes=120)
PARTNER: dict[str, Any] = {
    "order_id": "CCW-0042",
    "offer": "A-WX",
    "partner_name": "Alpine Partners d.o.o.",
    "customer_name": "Kranj Logistics",
    "requested_start_date": "2026-11-28",
    "time_zone": "Europe/Ljubljana",
    "provisioning_contact_email": "provisioning@partner.example",
    "services": ["meetings", "calling", "webinars"],
    "escalates_at": "2026-11-28T23:00:00+00:00",
    "closes_at": "2026-12-27T23:00:00+00:00",
    "close_after_days": 30,
    "account_representative_email": "rep@cisco.example",
    "customer_admin_email": "admin@kranj.example",
    "partner_access": True,
    "subdomain": "kranj",
}
JOIN = {
    **PARTNER,
    "org_name": "Kranj d.o.o.",
    "joining_email": "admin@kranj.example",
    "requested_by": "provisioning@partner.example",
    "decided": None,
    "activation_url": f"{BASE}/join/t0ken",
}
QUOTE = Quote(
    lines=[
        QuoteLine(
            product=Product.GOTO_MEETING,
            edition=Edition.STANDARD,
            new_seats=3,
            unit_price=Decimal("240.00"),
            days_to_renewal=200,
            amount=Decimal("394.52"),
        ),
        QuoteLine(
            product=Product.GOTO_WEBINAR,
            edition=Edition.ENTERPRISE,
            new_seats=1,
            unit_price=Decimal("1200.00"),
            days_to_renewal=1,
            amount=Decimal("3.29"),
        ),
    ],
    currency="EUR",
    subtotal=Decimal("397.81"),
    tax_rate=Decimal("0.19"),
    tax=Decimal("75.58"),
    total=Decimal("1473.39"),
    quoted_at=datetime(2026, 12, 1, tzinfo=UTC),
    expires_at=datetime(2026, 12, 8, tzinfo=UTC),
)
SEAT: dict[str, Any] = {
    "order_id": "SO-1001",
    "order_no": "SO-1001",
    "account_no": "1400234",
    "customer_name": "Müller GmbH",
    "billing_contact_name": "Anna Müller",
    "quote": QUOTE.model_dump(mode="json"),
    "charge": ChargeResult(
        outcome="approved", reference="ch_123", amount=Decimal("1473.39"), currency="EUR"
    ).model_dump(mode="json"),
    "reason": None,
    "admin_contact": {"first_name": "Jonas", "last_name": "Weber", "email": "jonas@mueller.example"},
    "processing_hours": 24,
    "placed_at": "2026-12-01T08:30:00+00:00",
    "account_services": {"email": "cas@goto.example", "phone": "+49 89 5555 0142", "hours": "Mo-Fr 09:00-17:00"},
}
DECLINED = {
    **SEAT,
    "charge": ChargeResult(
        outcome="declined", reason="insufficient funds", reference="ch_9", amount=Decimal("1473.39"), currency="EUR"
    ).model_dump(mode="json"),
    "reason": "The card was declined: insufficient funds",
}
ORGANIZER: dict[str, Any] = {
    "account_no": "1400234",
    "organizer_email": "ada@yitong.example",
    "first_name": "Ada",
    "last_name": "Lovelace",
    "edition": "GoTo Meeting Standard",
    "customer_name": "上海易通网络科技有限公司",
    "admin_name": "王芳",
    "admin_email": "admin@yitong.example",
    "invitation_number": 2,
    "sequence": 1,
    "link_valid_days": 14,
    "link_expires_on": "2026-12-15",
    "reminder_after_days": 3,
    "activation_url": f"{BASE}/activate/t0ken",
}
ASSIST: dict[str, Any] = {
    "reservation_no": "WA-261201-A1B2C3",
    "first_name": "怡君",
    "last_name": "林",
    "company": "易通科技",
    "contact_email": "lin@yitong.example",
    "site": "yitong.webex.com",
    "package": "Event Center Standard",
    "topic": "Launch webinar",
    "language": "Mandarin",
    "session": SESSION.label(),
    "old_session": OVERNIGHT.label(),
    "standard_fee": "1,300.00",
    "currency": "USD",
    "free_cancellation_until": "2026-12-03 15:00 (Asia/Taipei)",
    "cancellation_fee_percent": 50,
    "cancellation_fee": None,
    "producer_name": "Mei Chen",
    "producer_email": "mei@assist.example",
    "producer_lead_minutes": 30,
    "registrations": 240,
    "attendees": 187,
    "recording_url": "https://yitong.webex.com/recordings/WA-261201-A1B2C3",
}
PREPARED: dict[str, Any] = {
    "preparations": [
        {"kind": "planning_call", "session": SESSION.label(), "released": None},
        {"kind": "rehearsal", "session": None, "released": OVERNIGHT.label()},
        {"kind": "extra_rehearsal", "session": None, "released": None},
    ]
}
"""A booking's planning call and rehearsals: one scheduled, one released by a move, one to choose."""
COORDINATED: dict[str, Any] = {
    "coordinator_name": "王雅婷",
    "coordinator_email": "scheduling@assist.example",
    "coordinator_phone": "+886 2 2723 0000",
    "phone": "+886 2 1234 5678",
    "comments": "兩位講者從台南加入。\n請前一天測試他們的音訊。",
}
"""What the booking's context carries about the site's scheduling coordinator (workflows/assist_site_terms.py)."""
CONTACT: dict[str, Any] = {
    "account_no": "1400234",
    "customer_name": "Müller GmbH",
    "admin_name": "Jonas Weber",
    "admin_email": "jonas@mueller.example",
    "subject": "800 more seats",
    "message": "We need 800 seats.\nCan you call me?",
    "order": {"order_no": "SO-1001", "status": "awaiting_review", "total": "24000.00", "currency": "EUR"},
}
WELCOME = {
    "customer_name": "上海易通网络科技有限公司",
    "admin_name": "王芳",
    "username": "admin@yitong.example",
    "password": "Ab12cd34",
    "login_url": f"{BASE}/admin/login",
    "order_id": "1400234",
}
PASSWORD_CHANGED = {
    "account_no": "1400234",
    "admin_name": "王芳",
    "customer_name": "上海易通网络科技有限公司",
    "username": "admin@yitong.example",
    "changed_at": "2026-12-01 09:30 UTC",
}
PASSWORD_RESET = {
    "account_no": "1400234",
    "admin_name": "王芳",
    "customer_name": "上海易通网络科技有限公司",
    "username": "admin@yitong.example",
    "expires_at": "2026-12-01 10:30 UTC",
    "time_zone": "Asia/Shanghai",
    "reset_url": f"{BASE}/admin/password-reset/t0ken",
    "reset_page_url": f"{BASE}/admin/password-reset",
}
SET_UP = {**PARTNER, "setup_url": f"{BASE}/setup/t0ken"}
CALLING_SETTINGS = {
    "plan": "Webex Calling Professional (Webex Suite)",
    "calling_option": "webex_calling",
    "location_name": "Kranj office",
    "street": "Koroška 5",
    "postal_code": "4000",
    "city": "Kranj",
    "country": "SI",
    "time_zone": "Europe/Ljubljana",
    "default_language": "de",
    "language_name": "Deutsch",
    "emergency_callback_number": "+386 1 234 5678",
}
MEETING_SETTINGS = {
    "site_name": "kranj.webex.com",
    "meeting_types": ["Webex Meetings", "Webex Webinars"],
    "default_language": "sl",
    "language_name": "Slovenščina",
    "time_zone": "Europe/Vienna",
    "recording": True,
    "audio": "webex_audio",
}
PROVISIONED = {
    **PARTNER,
    "settings": {
        "calling_plan": CALLING_SETTINGS["plan"],
        "meeting_types": MEETING_SETTINGS["meeting_types"],
        "site_name": "kranj.webex.com",
        "calling": CALLING_SETTINGS,
        "meetings": MEETING_SETTINGS,
    },
}
"""A provisioned mail with the service settings (models/service_settings.py, SettingsSummary)."""
PROVISIONED_OTHERWISE = {
    **PROVISIONED,
    "settings": {
        **PROVISIONED["settings"],
        "calling": {**CALLING_SETTINGS, "calling_option": "premises_pstn"},
        "meetings": {**MEETING_SETTINGS, "recording": False, "audio": "voip_only", "site_name": None},
    },
}
CONTEXTS: dict[str, list[dict[str, Any]]] = {
    "set_up_now": [SET_UP, {**SET_UP, "close_after_days": 1}],
    "set_up_now_customer": [SET_UP],
    "escalation": [PARTNER],
    "halted_representative": [PARTNER],
    "order_closed": [PARTNER, {**PARTNER, "close_after_days": 1}, {**PARTNER, "close_after_days": 2}],
    "order_closed_representative": [PARTNER, {**PARTNER, "close_after_days": 7}],
    "org_join_request": [JOIN],
    "org_join_reminder": [JOIN],
    "org_join_decided": [{**JOIN, "decided": "confirmed"}, {**JOIN, "decided": "refused"}],
    "provisioned_partner": [PARTNER, {**PARTNER, "subdomain": None}, PROVISIONED, PROVISIONED_OTHERWISE],
    "provisioned_customer": [PARTNER, {**PARTNER, "subdomain": None}, PROVISIONED, PROVISIONED_OTHERWISE],
    "seat_order_receipt": [
        SEAT,
        {**SEAT, "admin_contact": None},
        {k: v for k, v in SEAT.items() if k != "account_services"},
    ],
    "seat_order_declined": [
        DECLINED,
        {**DECLINED, "charge": {**DECLINED["charge"], "reason": None}},
        {**DECLINED, "charge": {**DECLINED["charge"], "reason": "do not honor"}},
    ],
    "seat_order_escalation": [SEAT, {**SEAT, "processing_hours": 1}],
    "seat_order_delayed": [SEAT, {**SEAT, "processing_hours": 1}],
    "account_services_contact": [
        CONTACT,
        {**CONTACT, "order": {**CONTACT["order"], "total": None}},
        {**CONTACT, "order": None},
    ],
    "organizer_invitation": [ORGANIZER],
    "organizer_invitation_copy": [ORGANIZER],
    "organizer_reminder": [ORGANIZER, {**ORGANIZER, "reminder_after_days": 1}, {**ORGANIZER, "reminder_after_days": 2}],
    "admin_welcome": [WELCOME],
    "admin_password_changed": [PASSWORD_CHANGED],
    "admin_password_reset": [PASSWORD_RESET],
    "assist_confirmation": [
        ASSIST,
        {**ASSIST, "producer_name": None, "producer_email": None, "language": None},
        {**ASSIST, **COORDINATED},
        {**ASSIST, **COORDINATED, "coordinator_phone": None, "producer_name": None, "producer_email": None},
        {**ASSIST, **PREPARED},
    ],
    "assist_coordinator": [
        {**ASSIST, **COORDINATED},
        {**ASSIST, **COORDINATED, "comments": None, "topic": "", "producer_name": None, "producer_email": None},
        {**ASSIST, **COORDINATED, "language": None},
    ],
    "assist_cancelled": [{**ASSIST, "cancellation_fee": "0.00"}, {**ASSIST, "cancellation_fee": "650.00"}],
    "assist_producer_start": [ASSIST, {**ASSIST, "topic": "", "language": None}],
    "assist_reminder": [ASSIST, {**ASSIST, "producer_name": None}],
    "assist_report": [ASSIST, {**ASSIST, "registrations": None, "attendees": None, "recording_url": None, "topic": ""}],
    "assist_rescheduled": [ASSIST, {**ASSIST, "producer_name": None}, {**ASSIST, **PREPARED}],
    "assist_preparation": [{**ASSIST, **PREPARED, "preparation_kind": "planning_call"}],
    "assist_preparation_producer": [{**ASSIST, **PREPARED, "preparation_kind": "planning_call"}],
}
"""What each mail's workflow (or API call) puts in its context, with the variants its branches take."""


def template_names() -> set[str]:
    return {path.name.removesuffix(".subject.txt") for path in TEMPLATES.glob("*.subject.txt")}


# ------------------------------------------------------------------ a catalog that says what it did not translate


def forms(message: Any) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


class Strict:
    """A language's compiled mail catalog that notes every message it is asked for which its .po does not hold,
    translated in every form (English, the source language, may leave a message to its msgid)."""

    def __init__(self, language: SupportedLanguage) -> None:
        self.language = language
        self.compiled = translations.catalog(language, translations.MAILS)
        with translations.catalog_file(language, translations.MAILS).open("rb") as po:
            self.po: Catalog = read_po(po, locale=translations.locale_of(language))
        self.missing: list[str] = []

    def _check(self, context: str | None, message: str) -> None:
        found = self.po.get(message, context)
        if found is None or (self.language is not L.ENGLISH and not all(forms(found))):
            self.missing.append(message)

    def gettext(self, message: str) -> str:
        self._check(None, message)
        return str(self.compiled.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        self._check(None, singular)
        return str(self.compiled.ngettext(singular, plural, n))

    def pgettext(self, context: str, message: str) -> str:
        self._check(context, message)
        return str(self.compiled.pgettext(context, message))

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        self._check(context, singular)
        return str(self.compiled.npgettext(context, singular, plural, n))


STRICT = {language: Strict(language) for language in SupportedLanguage}
RENDER = MailTemplates(catalogs=lambda language: STRICT[language])


def urls_of(context: dict[str, Any]) -> set[str]:
    found = {value for value in context.values() if isinstance(value, str) and value.startswith("http")}
    pages = {f"{BASE}/assist", f"{BASE}/assist/find"}
    if "reservation_no" in context:  # the booking's planning call and rehearsal
        pages.add(f"{BASE}/assist/bookings/{context['reservation_no']}/preparation")
    return found | pages


# ------------------------------------------------------------------ every template, every language


def test_every_template_has_contexts_to_render_it_with() -> None:
    assert template_names() == set(CONTEXTS)


@pytest.mark.parametrize("language", list(SupportedLanguage))
@pytest.mark.parametrize("name", sorted(CONTEXTS))
def test_every_mail_renders_in_every_language_with_every_string_translated(
    name: str, language: SupportedLanguage
) -> None:
    strict = STRICT[language]
    for context in CONTEXTS[name]:
        strict.missing.clear()
        mail = RENDER.render(name, language.value, {"public_base_url": BASE, **context})

        assert not strict.missing, f"{name} in {language}: not translated: {strict.missing}"
        assert mail.language == language.value
        assert mail.subject and "\n" not in mail.subject
        for part in (mail.subject, mail.text, mail.html):
            assert "%(" not in part and "{{" not in part and "{%" not in part
        direction = "rtl" if language is L.ARABIC else "ltr"
        assert f'<html lang="{language.value}" dir="{direction}">' in mail.html
        assert f'<body dir="{direction}"' in mail.html
        links = {link.rstrip(".,)") for link in LINK.findall(mail.text)}
        assert links <= urls_of(context), f"{name} in {language}: a link not whole in the text: {links}"


def test_a_template_writes_no_word_outside_the_catalog() -> None:
    """What a template says outside ``{{ }}`` and ``{% %}`` is layout: tags, punctuation, the brand."""
    jinja = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
    markup = re.compile(r"<[^>]*>|&[a-z]+;|&#\d+;")
    for path in sorted(TEMPLATES.rglob("*")):
        if not path.is_file():
            continue
        left = markup.sub(" ", jinja.sub(" ", path.read_text())).replace("onramp", " ")
        words = re.findall(r"[^\W\d_]{2,}", left)
        assert not words, f"{path.relative_to(TEMPLATES)} writes {words} outside the catalog"


@pytest.mark.parametrize("language", [language for language in SupportedLanguage if language is not L.ENGLISH])
def test_no_translation_holds_markup(language: SupportedLanguage) -> None:
    """An HTML mail takes a translation as it is (newstyle gettext marks it safe): it holds no tag or entity."""
    for message in STRICT[language].po:
        if message.id:
            assert not any("<" in text or "&" in text for text in forms(message)), message.id


def test_the_mails_use_the_seeds_own_words() -> None:
    def said(language: SupportedLanguage, message: str) -> str:
        found = STRICT[language].po.get(message)
        assert found is not None, message
        return str(forms(found)[0])

    assert said(L.SLOVENIAN, "Set Up Now") == "Nastavi zdaj"
    assert said(L.ARABIC, "Set Up Now") == "إعداد الآن"
    assert said(L.TRADITIONAL_CHINESE, "Reservation number") == "預約號碼"
    find = "To update (date and time only) or cancel, use your reservation number and this e-mail address at %(url)s"
    assert "更新日期/時間" in said(L.TRADITIONAL_CHINESE, find) and "取消協助服務" in said(L.TRADITIONAL_CHINESE, find)
    assert "立即訂購" in said(L.TRADITIONAL_CHINESE, "To book again, order a new assist at %(url)s.")
    assert said(L.SIMPLIFIED_CHINESE, "GoTo Meeting") == "会易通"
    assert said(L.SIMPLIFIED_CHINESE, "Standard") == "标准版"
    copy = (
        "The invitation carries a personal activation link, which is not repeated here. If %(first_name)s does not "
        "receive it, re-invite from the product list of the self-service portal."
    )
    assert "会易通产品列表" in said(L.SIMPLIFIED_CHINESE, copy) and "再次邀请" in said(L.SIMPLIFIED_CHINESE, copy)
    declined = (
        "No seats were added and nothing was charged. Update the payment method and place a new order, or contact "
        "Corporate Account Services."
    )
    assert "Sitze hinzufügen" in said(L.GERMAN, declined)


# ------------------------------------------------------------------ the recipient's language and locale


@pytest.mark.parametrize(
    ("tag", "language"),
    [
        ("en", L.ENGLISH),
        ("sl", L.SLOVENIAN),
        ("de-AT", L.GERMAN),
        ("zh-TW", L.TRADITIONAL_CHINESE),
        ("zh-Hant", L.TRADITIONAL_CHINESE),
        ("zh-Hans", L.SIMPLIFIED_CHINESE),
        ("zh-CN", L.SIMPLIFIED_CHINESE),
        ("ar-EG", L.ARABIC),
        ("pt-BR", L.ENGLISH),
    ],
)
def test_a_recipients_tag_picks_the_language_the_mail_is_written_in(tag: str, language: SupportedLanguage) -> None:
    assert reader_language(tag) is language
    assert Recipient(email="a@b.example", language=tag).language == tag


@pytest.mark.parametrize("tag", ["", "e", "english", "zh_TW", "de-", "en-" + "x" * 9, "zh-Hant-TW-x-y", "a" * 36])
def test_a_recipients_language_is_a_bounded_tag(tag: str) -> None:
    with pytest.raises(ValueError):
        Recipient(email="a@b.example", language=tag)


def test_a_saved_recipient_still_reads() -> None:
    assert Recipient.model_validate({"email": "a@b.example"}).language == "en"
    assert Recipient.model_validate({"email": "a@b.example", "language": "pt-BR"}).language == "pt-BR"


def test_the_values_are_written_the_recipients_way() -> None:
    def render(name: str, language: SupportedLanguage, **values: Any) -> str:
        context = {"public_base_url": BASE, **CONTEXTS[name][0], **values}
        return MailTemplates().render(name, language.value, context).text

    taipei = render("assist_confirmation", L.TRADITIONAL_CHINESE)
    assert "2026年12月10日 下午3:00–下午4:30 台北時間" in taipei
    assert "US$1,300.00" in taipei and "2026年12月3日 下午3:00 台北時間" in taipei
    english = render("assist_confirmation", L.ENGLISH)
    assert SESSION.label() in english and "Standard fee: 1,300.00 USD" in english
    assert "until 2026-12-03 15:00 Taiwan Time" in english
    assert "Registrations:  240" in render("assist_report", L.ENGLISH, registrations=240)
    german = render("seat_order_receipt", L.GERMAN)
    assert "3 × GoTo Meeting Standard-Plätze, anteilig für 200 Tage: 394,52\xa0€" in german
    assert "Gesamt:   1.473,39\xa0€" in german
    english = render("seat_order_receipt", L.ENGLISH)
    assert "  3 x GoTo Meeting Standard seats, prorated for 200 days: 394.52 EUR" in english
    assert "  Tax:      75.58 EUR\n  Total:    1,473.39 EUR" in english
    slovenian = render("set_up_now", L.SLOVENIAN)
    assert "z zahtevanim datumom začetka 28. nov. 2026 (Srednjeevropski čas)" in slovenian
    assert "v 30 dneh" in slovenian and "(sestanki, klici, spletni seminarji)" in slovenian
    chinese = render("organizer_invitation", L.SIMPLIFIED_CHINESE)
    assert "会易通标准版" in chinese and "2026年12月15日" in chinese
    arabic = render("escalation", L.ARABIC)
    assert "28‏/12‏/2026، 12:00 ص توقيت وسط أوروبا" in arabic


@pytest.mark.parametrize(
    ("n", "form"), [(1, "v 1 dnevu"), (2, "v 2 dneh"), (3, "v 3 dneh"), (5, "v 5 dneh"), (101, "v 101 dnevu")]
)
def test_slovenian_counts_its_days_in_four_forms(n: int, form: str) -> None:
    text = MailTemplates().render("set_up_now", "sl", {"public_base_url": BASE, **SET_UP, "close_after_days": n})
    assert form in text.text


def test_arabic_html_keeps_addresses_and_numbers_left_to_right() -> None:
    html = MailTemplates().render("escalation", "ar", {"public_base_url": BASE, **PARTNER}).html
    assert '<a href="mailto:provisioning@partner.example" dir="ltr">provisioning@partner.example</a>' in html
    assert '<bdi dir="ltr">CCW-0042</bdi>' in html
    receipt = MailTemplates().render("seat_order_receipt", "ar", {"public_base_url": BASE, **SEAT}).html
    assert 'align="left"' in receipt and 'align="right"' not in receipt


def test_a_session_label_reads_back_as_its_start_and_end() -> None:
    for when in (SESSION, OVERNIGHT):
        found = mail_values.session(when.label())
        assert found is not None
        assert (found.starts_at, found.ends_at, found.zone) == (when.starts_at, when.ends_at, when.time_zone)
    assert mail_values.session("sometime next week") is None
    assert mail_values.moment("2026-12-01 09:30 UTC").at == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    berlin = mail_values.moment("2026-03-29 03:30 (Europe/Berlin)")
    assert berlin.zone == "Europe/Berlin" and berlin.at.utcoffset() == timedelta(hours=2)
    assert mail_values.amount("1,234.50") == Decimal("1234.50")


def test_a_value_the_mail_cannot_read_is_a_broken_template() -> None:
    from jinja2 import TemplateError

    with pytest.raises(TemplateError):
        MailTemplates().render("seat_order_escalation", "de", {**SEAT, "placed_at": "yesterday"})


# ------------------------------------------------------------------ over real SMTP, one mail per seed language


@pytest.fixture
def mail(sessions: SessionFactory, mail_sink: MailSink) -> MailActivities:
    settings = make_settings(
        database_url="sqlite+aiosqlite:///unused",
        smtp_host=mail_sink.host,
        smtp_port=mail_sink.port,
        public_base_url=BASE,
    )
    return MailActivities(sessions, settings.mail_config())


def unique(who: str) -> str:
    return f"{who}-{uuid.uuid4().hex[:10]}@partner.example"


async def one_mail(sink: MailSink, to: str) -> ReceivedMail:
    async def arrived() -> list[ReceivedMail] | None:
        return sink.to(to) or None

    [received] = await eventually(arrived, what=f"a mail to {to}")
    return received


def request(template: str, to: str, language: str, context: dict[str, Any], **values: Any) -> MailRequest:
    return MailRequest(
        workflow_id=f"languages-{uuid.uuid4().hex[:10]}",
        purpose=template,
        sequence=1,
        recipient=Recipient(email=to, language=language),
        template=template,
        context=context,
        **values,
    )


async def test_an_arabic_set_up_now_mail_arrives_right_to_left_with_its_link(
    mail: MailActivities, sessions: SessionFactory, mail_sink: MailSink
) -> None:
    to, order_id = unique("provisioning"), f"M-{uuid.uuid4().hex[:10]}"
    await _save_order(sessions, order_id, to)
    link = SetupLinkRequest(order_id=order_id, contact_generation=1, expires_at=datetime.now(UTC) + timedelta(days=30))
    await mail.send_mail(request("set_up_now", to, "ar-EG", {**PARTNER, "order_id": order_id}, setup_link=link))

    received = await one_mail(mail_sink, to)
    assert received.subject == f"إعداد Webex لـ Kranj Logistics (الطلب {order_id})"
    assert received.message["Content-Language"] == "ar"
    [url] = [url for url in received.links if "/setup/" in url]
    assert f"إعداد الآن: {url}" in received.text
    assert '<html lang="ar" dir="rtl">' in received.html and f'<a href="{url}"' in received.html
    async with sessions() as session:
        assert await setup_tokens.find_valid(session, url.rsplit("/", 1)[1], datetime.now(UTC)) is not None


async def test_a_german_receipt_arrives_in_german_with_euros_written_the_german_way(
    mail: MailActivities, mail_sink: MailSink
) -> None:
    to = unique("billing")
    await mail.send_mail(request("seat_order_receipt", to, "de-DE", SEAT))

    received = await one_mail(mail_sink, to)
    assert received.subject == "Quittung für Ihre Platzbestellung SO-1001"
    assert received.message["Content-Language"] == "de"
    assert "Ihre Service-Bestellung SO-1001 für Müller GmbH (Konto 1400234) wurde bearbeitet." in received.text
    assert "Gesamt:   1.473,39\xa0€" in received.text
    assert '<html lang="de" dir="ltr">' in received.html


async def test_a_simplified_chinese_invitation_arrives_with_the_seeds_words(
    mail: MailActivities, mail_sink: MailSink
) -> None:
    to = unique("organizer")
    await mail.send_mail(request("organizer_invitation", to, "zh-CN", ORGANIZER))

    received = await one_mail(mail_sink, to)
    assert received.subject == "上海易通网络科技有限公司已为您开通会易通标准版账号"
    assert received.message["Content-Language"] == "zh-Hans"
    assert f"开通您的账号：{BASE}/activate/t0ken" in received.text
    assert "有效期至 2026年12月15日" in received.text
    assert '<html lang="zh-Hans" dir="ltr">' in received.html


async def test_a_slovenian_partner_orders_set_up_now_mail_arrives_in_slovenian_with_its_link(
    client: Client, ts_env: WorkflowEnvironment, settings: Settings, mail_sink: MailSink
) -> None:
    today = (await ts_env.get_current_time()).astimezone(ZoneInfo("Europe/Ljubljana")).date()
    o = order(today, language="sl")
    await partner_orders.start(client, settings, o)

    received = await one_mail(mail_sink, o.provisioning_contact_email)
    assert received.subject == f"Nastavite Webex za Kranj Logistics (naročilo {o.order_id})"
    assert received.message["Content-Language"] == "sl"
    [url] = [url for url in received.links if "/setup/" in url]
    assert url.startswith(f"{BASE}/setup/") and f"Nastavi zdaj: {url}" in received.text
    assert "(sestanki, klici)" in received.text and "v 30 dneh" in received.text
    assert '<html lang="sl" dir="ltr">' in received.html and ">Nastavi zdaj</a>" in received.html


async def test_an_assist_booked_in_traditional_chinese_is_confirmed_in_traditional_chinese(
    http: httpx.AsyncClient, ts_env: WorkflowEnvironment, assist_db: SessionFactory, mail_sink: MailSink
) -> None:
    site = await new_site(assist_db)
    when = session_at(await ts_env.get_current_time(), 30)
    body = availability(site, when)
    http.headers["Accept-Language"] = "zh-TW,zh;q=0.9,en;q=0.5"
    answer = await book(http, body)
    number = answer["state"]["reservation_no"]

    [received] = await mails_to(mail_sink, body["customer"]["email"])
    shown = f"{when.date.year}年{when.date.month}月{when.date.day}日 下午3:00–下午4:00 台北時間"
    assert received.subject == f"Webex 協助服務已確認：{number}，{shown}"
    assert received.message["Content-Language"] == "zh-Hant"
    assert "您的 Webex 協助服務訂單已確認。" in received.text
    assert f"預約號碼：          {number}" in received.text and f"日期和時間：        {shown}" in received.text
    assert "標準費用：US$650.00" in received.text
    assert "按一下「更新日期/時間」或「取消協助服務」" in received.text
    assert '<html lang="zh-Hant" dir="ltr">' in received.html


async def _save_order(sessions: SessionFactory, order_id: str, contact: str) -> None:
    """The order row a Set Up Now link belongs to (the workflow saves it before the mail goes out)."""
    starts_at = local_midnight(date(2026, 11, 28), "Europe/Ljubljana")
    state = PartnerOrderState(
        order_id=order_id,
        offer=Offer.A_WX,
        status=PartnerOrderStatus.AWAITING_SETUP,
        requested_start_date=date(2026, 11, 28),
        time_zone="Europe/Ljubljana",
        partner_name="Alpine Partners d.o.o.",
        customer_name="Kranj Logistics",
        provisioning_contact_email=contact,
        account_representative_email=unique("rep"),
        purchased_services=[Service.MEETINGS, Service.CALLING],
        received_at=datetime.now(UTC),
        starts_at=starts_at,
        escalates_at=add_local_days(starts_at, 1, "Europe/Ljubljana"),
        closes_at=add_local_days(starts_at, 30, "Europe/Ljubljana"),
    )
    await PartnerOrderActivities(sessions).save_partner_order(
        PartnerOrderSnapshot(workflow_id=f"partner-order-{order_id}", state=state)
    )
