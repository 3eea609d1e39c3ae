"""Why a step is refused, as one vocabulary for the workflows, the activities, the API, the pages and the CLI.

A refusal travels as a non-retryable ApplicationError: its ``type`` is a ``Refusal``, its message is the reason in
English (what histories, logs and the CLI show), and its details are the field it is about (or None) and the
``Reason`` itself: a message key with its parameters, so whoever shows it renders it in its reader's language
(translations/reasons.py). The API answers with the same ``Refusal`` as ``error``; what kind of refusal it is
decides the HTTP status (starter/web/errors.py).

A reason is written with ``because("Enter at most %(limit)d new seats.", limit=5)``, or ``because_n(singular,
plural, count, …)`` where a number decides the sentence's form; a parameter a person reads as a word of the product
(a status, an edition) is ``word(context, text)``, translated with its context. These three names are the refusals
catalog's extraction keywords (translations/refusals.cfg): a key is a literal English sentence, a %-format with
named placeholders, never an f-string.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Union
from zoneinfo import ZoneInfo

from pydantic import AwareDatetime, BaseModel, ConfigDict, ValidationError
from temporalio.exceptions import ApplicationError


class Refusal(StrEnum):
    # The input breaks a rule (HTTP 422): the field is named.
    INVALID_STEP = "InvalidStep"
    INVALID_INPUT = "InvalidInput"
    INVALID_PASSWORD = "InvalidPassword"
    CARD_REFUSED = "CardRefused"
    PROMOTION_INVALID = "PromotionInvalid"
    VALIDATION_ERROR = "ValidationError"
    # The process is not where the step applies, or another step won a race (HTTP 409).
    REFUSED = "Refused"
    ORDER_STATE_CONFLICT = "OrderStateConflict"
    WIZARD_STEP_CONFLICT = "WizardStepConflict"
    WIZARD_SESSION_INVALID = "WizardSessionInvalid"
    SETUP_CONFLICT = "SetupConflict"
    SUBDOMAIN_TAKEN = "SubdomainTaken"
    NOT_ELIGIBLE = "NotEligible"
    BOOKING_STATE_CONFLICT = "BookingStateConflict"
    WRONG_STATE = "WrongState"
    ORGANIZER_STATE_CONFLICT = "OrganizerStateConflict"
    ORGANIZER_EXISTS = "OrganizerExists"
    NO_LICENSE_LEFT = "NoLicenseLeft"
    ORDER_EXISTS = "OrderExists"
    ACCOUNT_EXISTS = "AccountExists"
    USERNAME_TAKEN = "UsernameTaken"
    WORKFLOW_COMPLETED = "WorkflowCompleted"
    RETRY = "Retry"
    # Nothing is known by that name, or the link no longer works (HTTP 404).
    NOT_FOUND = "NotFound"
    LINK_INVALID = "LinkInvalid"
    ACTIVATION_LINK_INVALID = "ActivationLinkInvalid"
    ACCOUNT_UNKNOWN = "AccountUnknown"
    CARD_UNKNOWN = "CardUnknown"
    ORGANIZER_MISSING = "OrganizerMissing"
    # Who is calling (HTTP 401 / 403).
    NOT_LOGGED_IN = "NotLoggedIn"
    NOT_AUTHENTICATED = "NotAuthenticated"
    FORBIDDEN = "Forbidden"
    TOO_MANY_REQUESTS = "TooManyRequests"
    PASSWORD_CHANGE_REQUIRED = "PasswordChangeRequired"
    # A form the pages cannot read (HTTP 400).
    FORM_TOO_LARGE = "FormTooLarge"
    FORM_UNREADABLE = "FormUnreadable"
    # An e-mail that cannot be rendered: sending it again cannot help.
    MAIL_TEMPLATE_MISSING = "MailTemplateMissing"
    MAIL_TEMPLATE_BROKEN = "MailTemplateBroken"


INPUT_REFUSALS = frozenset(
    {
        Refusal.INVALID_STEP,
        Refusal.INVALID_INPUT,
        Refusal.INVALID_PASSWORD,
        Refusal.CARD_REFUSED,
        Refusal.PROMOTION_INVALID,
        Refusal.VALIDATION_ERROR,
    }
)
"""The input breaks a rule: the person can correct it (HTTP 422)."""

UNKNOWN_REFUSALS = frozenset(
    {
        Refusal.NOT_FOUND,
        Refusal.LINK_INVALID,
        Refusal.ACTIVATION_LINK_INVALID,
        Refusal.ACCOUNT_UNKNOWN,
        Refusal.CARD_UNKNOWN,
        Refusal.ORGANIZER_MISSING,
    }
)
"""Nothing is known by that name (HTTP 404)."""


class Word(BaseModel):
    """A parameter a person reads as a word of the product (a status, a step's name): translated with its context,
    which tells the translator what kind of word it is (``booking status``) and keeps it apart from the same
    English word elsewhere."""

    model_config = ConfigDict(frozen=True)

    context: str
    text: str


class When(BaseModel):
    """A moment (on ``zone``'s clock) or a day a sentence names: written the reader's way (``2026年12月1日 09:30``),
    and as ``2026-12-01 09:30`` in the English of the logs and the CLI."""

    model_config = ConfigDict(frozen=True)

    at: AwareDatetime | date
    zone: str = "UTC"
    until: AwareDatetime | None = None
    """The end of a span (an Assist session) from ``at``."""
    named: bool = False
    """Whether the zone's name is said with it (a sentence that does not name the zone itself)."""
    text: str | None = None
    """Its English as the process writes it elsewhere (a session's label), when that is not the plain form."""

    def english(self) -> str:
        if self.text is not None:
            return self.text
        if isinstance(self.at, datetime):
            return f"{self.at.astimezone(ZoneInfo(self.zone)):%Y-%m-%d %H:%M}"
        return self.at.isoformat()


Param = Union[Word, When, int, str, "Reason", list["Reason"]]
"""A number (its sentence's form may depend on it), a word to translate, a name the reader typed or was given (an
e-mail address, an order number), shown as it is, or a phrase of its own (a product and its edition) or a list of
them, each rendered like the sentence around it."""


class Reason(BaseModel):
    """Why, as a message key (the English sentence, the catalog's msgid) and its parameters: a sentence waiting for
    its reader's language. ``plural`` and ``count`` are set when a number decides the sentence's form."""

    model_config = ConfigDict(frozen=True)

    key: str
    params: dict[str, Param] = {}
    plural: str | None = None
    count: int | None = None

    def english(self) -> str:
        """The sentence in the source language: the msgid (or its plural) with its parameters filled."""
        text = self.plural if self.plural is not None and self.count != 1 else self.key
        return text % {name: _english(value) for name, value in self.params.items()}

    def __str__(self) -> str:
        return self.english()


def _english(value: Param) -> Param:
    if isinstance(value, Word):
        return value.text
    if isinstance(value, Reason | When):
        return value.english()
    if isinstance(value, list):
        return ", ".join(item.english() for item in value)
    return value


def because(key: str, /, **params: Param) -> Reason:
    """A reason: ``key`` is the English sentence, a %-format of ``params`` (extracted into the refusals catalog)."""
    return Reason(key=key, params=params)


def because_n(singular: str, plural: str, count: int, /, **params: Param) -> Reason:
    """A reason whose form the number ``count`` decides (``%(num)d`` is ``count`` unless given)."""
    return Reason(key=singular, plural=plural, count=count, params={"num": count, **params})


def word(context: str, text: str, /) -> Word:
    """A word the reader reads (a status), marked for the refusals catalog with its context."""
    return Word(context=context, text=text)


class RuleBroken(ValueError):
    """A model's validator refusing a value: pydantic keeps the exception in its error's ``ctx``, so the field
    error can be rendered from the reason in the reader's language (its English ``str`` is pydantic's ``msg``)."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.english())
        self.reason = reason


def reason_of_error(error: Mapping[str, Any]) -> Reason | None:
    """The reason a validator's ``RuleBroken`` gave for one of pydantic's errors, if it gave one."""
    cause = (error.get("ctx") or {}).get("error")
    return cause.reason if isinstance(cause, RuleBroken) else None


def reason_of(err: BaseException) -> Reason:
    """Why a value was refused, from the exception that refused it: a ``RuleBroken``'s reason, a failed
    validation's first problem, else the exception's English words, shown as they are."""
    if isinstance(err, RuleBroken):
        return err.reason
    if isinstance(err, ValidationError) and err.errors():
        error = err.errors()[0]
        return reason_of_error(error) or verbatim(str(error.get("msg", "")).removeprefix("Value error, "))
    return verbatim(str(err))


def refuse(
    refusal: Refusal | str, reason: Reason | str, field: str | None = None, *, non_retryable: bool = True
) -> ApplicationError:
    """The refusal as Temporal carries it: never retried (unless the data may yet appear), in English as its
    message, the field (or None) and the reason as its details. A plain string is a sentence from outside onramp
    (a template engine's error), shown as it is in every language."""
    reason = reason if isinstance(reason, Reason) else verbatim(reason)
    return ApplicationError(
        reason.english(), field, reason.model_dump(mode="json"), type=str(refusal), non_retryable=non_retryable
    )


def refused_field(error: ApplicationError) -> str | None:
    """The field a refusal names, if it names one."""
    details = error.details
    return details[0] if details and isinstance(details[0], str) else None


def refused_reason(error: ApplicationError) -> Reason:
    """The reason a refusal carries; a refusal from before reasons travelled (or from elsewhere) is its English
    message, shown as it is."""
    details = error.details
    if len(details) > 1:
        try:
            return Reason.model_validate(details[1])
        except ValidationError:
            pass
    return verbatim(error.message)


def verbatim(text: str) -> Reason:
    """A sentence with no key in the catalog (an older workflow's refusal, a message from outside onramp): every
    language shows it as it is."""
    return Reason(key="%(text)s", params={"text": text})


def passed_on(error: ApplicationError, default: Refusal) -> ApplicationError:
    """An activity's refusal, passed on as the step's own answer: the same type, reason and field."""
    return refuse(error.type or default, refused_reason(error), refused_field(error))


Reason.model_rebuild()
