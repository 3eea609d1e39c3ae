"""Why a step is refused, as one vocabulary for the workflows, the activities, the API and the CLI.

A refusal travels as a non-retryable ApplicationError: its ``type`` is a ``Refusal``, its message says why in words
for a person, and its first detail, when there is one, names the field it is about. The API answers with the
same ``Refusal`` as ``error``; what kind of refusal it is decides the HTTP status (starter/web/errors.py).
"""

from __future__ import annotations

from enum import StrEnum

from temporalio.exceptions import ApplicationError


class Refusal(StrEnum):
    # The input breaks a rule (HTTP 422): the field is named.
    INVALID_STEP = "InvalidStep"
    INVALID_INPUT = "InvalidInput"
    INVALID_PASSWORD = "InvalidPassword"
    CARD_REFUSED = "CardRefused"
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


def refuse(refusal: Refusal, message: str, field: str | None = None) -> ApplicationError:
    """The refusal as Temporal carries it: never retried, the field (if any) as its first detail."""
    return ApplicationError(message, *([field] if field else []), type=str(refusal), non_retryable=True)


def refused_field(error: ApplicationError) -> str | None:
    """The field a refusal names, if it names one."""
    details = error.details
    return details[0] if details and isinstance(details[0], str) else None


def passed_on(error: ApplicationError, default: Refusal) -> ApplicationError:
    """An activity's refusal, passed on as the step's own answer: the same type, message and field."""
    field = refused_field(error)
    return ApplicationError(
        error.message, *([field] if field else []), type=error.type or str(default), non_retryable=True
    )
