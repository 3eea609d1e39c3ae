"""pydantic's own field errors as reasons, so a field's problem reads in its reader's language like every refusal:
each error ``type`` the API's models can produce, with the numbers and names of its ``ctx``. A validator's own
refusal (models/refusals.py ``RuleBroken``) brings its reason. An English reader reads pydantic's own words, as API
clients always have; a type not listed here keeps them in every language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from models.languages import DEFAULT_LANGUAGE, SupportedLanguage
from models.refusals import Param, Reason, because, because_n, reason_of_error, verbatim

Context = Mapping[str, Any]


def _number(value: Any) -> Param:
    """A bound as the reader writes it: a whole number as one, anything else (a decimal, a date) as its text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float | Decimal) and value == int(value):
        return int(value)
    return str(value)


REASONS: dict[str, Callable[[Context], Reason]] = {
    "missing": lambda _: because("This field is required."),
    "string_too_long": lambda ctx: because_n(
        "Use at most %(num)d character.", "Use at most %(num)d characters.", int(ctx["max_length"])
    ),
    "string_too_short": lambda ctx: because_n(
        "Use at least %(num)d character.", "Use at least %(num)d characters.", int(ctx["min_length"])
    ),
    "too_long": lambda ctx: because_n(
        "List at most %(num)d item.", "List at most %(num)d items.", int(ctx["max_length"])
    ),
    "too_short": lambda ctx: because_n(
        "List at least %(num)d item.", "List at least %(num)d items.", int(ctx["min_length"])
    ),
    "string_pattern_mismatch": lambda _: because("This value is not in the expected format."),
    "string_type": lambda _: because("Enter text here."),
    "greater_than": lambda ctx: because("Enter a number greater than %(bound)s.", bound=_number(ctx["gt"])),
    "greater_than_equal": lambda ctx: because("Enter %(bound)s or more.", bound=_number(ctx["ge"])),
    "less_than": lambda ctx: because("Enter a number less than %(bound)s.", bound=_number(ctx["lt"])),
    "less_than_equal": lambda ctx: because("Enter %(bound)s or less.", bound=_number(ctx["le"])),
    "int_parsing": lambda _: because("Enter a whole number."),
    "int_type": lambda _: because("Enter a whole number."),
    "int_from_float": lambda _: because("Enter a whole number."),
    "float_parsing": lambda _: because("Enter a number."),
    "float_type": lambda _: because("Enter a number."),
    "decimal_parsing": lambda _: because("Enter a number."),
    "decimal_type": lambda _: because("Enter a number."),
    "bool_parsing": lambda _: because("Enter true or false."),
    "bool_type": lambda _: because("Enter true or false."),
    "literal_error": lambda ctx: because("Choose one of %(expected)s.", expected=str(ctx.get("expected", ""))),
    "enum": lambda ctx: because("Choose one of %(expected)s.", expected=str(ctx.get("expected", ""))),
    "date_parsing": lambda _: because("Enter a date as YYYY-MM-DD."),
    "date_from_datetime_parsing": lambda _: because("Enter a date as YYYY-MM-DD."),
    "date_type": lambda _: because("Enter a date as YYYY-MM-DD."),
    "datetime_parsing": lambda _: because("Enter a date and time as YYYY-MM-DDTHH:MM."),
    "datetime_from_date_parsing": lambda _: because("Enter a date and time as YYYY-MM-DDTHH:MM."),
    "datetime_type": lambda _: because("Enter a date and time as YYYY-MM-DDTHH:MM."),
    "time_parsing": lambda _: because("Enter a time as HH:MM."),
    "time_type": lambda _: because("Enter a time as HH:MM."),
    "timezone_aware": lambda _: because("Give the time with its time zone offset."),
    "extra_forbidden": lambda _: because("This field is not expected here."),
    "model_type": lambda _: because("Send an object here."),
    "model_attributes_type": lambda _: because("Send an object here."),
    "dict_type": lambda _: because("Send an object here."),
    "list_type": lambda _: because("Send a list here."),
    "union_tag_invalid": lambda _: because("This kind is not one this field accepts."),
    "union_tag_not_found": lambda _: because("Say which kind this is."),
    "url_parsing": lambda _: because("Enter a web address."),
    "url_scheme": lambda _: because("Enter a web address."),
    "uuid_parsing": lambda _: because("This is not a valid identifier."),
}
"""The pydantic error types an API request can meet, each as its reason (the bound it names as a parameter)."""


def reason_for(error: Mapping[str, Any], language: SupportedLanguage) -> Reason:
    """The reason for one of pydantic's errors: a validator's own, the table's for its type, else its English."""
    own = reason_of_error(error)
    if own is not None:
        return own
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if language is DEFAULT_LANGUAGE:
        return verbatim(message)
    kind = str(error.get("type", ""))
    if kind == "value_error" and message.startswith("value is not a valid email address"):
        return because("Enter a valid e-mail address.")
    make = REASONS.get(kind)
    if make is None:
        return verbatim(message)
    try:
        return make(error.get("ctx") or {})
    except (KeyError, TypeError, ValueError):
        return verbatim(message)
