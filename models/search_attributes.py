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

ALL: tuple[SearchAttributeKey[Any], ...] = (KIND, STATUS, BUSINESS_ID, ESCALATED, NEXT_DEADLINE)
"""Registered by the dev stack (`temporal server start-dev --search-attribute`) and by the tests."""
