"""Small value types shared by every contract that crosses Temporal, the API or the CLI."""

from __future__ import annotations

import functools
import re
import typing
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Any, ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from email_validator import SPECIAL_USE_DOMAIN_NAMES
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    GetJsonSchemaHandler,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from models.refusals import RuleBroken, because


class SchemaStates:
    """Annotation metadata: the OpenAPI schema states these keywords of a rule its validator applies (a bound
    pydantic leaves out of the schema, or that a custom validator checks), so the schema is no looser than the
    validation. ``SchemaStates(minimum=1)`` next to a validator that refuses 0 with its own message. A callable
    value is called when the schema is made (not at import: workflows import the models in their sandbox)."""

    def __init__(self, **keywords: Any) -> None:
        self.keywords = keywords

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema.update({key: value() if callable(value) else value for key, value in self.keywords.items()})
        return schema


def _known_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise RuleBroken(
            because(
                "'%(name)s' is not a known IANA time zone (examples: Europe/Ljubljana, America/New_York, UTC)",
                name=name,
            )
        ) from None
    return name


ALIAS_AREAS = frozenset({"Etc", "SystemV", "US", "posix", "right"})


@functools.cache
def place_zones() -> tuple[str, ...]:
    """The time zones a person picks from a list: UTC and the Area/Place names (Europe/Ljubljana), not the aliases
    (Etc/GMT+1, US/Pacific) nor tzdata's Factory and localtime. Any known zone is still accepted where typed."""
    return tuple(
        zone
        for zone in sorted(available_timezones())
        if zone == "UTC" or ("/" in zone and zone.split("/")[0] not in ALIAS_AREAS)
    )


TimeZoneName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=64),
    AfterValidator(_known_time_zone),
    SchemaStates(enum=lambda: sorted(available_timezones())),
]
"""An IANA time zone name such as ``Europe/Ljubljana`` (the schema lists the names this machine knows)."""

QUARTER_HOUR_PATTERN = r"^([01][0-9]|2[0-3]):(00|15|30|45)(:00)?$"
QuarterHour = Annotated[
    time,
    WithJsonSchema(
        {
            "type": "string",
            "maxLength": 8,
            "pattern": QUARTER_HOUR_PATTERN,
            "description": "A wall-clock time on a quarter hour, HH:MM (the zone is given beside it).",
        }
    ),
]
"""A local start time on the hour or a quarter past, half past or a quarter to. It has no UTC offset, so its schema
is a pattern, not JSON Schema's ``time`` format (which requires one and so fails every answer that holds one)."""

LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$"
Language = Annotated[str, StringConstraints(max_length=35, pattern=LANGUAGE_PATTERN)]
"""A BCP 47 language tag as people's browsers and orders send it: a language and up to three subtags (``en``,
``sl``, ``de-AT``, ``zh-Hant``, ``zh-Hant-TW``, ``ar-EG``), any case. What onramp speaks for it is
models.languages.supported's answer; a tag it does not speak is kept, and read as English."""

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""A person's or company's display name."""


class MultiLine:
    """Marks a text field that may hold line breaks and tabs (a comment, a reason); every other text is one line."""


MULTI_LINE = MultiLine()
LINE_BREAKS = frozenset("\n\r\t")
_CONTROL = r"\u0000-\u001f\u007f-\u009f"
_CONTROL_BUT_BREAKS = r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
SINGLE_LINE_PATTERN = rf"^[^{_CONTROL}]*$"
MULTI_LINE_PATTERN = rf"^[^{_CONTROL_BUT_BREAKS}]*$"


def not_blank_pattern(min_length: int, *, multi_line: bool = False) -> str:
    """A printable text that still has ``min_length`` characters once its leading and trailing white space is
    stripped: the schema of a ``strip_whitespace`` text with a minimum length (otherwise "  " would pass the schema
    and fail the validator). Two characters that are not white space, ``min_length - 2`` apart or more."""
    control = _CONTROL_BUT_BREAKS if multi_line else _CONTROL
    text, solid = f"[^{control}]", rf"[^\s{control}]"
    if min_length <= 1:
        return f"^{text}*{solid}{text}*$"
    return f"^{text}*{solid}{text}{{{min_length - 2},}}{solid}{text}*$"


def printable(text: str, *, multi_line: bool = False) -> str:
    """The one rule for text a person typed: no control characters (NUL and friends would reach a mail header, a
    PostgreSQL text column that refuses them, a terminal); line breaks and tabs only where ``multi_line``."""
    for char in text:
        if unicodedata.category(char) == "Cc" and not (multi_line and char in LINE_BREAKS):
            found = f"U+{ord(char):04X}"
            raise RuleBroken(
                because("must not contain line breaks or control characters (found %(char)s)", char=found)
                if char in LINE_BREAKS
                else because("must not contain control characters (found %(char)s)", char=found)
            )
    return text


def _marked(annotation: Any) -> bool:
    if typing.get_origin(annotation) is Annotated and any(isinstance(m, MultiLine) for m in annotation.__metadata__):
        return True
    return any(_marked(arg) for arg in typing.get_args(annotation))


@functools.cache
def multi_line_fields(model: type[BaseModel]) -> frozenset[str]:
    """The fields of ``model`` marked MULTI_LINE (directly, or inside an Optional or a list)."""
    return frozenset(
        name
        for name, field in model.model_fields.items()
        if any(isinstance(m, MultiLine) for m in field.metadata) or _marked(field.annotation)
    )


def _any_case(name: str) -> str:
    return "".join(f"[{char.upper()}{char}]" if char.isalpha() else re.escape(char) for char in name)


EMAIL_DOMAIN_PATTERN = rf"^(?![\s\S]*[.@]({'|'.join(_any_case(name) for name in SPECIAL_USE_DOMAIN_NAMES)})$)"
"""What an e-mail address must be besides the ``email`` format: EmailStr (email-validator) refuses the special-use
domains (``.test``, ``.local``, ``localhost``, ...) that the format allows."""


def _is_decimal(annotation: Any) -> bool:
    return annotation is Decimal or any(_is_decimal(arg) for arg in typing.get_args(annotation))


def _decimal_rule(prop: dict[str, Any], metadata: list[Any]) -> None:
    """A Decimal the API reads: pydantic's schema offers "a number, or any text", and its digits go unstated. The
    schema offers the number (text still parses, but only a number is promised) with its digits as ``multipleOf``
    and a bound: what the validator refuses, the schema does not allow."""
    variants = prop.get("anyOf")
    if not variants or not any(v.get("type") == "number" for v in variants):
        return  # the answer's schema (a string): nothing to state
    places = next((m.decimal_places for m in metadata if getattr(m, "decimal_places", None) is not None), None)
    digits = next((m.max_digits for m in metadata if getattr(m, "max_digits", None) is not None), None)
    kept = [v for v in variants if v.get("type") != "string"]
    for variant in kept:
        if variant.get("type") != "number":
            continue
        if places is not None:
            variant["multipleOf"] = float(Decimal(1).scaleb(-places))
        if digits is not None:
            whole = float(Decimal(1).scaleb(digits - (places or 0)))
            variant.setdefault("exclusiveMaximum", whole)
            if "minimum" not in variant and "exclusiveMinimum" not in variant:
                variant["exclusiveMinimum"] = -whole
    if len(kept) == 1:
        del prop["anyOf"]
        prop.update(kept[0])
    else:
        prop["anyOf"] = kept
    if isinstance(prop.get("default"), str):  # pydantic writes a Decimal default as text
        prop["default"] = float(prop["default"])


NO_EDGE_SPACE = r"^(?!\s)(?![\s\S]*\s$)"
"""Prefixed to the pattern of a text the validator strips: the pattern holds for the stripped text, so the schema
asks for a text without white space at its ends (else ``"+386 1 23 "`` passes the schema, not the validator)."""


def _stripped(annotation: Any, metadata: list[Any]) -> tuple[bool, int]:
    """Whether the field's text is stripped before its rules apply, and the least length it keeps then."""
    found = [m for m in metadata if isinstance(m, StringConstraints)]
    stack = [annotation]
    while stack:
        node = stack.pop()
        if typing.get_origin(node) is Annotated:
            found += [m for m in node.__metadata__ if isinstance(m, StringConstraints)]
        stack += typing.get_args(node)
    stripping = [m for m in found if m.strip_whitespace]
    return bool(stripping), max((m.min_length or 0 for m in stripping), default=0)


