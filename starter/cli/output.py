"""How the CLI speaks: rich tables, and errors as one clear sentence with an exit code, never a traceback."""

from __future__ import annotations

import asyncio
import functools
import json
import sys
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from pydantic_core import to_jsonable_python
from rich.console import Console
from temporalio.service import RPCError

from starter import temporal_errors
from starter.client import TemporalUnreachable
from starter.errors import OnrampError

# Piped output (CI logs, `| less`) gets wide lines instead of rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160)

P = ParamSpec("P")
R = TypeVar("R")

EXIT_REFUSED = 1
EXIT_INVALID = 2  # the same code typer uses for a bad flag
EXIT_UNREACHABLE = 3

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table or sentences.")]
"""The one spelling of every command's JSON output: a flag without a value."""
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]
"""What a destructive command takes to skip its question (scripts, CI)."""


def confirm(question: str, yes: bool) -> None:
    """Ask before a step that cannot be undone; no answer (or "no") stops the command with nothing changed, exit 1.
    ``--yes`` skips the question; a terminal that cannot answer (no stdin) answers no."""
    if yes:
        return
    try:
        agreed = typer.confirm(question, default=False, err=True)
    except typer.Abort:  # end of input, Ctrl-C
        agreed = False
    if not agreed:
        fail("Nothing was changed (give --yes to skip this question).", EXIT_REFUSED)


def fail(message: str, code: int = EXIT_REFUSED) -> NoReturn:
    err_console.print(f"[bold red]Error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def invalid(error: ValidationError, what: str) -> NoReturn:
    lines = [f"{what} is not valid:"]
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"]) or "input"
        lines.append(f"  • {field}: {str(problem['msg']).removeprefix('Value error, ')}")
    fail("\n".join(lines), EXIT_INVALID)


def run_async(command: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, R]:
    """Run an async command; turn every known error into a message and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return asyncio.run(command(*args, **kwargs))
        except TemporalUnreachable as err:
            fail(str(err), EXIT_UNREACHABLE)
        except temporal_errors.TemporalCondition as err:
            fail(err.message, EXIT_UNREACHABLE)
        except OnrampError as err:
            fail(err.message, EXIT_INVALID if err.http_status == 422 else EXIT_REFUSED)
        except ValidationError as err:
            invalid(err, "The input")
        except RPCError as err:
            condition = temporal_errors.translated(err)
            if condition is not None:
                fail(condition.message, EXIT_UNREACHABLE)
            fail(f"Temporal refused the request: {err.message}", EXIT_REFUSED)

    return wrapper


def print_json(value: BaseModel | list[Any] | dict[str, Any]) -> None:
    """JSON as the API writes it: models by their schema, moments in ISO 8601 with their offset."""
    if isinstance(value, BaseModel):
        console.print_json(value.model_dump_json())
    else:
        console.print_json(json.dumps(to_jsonable_python(value, fallback=str)))
