"""Who is acting on the CLI: the operator's API key (ONRAMP_API_KEY, or `onramp dev`'s key file) or an identity
provider's access token in the same variable, checked like the API checks it. Each acting command names the scope
it needs, and leaves an audit row with the caller's name and how it ended.

The CLI talks to Temporal and the database directly: in production those endpoints are the operators' own
(mTLS, network policy), and the key is what names the operator in the audit trail and the order's timeline.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from starter.cli.database import database
from starter.cli.output import fail
from starter.errors import OnrampError
from starter.services import callers, identity_provider
from starter.services.callers import Caller, Scope
from starter.settings import get_settings
from store import SessionFactory, audit
from store.transactions import run_transaction

F = TypeVar("F", bound=Callable[..., Any])

NO_KEY = (
    "This command needs an operator's API key: set ONRAMP_API_KEY (`onramp api-key create` makes one; "
    "`onramp dev` keeps one in .onramp/api-key)."
)


async def _checked(sessions: SessionFactory, scope: Scope) -> Caller:
    settings = get_settings()
    token = settings.operator_token()
    if token is None:
        fail(NO_KEY)
    # onramp's keys always prove an operator here: the CLI checks them against the database it reaches itself.
    # ONRAMP_API_KEYS_ENABLED is about what the HTTP API accepts from callers on the network.
    caller = await callers.caller_of(sessions, identity_provider.from_settings(settings), token, keys=True)
    if caller is None:
        fail("ONRAMP_API_KEY is not a live key or token: it is unknown, revoked or expired.")
    if scope.value not in caller.scopes:
        fail(f"The key of {caller.name} does not hold the scope {scope.value!r} this command needs.")
    return caller


async def caller_with(scope: Scope) -> Caller:
    """The CLI's caller, when its credential holds ``scope``; else the command stops with the reason."""
    async with database() as sessions:
        return await _checked(sessions, scope)


@asynccontextmanager
async def acting(scope: Scope, action: str, target: str | None = None) -> AsyncIterator[Caller]:
    """The caller, when its credential holds ``scope``; the audit row is written when the block ends."""
    async with database() as sessions:
        caller = await _checked(sessions, scope)
        outcome = "ok"
        try:
            yield caller
        except OnrampError as err:
            outcome = err.type
            raise
        except BaseException as err:
            outcome = "exit" if type(err).__name__ == "Exit" else "error"
            raise
        finally:
            at = datetime.now(UTC)
            await run_transaction(
                sessions,
                lambda session: audit.record(session, at, caller.actor, f"onramp {action}", target, outcome, "cli"),
            )


def audited(scope: Scope, action: str, target: str | None = None) -> Callable[[F], F]:
    """A command that acts: run as the credential's caller (``acting``), its ``target`` argument the audit row's."""

    def decorate(command: F) -> F:
        @functools.wraps(command)
        async def run(*args: Any, **kwargs: Any) -> Any:
            async with acting(scope, action, str(kwargs[target]) if target else None):
                return await command(*args, **kwargs)

        return run  # type: ignore[return-value]

    return decorate


def reading(command: F) -> F:
    """A command that only reads: its caller's credential must hold orders:read; nothing is audited."""

    @functools.wraps(command)
    async def run(*args: Any, **kwargs: Any) -> Any:
        await caller_with(Scope.READ)
        return await command(*args, **kwargs)

    return run  # type: ignore[return-value]
