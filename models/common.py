"""Small value types shared by every contract that crosses Temporal, the API or the CLI."""

from __future__ import annotations

import functools
import typing
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)


def _known_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"'{name}' is not a known IANA time zone (examples: Europe/Ljubljana, America/New_York, UTC)"
        ) from None
    return name


TimeZoneName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), AfterValidator(_known_time_zone)
]
"""An IANA time zone name such as ``Europe/Ljubljana``."""

Language = Annotated[str, StringConstraints(max_length=5, pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]
"""A BCP 47 language tag of the simple kind: ``en``, ``sl``, ``pt-BR``."""

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""A person's or company's display name."""


class MultiLine:
    """Marks a text field that may hold line breaks and tabs (a comment, a reason); every other text is one line."""


MULTI_LINE = MultiLine()
LINE_BREAKS = frozenset("\n\r\t")
SINGLE_LINE_PATTERN = r"^[^\u0000-\u001f\u007f-\u009f]*$"
MULTI_LINE_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"


def printable(text: str, *, multi_line: bool = False) -> str:
    """The one rule for text a person typed: no control characters (NUL and friends would reach a mail header, a
    PostgreSQL text column that refuses them, a terminal); line breaks and tabs only where ``multi_line``."""
    for char in text:
        if unicodedata.category(char) == "Cc" and not (multi_line and char in LINE_BREAKS):
            what = "line breaks or control characters" if char in LINE_BREAKS else "control characters"
            raise ValueError(f"must not contain {what} (found U+{ord(char):04X})")
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


def _state_text_rule(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """The OpenAPI schema says what the validator says: every free text property gets the printable pattern."""
    multi_line = multi_line_fields(model)
    for name, prop in schema.get("properties", {}).items():
        multi = name in multi_line
        variants = [prop, *prop.get("anyOf", [])]
        variants += [v["items"] for v in variants if isinstance(v.get("items"), dict)]
        for variant in variants:
            if variant.get("type") == "string" and not {"pattern", "format", "enum", "const"} & variant.keys():
                variant["pattern"] = MULTI_LINE_PATTERN if multi else SINGLE_LINE_PATTERN


class Contract(BaseModel):
    """Base of every model that crosses a boundary: unknown fields are an error, not silently dropped, and no text
    field holds control characters (``printable``), whichever model declares it."""

    model_config = ConfigDict(extra="forbid", frozen=False, json_schema_extra=_state_text_rule)

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
