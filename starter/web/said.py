"""What a refusal says to the person reading the answer at hand: its reason in their language (the request's
reader, starter/web/reading.py), for the API's ``message`` and ``fields`` and for every page that shows a refusal.
The CLI reads ``OnrampError.message``, the same reason in English."""

from __future__ import annotations

from models.refusals import Reason, Word
from starter.errors import OnrampError
from starter.web import reading
from translations import REFUSALS, catalog
from translations.reasons import said as said_in


def said(refusal: OnrampError | Reason) -> str:
    reason = refusal.reason if isinstance(refusal, OnrampError) else refusal
    return said_in(reason, reading.language())


def named(thing: Word) -> str:
    """A word the refusals name things by (a status, a wizard page's title), in the reader's language."""
    return str(catalog(reading.language(), REFUSALS).pgettext(thing.context, thing.text))
