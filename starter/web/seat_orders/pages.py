"""The seat portal (seed 002) as pages of the admin portal, in its look and without JavaScript:

    /admin/subscriptions (products, seats, renewal dates, seat orders) → Add seats: /admin/seat-orders/new
    (New Seat Qty per product) → Save cart & review → …/<no>/quote (Proceed to payment | Decline quote)
    → …/<no>/payment (admin contact, card on file or a new card, billing address) → Save and continue
    → …/<no>/service-order → Place service order → …/<no> (processing, then completed / failed / …)

Each step is an Update of the order's SeatOrderWorkflow (`starter.services.seat_orders.step`). Every form POSTs and is
answered with a redirect; a refusal shows the page again with the reason next to its field, and a step the order
has moved past (declined, expired, superseded, placed) gets a sentence saying so.

Each part lives in a module of its own; this one gathers them into the router the app includes.
"""

from __future__ import annotations

from fastapi import APIRouter

from starter.web.seat_orders import (
    cart_pages,
    document_pages,
    order_pages,
    payment_method_pages,
    payment_pages,
    quote_pages,
    quotes_pages,
)

router = APIRouter()
router.include_router(cart_pages.router)  # first: /admin/seat-orders/new is not an order's page
router.include_router(quote_pages.router)
router.include_router(quotes_pages.router)
router.include_router(payment_method_pages.router)
router.include_router(payment_pages.router)
router.include_router(order_pages.router)
router.include_router(document_pages.router)  # the quote and the receipt as PDFs
