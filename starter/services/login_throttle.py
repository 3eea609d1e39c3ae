"""Login throttling with growing delays instead of a lockout: a lockout lets anyone lock a victim out, a delay only
slows whoever keeps guessing.

Wrong passwords are counted per client address and per account over a 15-minute window. After a few free tries,
each further attempt from that address (or at that account) must wait twice as long as the one before, up to a
minute; an attempt made sooner is refused without the password being checked. The account's count allows many more
tries than an address's, so one address guessing slows itself long before it slows the account's own admin
elsewhere. The counts live in the API process (one replica's memory; a shared store would serve several).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

WINDOW_SECONDS = 15 * 60
FREE_PER_ADDRESS = 3
FREE_PER_ACCOUNT = 10
LONGEST_WAIT = 60.0
MAX_KEYS = 50_000


@dataclass
class _Count:
    failures: int
    last: float


class LoginThrottle:
    def __init__(self) -> None:
        self._counts: dict[str, _Count] = {}

    def wait(self, address: str, account: str, now: float | None = None) -> float:
        """Seconds before an attempt from ``address`` at ``account`` is considered (0: at once)."""
        now = time.monotonic() if now is None else now
        return max(
            self._wait(f"address:{address}", FREE_PER_ADDRESS, now),
            self._wait(f"account:{account}", FREE_PER_ACCOUNT, now),
        )

    def failed(self, address: str, account: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if len(self._counts) > MAX_KEYS:
            self._forget_old(now)
        for key in (f"address:{address}", f"account:{account}"):
            count = self._live(key, now)
            self._counts[key] = _Count(failures=(count.failures if count else 0) + 1, last=now)

    def succeeded(self, address: str, account: str) -> None:
        self._counts.pop(f"address:{address}", None)
        self._counts.pop(f"account:{account}", None)

    def _live(self, key: str, now: float) -> _Count | None:
        count = self._counts.get(key)
        if count is not None and now - count.last > WINDOW_SECONDS:
            del self._counts[key]
            return None
        return count

    def _wait(self, key: str, free: int, now: float) -> float:
        count = self._live(key, now)
        if count is None or count.failures < free:
            return 0.0
        delay = min(2.0 ** (count.failures - free), LONGEST_WAIT)
        return max(0.0, count.last + delay - now)

    def _forget_old(self, now: float) -> None:
        for key in [k for k, c in self._counts.items() if now - c.last > WINDOW_SECONDS]:
            del self._counts[key]
