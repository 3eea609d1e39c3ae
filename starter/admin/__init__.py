"""The enterprise admin's self-service portal (seed 000): login with the forced first password change, company
info, organizer accounts drawn from per-edition licenses, the order list and its export.

`install(app)` adds the JSON API (`/api/admin/…`, `/api/organizer-activation/…`) and the pages (`/admin/…`,
`/activate/<token>`) to the HTTP API, with the seat portal's pages (seed 002: `/admin/subscriptions`,
`/admin/seat-orders/…`).
"""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    from starter.admin import api, pages, seat_pages

    api.install(app)
    pages.install(app)
    seat_pages.install(app)


__all__ = ["install"]
