"""The seat order's documents as downloads of the admin portal: the quote (``…/<no>/quote.pdf``, any order of the
admin's account that has one) and the receipt (``…/<no>/receipt.pdf``, a completed order), in the billing
contact's language (starter/services/seat_documents.py). Another account's order is not found; an order with no
such document yet gets the portal's page with the sentence why (409)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from starter.services import seat_documents
from starter.web import params
from starter.web.access import PageAdmin
from starter.web.deps import Sessions, Temporal
from starter.web.guard import guarded
from starter.web.portals import ADMIN
from starter.web.seat_orders.flow import own_order

router = APIRouter(include_in_schema=False)


def pdf_download(document: seat_documents.Document) -> Response:
    """The browser saves the file under the document's number; no cache keeps an account's prices or address."""
    return Response(
        document.data,
        media_type=document.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{document.file_name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/admin/seat-orders/{order_no}/quote.pdf")
@guarded(ADMIN)
async def quote_pdf(
    order_no: params.OrderNo, request: Request, admin: PageAdmin, sessions: Sessions, temporal: Temporal
) -> Response:
    state = await own_order(temporal, admin, order_no)
    return pdf_download(await seat_documents.quote(sessions, state))


@router.get("/admin/seat-orders/{order_no}/receipt.pdf")
@guarded(ADMIN)
async def receipt_pdf(
    order_no: params.OrderNo, request: Request, admin: PageAdmin, sessions: Sessions, temporal: Temporal
) -> Response:
    state = await own_order(temporal, admin, order_no)
    return pdf_download(await seat_documents.receipt(sessions, state))
