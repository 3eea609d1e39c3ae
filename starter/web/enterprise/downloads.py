"""The order export as an HTTP download, which the JSON API and the order list page both answer with."""

from __future__ import annotations

from fastapi.responses import Response

from starter.services.order_list import ExportFile


def attachment(file: ExportFile) -> Response:
    """The browser saves the file under its name instead of showing it; no cache keeps the account's orders."""
    return Response(
        file.content,
        media_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"', "Cache-Control": "no-store"},
    )
