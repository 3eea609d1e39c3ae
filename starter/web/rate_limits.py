"""Rate limits on what anyone may call: ordering an assist (each draft holds a producer), finding a booking,
opening a link and logging in, per client address over a moving window (the `limits` library). The windows live in
the API process, like the login throttle; a shared store (Redis) serves several replicas.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from enum import StrEnum

from fastapi import Request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from models.refusals import Refusal, because_n
from starter.errors import OnrampError
from starter.settings import Settings


class Limit(StrEnum):
    ORDERING = "ordering"
    FINDING = "finding"
    LINKS = "links"
    LOGIN = "login"
    CONTACT = "contact"  # per account, not per address: messages to Corporate Account Services


class TooManyRequests(OnrampError):
    http_status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            because_n(
                "Too many requests from your address: try again in %(num)d second.",
                "Too many requests from your address: try again in %(num)d seconds.",
                retry_after,
            ),
            type=Refusal.TOO_MANY_REQUESTS,
        )
        self.headers = {"Retry-After": str(retry_after)}


class RateLimits:
    def __init__(self, settings: Settings) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._items: dict[Limit, RateLimitItem] = {
            Limit.ORDERING: parse(settings.rate_limit_ordering),
            Limit.FINDING: parse(settings.rate_limit_finding),
            Limit.LINKS: parse(settings.rate_limit_links),
            Limit.LOGIN: parse(settings.rate_limit_login),
            Limit.CONTACT: parse(settings.rate_limit_contact),
        }

    def hit(self, limit: Limit, address: str) -> None:
        """Count one request; over the limit, refused with when to try again."""
        item = self._items[limit]
        if not self._limiter.hit(item, limit.value, address):
            reset = self._limiter.get_window_stats(item, limit.value, address).reset_time
            raise TooManyRequests(max(1, int(reset - time.time()) + 1))


def limited(limit: Limit) -> Callable[[Request], Awaitable[None]]:
    """A dependency: the route counts against ``limit`` for the caller's address."""

    async def count(request: Request) -> None:
        rate_limits: RateLimits = request.app.state.rate_limits
        rate_limits.hit(limit, request.client.host if request.client else "unknown")

    count.__name__ = f"rate_limit_{limit.value}"
    return count
