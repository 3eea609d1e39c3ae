"""The enterprise admin's self-service portal as web pages (seed 000), in the setup wizard's look, without
JavaScript:

    /admin/login → (first login) /admin/password → /admin (user information: basic information and the product
    list with its organizer accounts) → /admin/company (edit information), /admin/organizers/new (create account),
    re-invite / remove from the product list → /admin/orders (filters, clear filters, export CSV / XLSX)

and, for the organizer, /activate/<token> from the invitation e-mail. Every form POSTs and is answered with a
redirect (Post/Redirect/Get); a refusal shows the page again with the reason next to its field. The session cookie
is HttpOnly and SameSite=Lax; until the first password is changed every portal page leads to the change page.

Each part lives in a module of its own; this one gathers them into the router the app includes.
"""

from __future__ import annotations

from fastapi import APIRouter

from starter.web.enterprise import (
    account_pages,
    activation_pages,
    contact_pages,
    login_pages,
    order_pages,
    preference_pages,
)

router = APIRouter()
router.include_router(login_pages.router)
router.include_router(account_pages.router)
router.include_router(order_pages.router)
router.include_router(preference_pages.router)
router.include_router(activation_pages.router)
router.include_router(contact_pages.router)
