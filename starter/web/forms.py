"""The one form kit of every page: read the posted form (url-encoded, bounded), turn a pydantic refusal into
sentences next to the page's fields, and put a workflow's refusal next to the field it names.

A page describes its form once (``FormSpec``): its fields, which of them are choices, what a pattern mismatch
should say, and where an error of a model field or of the whole model goes. The flow of every form is then
parse → validate (the step's model) → call the step → on a refusal, the page again with the errors next to
their fields and what was entered kept.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError

from models.languages import SupportedLanguage
from models.refusals import Refusal, because, reason_of_error
from starter.errors import OnrampError
from starter.web import reading
from starter.web.reading import Text, gettext, lazy_gettext, ngettext
from starter.web.said import said

M = TypeVar("M")
T = TypeVar("T")

MAX_FORM_BYTES = 64 * 1024
EMAIL = lazy_gettext("Enter an e-mail address such as name@company.com.")


@dataclass(frozen=True)
class FormSpec:
    fields: tuple[str, ...]
    choices: frozenset[str] = frozenset()
    hints: Mapping[str, Text] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)
    whole: str | None = None
    """The field a model-wide error (a model validator's) goes next to; None: on top of the page."""
    refusal_aliases: Mapping[str, str] | None = None
    """Where a workflow's refusal goes, when it names fields otherwise than the model's errors do (default: aliases)."""

    def place(self, name: str | None, aliases: Mapping[str, str] | None = None) -> str | None:
        """The page field an error about ``name`` goes next to (None: on top of the page)."""
        aliases = self.aliases if aliases is None else aliases
        name = aliases.get(name, name) if name else None
        return name if name in self.fields else None


async def read_form(request: Request) -> list[tuple[str, str]]:
    """The form's fields (application/x-www-form-urlencoded, the only encoding the pages use), every value."""
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_FORM_BYTES:
            raise OnrampError(because("The form is too large."), type=Refusal.FORM_TOO_LARGE)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if body and content_type != "application/x-www-form-urlencoded":
        raise OnrampError(because("The form could not be read: send it from the page."), type=Refusal.FORM_UNREADABLE)
    try:
        return parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True, max_num_fields=200)
    except ValueError:
        raise OnrampError(because("The form has too many fields."), type=Refusal.FORM_UNREADABLE) from None


def first(form: list[tuple[str, str]]) -> dict[str, str]:
    """Each field's first value."""
    values: dict[str, str] = {}
    for name, value in form:
        values.setdefault(name, value)
    return values


async def form_of(request: Request) -> dict[str, str]:
    return first(await read_form(request))


def friendly(error: Mapping[str, Any], name: str | None, spec: FormSpec) -> str:
    """pydantic's message about one field, said the way a form says it."""
    kind, message = str(error.get("type", "")), str(error.get("msg", "This value is not valid."))
    limits = error.get("ctx") or {}
    shortest = limits.get("min_length", 1)
    if kind == "string_too_short" and str(error.get("input") or "").strip() and shortest > 1:
        return ngettext("Use at least %(num)d character.", "Use at least %(num)d characters.", shortest)
    if name in spec.choices and kind != "value_error":
        return gettext("Choose one of the options.")
    if name in spec.hints and kind not in ("missing", "string_too_short", "string_too_long", "value_error"):
        return str(spec.hints[name])
    if kind in ("missing", "string_too_short", "enum", "literal_error"):
        return gettext("Please fill in this field.")
    if kind.startswith("date_"):
        return gettext("Enter the date as YYYY-MM-DD.")
    if kind == "string_too_long" and "max_length" in limits:
        longest = limits["max_length"]
        return ngettext("Use %(num)d character or fewer.", "Use %(num)d characters or fewer.", longest)
    message = message.removeprefix("Value error, ")
    if message.startswith("value is not a valid email address"):
        return str(EMAIL)
    own = reason_of_error(error)
    return sentence(said(own) if own is not None else message)


SENTENCE_ENDS = (".", "!", "?", "。", "\uff01", "\uff1f", "؟")  # the full-width ! and ?
FULL_STOPS = {SupportedLanguage.SIMPLIFIED_CHINESE: "。", SupportedLanguage.TRADITIONAL_CHINESE: "。"}


def sentence(text: str) -> str:
    """A validator's words (a clause, as the API gives them) as a sentence on a page: capitalised, with the
    reader's full stop."""
    text = text[:1].upper() + text[1:]
    return text if text.endswith(SENTENCE_ENDS) else text + FULL_STOPS.get(reading.language(), ".")


def field_errors(err: ValidationError, spec: FormSpec) -> tuple[dict[str, str], str | None]:
    """Each problem next to the page's field it is about; the first of the rest on top of the page."""
    errors: dict[str, str] = {}
    top: str | None = None
    for error in err.errors():
        names = [part for part in error.get("loc", ()) if isinstance(part, str)]
        name = names[-1] if names else spec.whole
        placed = spec.place(name)
        message = friendly(error, spec.aliases.get(name, name) if name else None, spec)
        if placed is not None:
            errors.setdefault(placed, message)
        elif top is None:
            top = message
    return errors, top


def refusal_errors(err: OnrampError, spec: FormSpec) -> tuple[dict[str, str], str | None]:
    """A workflow's refusal next to the page's field it names, else on top of the page."""
    placed = spec.place(err.field, spec.refusal_aliases)
    if placed is not None:
        return {placed: said(err)}, None
    return {}, said(err)


Again = Callable[[dict[str, str], str | None, int], Response | Awaitable[Response]]
"""The page again, with errors next to their fields, a sentence on top (or None), and the status."""


async def submit(
    spec: FormSpec, parse: Callable[[], M], step: Callable[[M], Awaitable[T]], again: Again
) -> T | Response:
    """The flow of every form: parse the form into the step's input (pydantic validates it), run the step; when
    either refuses, the page again with the reasons next to their fields. The step's answer, or that page."""
    try:
        body = parse()
    except ValidationError as err:
        return await _page(again, *field_errors(err, spec), 422)
    try:
        return await step(body)
    except OnrampError as err:
        return await _page(again, *refusal_errors(err, spec), err.http_status)


async def _page(again: Again, errors: dict[str, str], top: str | None, status: int) -> Response:
    page = again(errors, top, status)
    return await page if inspect.isawaitable(page) else page
