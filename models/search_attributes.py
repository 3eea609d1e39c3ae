"""Typed search attributes every onramp workflow keeps current, so operators can filter in the CLI and Web UI.

No personal data goes here: search attributes are not encrypted by the payload codec.
"""

from __future__ import annotations

from typing import Any

from temporalio.common import SearchAttributeKey

KIND = SearchAttributeKey.for_keyword("OnrampKind")
STATUS = SearchAttributeKey.for_keyword("OnrampStatus")
BUSINESS_ID = SearchAttributeKey.for_keyword("OnrampBusinessId")
ESCALATED = SearchAttributeKey.for_bool("OnrampEscalated")
NEXT_DEADLINE = SearchAttributeKey.for_datetime("OnrampNextDeadline")

# The operators' console (issue 16): what its queues filter by beside the five above.
CLOSES_AT = SearchAttributeKey.for_datetime("OnrampClosesAt")
"""A partner order's close date (its order line closes when not provisioned by then)."""
SESSION_START = SearchAttributeKey.for_datetime("OnrampSessionStart")
"""An Assist booking's session start."""
NO_PRODUCER = SearchAttributeKey.for_bool("OnrampNoProducer")
"""An Assist booking with its session time chosen but no producer reserved for it."""
REMINDED = SearchAttributeKey.for_bool("OnrampReminded")
"""An organizer whose activation reminder has gone out."""

ALL: tuple[SearchAttributeKey[Any], ...] = (
    KIND,
    STATUS,
    BUSINESS_ID,
    ESCALATED,
    NEXT_DEADLINE,
    CLOSES_AT,
    SESSION_START,
    NO_PRODUCER,
    REMINDED,
)
"""Registered by the dev stack (`temporal server start-dev --search-attribute`) and by the tests."""
