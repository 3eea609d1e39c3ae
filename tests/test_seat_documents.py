"""The seat order's documents (seed 002's quote and receipt as PDFs) on the real stack: an order made in the portal,
processed by the worker on the time-skipping server, its quote and receipt downloaded from the portal and the API
and read back as text; the receipt mail that reached the SMTP sink carries the same receipt; a Chinese billing
contact's documents are in Chinese; another account's order is not found, and an order with no receipt yet is told
so. The account lookup runs on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import unicodedata
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pypdf import PdfReader

from activities import mail_attachments
from models.accounts import Edition, Product
from models.seat_order import CardOnOrder, ChargeResult, Quote, QuoteLine, SeatOrderState, SeatOrderStatus
from models.seat_order_requests import BillingAddress
from starter.mail_sink import MailSink, ReceivedMail
from starter.services import seat_documents
from starter.settings import Settings
from store import SessionFactory
from tests.admin_support import browser, mails_to, ready_admin
from tests.seat_portal_support import SeatAccount, seat_account, text_of
from tests.seat_support import start
from tests.support import eventually
from tests.test_seat_pages import save_cart, to_service_order

PDF = "application/pdf"


def pdf_text(data: bytes) -> str:
    """What a reader of the PDF reads: its pages' text, one space between words (Arabic's joined letter forms read
    back as its letters)."""
    pages = PdfReader(io.BytesIO(data)).pages
    return " ".join(unicodedata.normalize("NFKC", " ".join(page.extract_text() for page in pages)).split())


def downloaded(response: httpx.Response, name: str) -> bytes:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == PDF
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    assert response.headers["cache-control"] == "no-store"
    assert response.content.startswith(b"%PDF-")
    return response.content


def attached_pdf(mail: ReceivedMail) -> tuple[str, bytes]:
    [part] = list(mail.message.iter_attachments())
    assert part.get_content_type() == PDF
    return str(part.get_filename()), bytes(part.get_content())


async def completed(admin: httpx.AsyncClient, order_no: str) -> dict[str, Any]:
    """Place the service order and wait for the worker to complete it: the order as the API answers it."""
    assert (await admin.post(f"/admin/seat-orders/{order_no}/place")).status_code == 303

    async def done() -> dict[str, Any] | None:
        state = (await admin.get(f"/api/seat-orders/{order_no}")).json()
        return dict(state) if state["status"] == "completed" else None

    return await eventually(done, what=f"{order_no} completed")


async def test_the_quote_and_the_receipt_show_what_the_order_holds(
    app: FastAPI, admin: httpx.AsyncClient, account: SeatAccount, http: httpx.AsyncClient, mail_sink: MailSink
) -> None:
    order_no = await to_service_order(admin)
    quote_page = await admin.get(f"/admin/seat-orders/{order_no}/quote")
    assert f'href="/admin/seat-orders/{order_no}/quote.pdf"' in quote_page.text
    assert "Download quote (PDF)" in quote_page.text

    state = await completed(admin, order_no)
    quote, charge = state["quote"], state["charge"]
    number = quote["number"]
    assert number == f"Q-{order_no}-1" and (quote["total"], charge["amount"]) == ("254.40", "254.40")

    # the quote: from the portal, and the same file from the API, for the admin and for an operator's key
    quote_pdf = downloaded(await admin.get(f"/admin/seat-orders/{order_no}/quote.pdf"), f"{number}.pdf")
    text = pdf_text(quote_pdf)
    assert f"Quote {number}" in text and f"Order number {order_no}" in text
    assert f"Account number {account.account_no} Customer {account.customer_name}" in text
    assert "GoTo Meeting Enterprise 5 240.00 EUR 73 240.00 EUR 0.00 EUR" in text
    assert "Subtotal 240.00 EUR 增值税 (6%) 14.40 EUR Total 254.40 EUR" in text  # the tax's name and rate, as quoted
    assert "All amounts are in EUR." in text
    api_quote = await admin.get(f"/api/seat-orders/{order_no}/quote.pdf")
    assert downloaded(api_quote, f"{number}.pdf") == quote_pdf
    assert downloaded(await http.get(f"/api/seat-orders/{order_no}/quote.pdf"), f"{number}.pdf") == quote_pdf

    # the receipt: the same lines and totals, the amount charged, the card and the gateway's reference
    page = await admin.get(f"/admin/seat-orders/{order_no}")
    assert f'href="/admin/seat-orders/{order_no}/receipt.pdf"' in page.text
    assert "Download receipt (PDF)" in text_of(page.text)
    receipt = f"R-{order_no}"
    receipt_pdf = downloaded(await admin.get(f"/admin/seat-orders/{order_no}/receipt.pdf"), f"{receipt}.pdf")
    text = pdf_text(receipt_pdf)
    paid_on = datetime.fromisoformat(state["completed_at"]).astimezone(UTC).date().isoformat()
    assert f"Receipt {receipt} Receipt number {receipt} Date paid {paid_on} Order number {order_no}" in text
    assert f"Quote number {number}" in text
    assert "Billed to Yitong 88 Century Avenue 200120 Shanghai China" in text
    assert "Subtotal 240.00 EUR 增值税 (6%) 14.40 EUR Total 254.40 EUR Amount charged 254.40 EUR" in text
    assert f"Paid by Visa card ending 4242. Charge reference: {charge['reference']}" in text
    assert "4242 4242 4242 4242" not in text
    api_receipt = await admin.get(f"/api/seat-orders/{order_no}/receipt.pdf")
    assert downloaded(api_receipt, f"{receipt}.pdf") == receipt_pdf

    # the receipt mail carries it: the very same file, sent once
    [mail] = await mails_to(mail_sink, account.billing_email, subject=f"Receipt for your seat order {order_no}")
    assert attached_pdf(mail) == (f"{receipt}.pdf", receipt_pdf)
    assert f"The receipt {receipt} is attached as a PDF" in mail.text
    assert "Total:    254.40 EUR" in mail.text


async def test_a_chinese_billing_contact_gets_chinese_documents(
    app: FastAPI, workflow_db: tuple[str, SessionFactory], settings: Settings, today: date, mail_sink: MailSink
) -> None:
    account = await seat_account(workflow_db[1], settings, today, language="zh-Hans")
    async with browser(app) as admin:
        await ready_admin(admin, account)
        order_no = await to_service_order(admin)
        state = await completed(admin, order_no)
        receipt = f"R-{order_no}"
        receipt_pdf = downloaded(await admin.get(f"/admin/seat-orders/{order_no}/receipt.pdf"), f"{receipt}.pdf")
        quote_pdf = (await admin.get(f"/admin/seat-orders/{order_no}/quote.pdf")).content

    paid = datetime.fromisoformat(state["completed_at"]).astimezone(UTC).date()
    text = pdf_text(receipt_pdf)
    assert receipt in text and f"订单号 {order_no}" in text  # the catalog's words, the number as it is
    assert f"{paid.year}年{paid.month}月{paid.day}日" in text  # the date, and the money, the Chinese way
    assert "会易通企业版 5 €240.00 73 €240.00 €0.00" in text
    assert "增值税" in text and "6%" in text and "€14.40" in text and "€254.40" in text and "中国" in text
    assert "€254.40" in pdf_text(quote_pdf) and state["quote"]["number"] in pdf_text(quote_pdf)

    [mail] = await mails_to(mail_sink, account.billing_email)
    name, attached = attached_pdf(mail)
    assert name == f"{receipt}.pdf" and attached == receipt_pdf


async def test_another_accounts_documents_are_not_found_and_a_receipt_waits_for_completion(
    app: FastAPI,
    admin: httpx.AsyncClient,
    workflow_db: tuple[str, SessionFactory],
    settings: Settings,
    today: date,
) -> None:
    order_no, _ = await save_cart(admin, "2")  # quoted, not paid
    early = await admin.get(f"/admin/seat-orders/{order_no}/receipt.pdf")
    assert early.status_code == 409
    assert (
        f"Seat order {order_no} has no receipt yet: it is quoted, and the receipt is made when it is completed."
        in text_of(early.text)
    )
    api = await admin.get(f"/api/seat-orders/{order_no}/receipt.pdf")
    assert api.status_code == 409 and "has no receipt yet: it is quoted" in api.json()["message"]
    assert (await admin.get(f"/admin/seat-orders/{order_no}/quote.pdf")).status_code == 200

    other = await seat_account(workflow_db[1], settings, today)
    async with browser(app) as stranger:
        await ready_admin(stranger, other)
        for document in ("quote.pdf", "receipt.pdf"):
            page = await stranger.get(f"/admin/seat-orders/{order_no}/{document}")
            assert page.status_code == 404 and f"No seat order {order_no}." in text_of(page.text)
            answer = await stranger.get(f"/api/seat-orders/{order_no}/{document}")
            assert answer.status_code == 404 and answer.json()["message"] == f"No seat order {order_no}."
    async with browser(app) as nobody:
        login = await nobody.get(f"/admin/seat-orders/{order_no}/quote.pdf")
        assert login.status_code == 303 and login.headers["location"].startswith("/admin/login?next=")
        assert (await nobody.get(f"/api/seat-orders/{order_no}/quote.pdf")).status_code == 401


async def test_an_order_without_a_quote_has_no_quote_to_download(
    admin: httpx.AsyncClient, account: SeatAccount
) -> None:
    order_no = (await start(admin, account.account_no))["order_no"]  # a cart: nothing saved and reviewed yet
    answer = await admin.get(f"/api/seat-orders/{order_no}/quote.pdf")
    assert answer.status_code == 409
    assert answer.json()["message"] == f"Seat order {order_no} has no quote yet: save the cart and review it first."
    page = await admin.get(f"/admin/seat-orders/{order_no}/quote.pdf")
    assert page.status_code == 409 and "has no quote yet" in text_of(page.text)


# ---------------------------------------------------------------------------------------------- without Temporal

NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
QUOTE = Quote(
    number="Q-SO-1001-2",
    lines=[
        QuoteLine(
            product=Product.GOTO_MEETING,
            edition=Edition.ENTERPRISE,
            new_seats=5,
            unit_price=Decimal("240.00"),
            days_to_renewal=73,
            amount=Decimal("240.00"),
        ),
        QuoteLine(
            product=Product.GOTO_WEBINAR,
            edition=Edition.STANDARD,
            new_seats=12,
            unit_price=Decimal("1440.00"),
            days_to_renewal=61,
            amount=Decimal("2887.89"),
        ),
    ],
    currency="EUR",
    subtotal=Decimal("3127.89"),
    tax_rate=Decimal("0.22"),
    tax_name="DDV",
    tax_country="SI",
    tax=Decimal("688.14"),
    total=Decimal("3816.03"),
    quoted_at=NOW,
    expires_at=NOW + timedelta(days=7),
)
CHARGE = ChargeResult(outcome="approved", reference="ch_0123456789", amount=Decimal("3816.03"), currency="EUR")
ADDRESS = BillingAddress(
    company="Čebelarstvo Žalec d.o.o.", street="Šlandrova ulica 12", city="Ljubljana", postal_code="1000", country="si"
)


def completed_state(account_no: str) -> SeatOrderState:
    return SeatOrderState(
        order_no="SO-1001",
        account_no=account_no,
        status=SeatOrderStatus.COMPLETED,
        requested_by="billing@zalec.example",
        quote=QUOTE,
        card=CardOnOrder(reference="card_0123456789abcdef", brand="Mastercard", last4="4444"),
        billing_address=ADDRESS,
        charge=CHARGE,
        completed_at=NOW + timedelta(hours=1),
    )


async def test_the_documents_read_the_account_on_both_databases(sessions: SessionFactory, settings: Settings) -> None:
    account = await seat_account(sessions, settings, NOW.date(), language="sl")
    document = await seat_documents.receipt(sessions, completed_state(account.account_no))
    assert document.file_name == "R-SO-1001.pdf" and document.media_type == PDF
    text = pdf_text(document.data)
    assert f"Stranka {account.customer_name}" in text  # the account's language: its billing contact's
    assert "Čebelarstvo Žalec d.o.o. Šlandrova ulica 12 1000 Ljubljana Slovenija" in text  # č, š, ž, in Slovenian
    assert "DDV" in text and "22 %" in text and "688,14 €" in text and "3.816,03 €" in text
    assert "21. nov. 2026" in text  # the date paid, the Slovenian way

    quoted = completed_state(account.account_no).model_copy(update={"status": SeatOrderStatus.PAYMENT})
    assert (await seat_documents.quote(sessions, quoted)).file_name == "Q-SO-1001-2.pdf"
    with pytest.raises(seat_documents.StepRefused) as refused:
        await seat_documents.receipt(sessions, quoted)
    assert refused.value.http_status == 409


def test_a_receipt_mail_queued_before_the_documents_still_carries_what_it_holds() -> None:
    """A context from before the receipt number, the card and the billing address were in it."""
    old = {
        "order_no": "SO-1001",
        "account_no": "1400234",
        "customer_name": "Müller GmbH",
        "quote": QUOTE.model_dump(mode="json"),
        "charge": CHARGE.model_dump(mode="json"),
    }
    [file] = mail_attachments.attachments("seat_order_receipt", old, "de-DE")
    assert (file.file_name, file.media_type) == ("R-SO-1001.pdf", PDF)
    text = pdf_text(file.data)
    assert "R-SO-1001" in text and "Müller GmbH" in text and "3.816,03 €" in text and "DDV" in text
    assert "21.11.2026" not in text and "Ljubljana" not in text  # no date paid, no billing address: not in it
    declined = {**old, "charge": {**old["charge"], "outcome": "declined"}}
    assert mail_attachments.attachments("seat_order_receipt", declined, "de") == []
    assert mail_attachments.attachments("seat_order_declined", old, "de") == []


def test_an_arabic_receipt_is_written_right_to_left_with_its_numbers_whole() -> None:
    context = {
        "order_no": "SO-1001",
        "account_no": "1400234",
        "customer_name": "شركة يتونغ",
        "quote": QUOTE.model_dump(mode="json"),
        "charge": CHARGE.model_dump(mode="json"),
        "billing_address": ADDRESS.model_dump(mode="json"),
        "card": {"brand": "Visa", "last4": "4242"},
        "completed_at": NOW.isoformat(),
    }
    [file] = mail_attachments.attachments("seat_order_receipt", context, "ar-EG")
    text = pdf_text(file.data)
    assert "R-SO-1001" in text and "Q-SO-1001-2" in text and "ch_0123456789" in text
    assert "3,816.03" in text and "688.14" in text
    assert "شركة يتونغ" in text and "سلوفينيا" in text  # joined as drawn, read back as letters in their order
    assert "Čebelarstvo Žalec d.o.o." in text  # a Latin name keeps its own direction on a right-to-left page