def _state_text_rule(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """The OpenAPI schema says what the validator says: every free text property gets the printable pattern (one
    that also refuses a blank text where the stripped text has a minimum length), and a model states its rules
    between fields (``schema_rules``)."""
    multi_line = multi_line_fields(model)
    for name, prop in schema.get("properties", {}).items():
        multi = name in multi_line
        field = model.model_fields.get(name)
        stripping, stripped = _stripped(field.annotation, field.metadata) if field is not None else (False, 0)
        if field is not None and _is_decimal(field.annotation):
            _decimal_rule(prop, field.metadata)
        variants = [prop, *prop.get("anyOf", [])]
        variants += [v["items"] for v in variants if isinstance(v.get("items"), dict)]
        for variant in variants:
            if variant.get("format") == "email" and "pattern" not in variant:
                variant["pattern"] = EMAIL_DOMAIN_PATTERN
            pattern = variant.get("pattern")
            if stripping and isinstance(pattern, str) and pattern.startswith("^") and NO_EDGE_SPACE not in pattern:
                variant["pattern"] = NO_EDGE_SPACE + pattern
            if variant.get("type") == "string" and not {"pattern", "format", "enum", "const"} & variant.keys():
                if stripped:
                    variant["pattern"] = not_blank_pattern(stripped, multi_line=multi)
                else:
                    variant["pattern"] = MULTI_LINE_PATTERN if multi else SINGLE_LINE_PATTERN
    schema.update(getattr(model, "schema_rules", {}))


class Contract(BaseModel):
    """Base of every model that crosses a boundary: unknown fields are an error, not silently dropped, and no text
    field holds control characters (``printable``), whichever model declares it."""

    model_config = ConfigDict(extra="forbid", frozen=False, json_schema_extra=_state_text_rule)
    schema_rules: ClassVar[dict[str, Any]] = {}
    """JSON Schema keywords for a rule between fields that a model validator checks (``if``/``then``), stated in
    the schema too."""

    @field_validator("*", mode="after")
    @classmethod
    def _printable_text(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):
            return printable(value, multi_line=cls._multi_line(info.field_name))
        if isinstance(value, list | tuple | set | frozenset):
            multi = cls._multi_line(info.field_name)
            for item in value:
                if isinstance(item, str):
                    printable(item, multi_line=multi)
        return value

    @classmethod
    def _multi_line(cls, name: str | None) -> bool:
        return name in multi_line_fields(cls)


class Recipient(Contract):
    """Someone who gets e-mail from onramp, in their own language."""

    email: EmailStr
    language: Language = "en"


def local_midnight(day: date, time_zone: str) -> datetime:
    """Midnight at the start of ``day`` in ``time_zone`` (an aware datetime)."""
    return datetime.combine(day, time(0), ZoneInfo(time_zone))


def add_local_days(moment: datetime, days: int, time_zone: str) -> datetime:
    """``moment`` plus ``days`` calendar days on the wall clock of ``time_zone``.

    Aware-datetime arithmetic in Python is wall-clock arithmetic within one tzinfo, so a day that has
    23 or 25 hours (a DST change) still lands on the same local time of day.
    """
    local = moment.astimezone(ZoneInfo(time_zone))
    return (local + timedelta(days=days)).astimezone(ZoneInfo(time_zone))


class OperatorNote(Contract):
    """Who asked for an operator action, and why; shown in the order's timeline."""

    operator: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = "operator"
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), MULTI_LINE] | None = Field(
        default=None
    )
