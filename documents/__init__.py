"""A seat order's documents (seed 002): its quote and its receipt as numbered PDFs, in the billing contact's language.
Pure data in, bytes out: no database, no clock, no network; the portal and the receipt mail hand in what the order
holds (documents/facts.py) and get the same file.

    sheets   what each document says, in its reader's words and number formats
    drawing  the sheet on an A4 page        pen   text in either direction    fonts  which font draws what
    numbers  Q-<order no>-<n>, R-<order no> (models/seat_documents.py) and the file names

The library is ReportLab: BSD-licensed, maintained by ReportLab Europe since 2000, pure-Python wheels with no
system library to install, and its built-in CID fonts (STSong-Light, MSung-Light) write simplified and traditional
Chinese with no font file to ship. It shapes no script, so Arabic goes through arabic-reshaper and python-bidi
(the same steps a browser takes) and is drawn in Noto Sans Arabic, installed from PyPI; Latin text, Slovenian's
č, š, ž among it, is set in the Bitstream Vera that ReportLab carries. Every language onramp speaks is rendered in
its own script: none falls back to English.
"""

from __future__ import annotations

from documents.drawing import pdf
from documents.facts import Customer, QuoteFacts, ReceiptFacts
from documents.numbers import file_name, quote_number, receipt_number
from documents.sheets import quote_sheet, receipt_sheet

MEDIA_TYPE = "application/pdf"


def quote_pdf(facts: QuoteFacts) -> bytes:
    return pdf(quote_sheet(facts))


def receipt_pdf(facts: ReceiptFacts) -> bytes:
    return pdf(receipt_sheet(facts))


__all__ = [
    "MEDIA_TYPE",
    "Customer",
    "QuoteFacts",
    "ReceiptFacts",
    "file_name",
    "quote_number",
    "quote_pdf",
    "receipt_number",
    "receipt_pdf",
]
