"""The documents' numbers (models/seat_documents.py says the scheme) and their file names."""

from __future__ import annotations

from models.seat_documents import quote_number, receipt_number


def file_name(number: str) -> str:
    """``Q-SO-20261121-ABC123-1.pdf``: an order number is letters, digits and hyphens, so the name needs no quoting."""
    return f"{number}.pdf"


__all__ = ["file_name", "quote_number", "receipt_number"]
