"""How `onramp … --help` shows an option: a flag (``--json``, ``--yes``, ``--help``) without a value placeholder.

Typer 0.29's rich help prints every option's type, flags included (``--json <bool>``), which reads as if the flag
took a value. A flag takes none, so its type column stays empty; every other option keeps its ``<str>`` / ``<int>``.
Imported once by starter/cli/__init__.py, before any help is printed."""

from __future__ import annotations

from typing import Any

from typer.core import TyperOption

_typed = TyperOption.display_type_rich


def _flag_without_type(self: TyperOption, ctx: Any) -> str | None:
    if self.is_flag and self.metavar is None:
        return None
    return _typed(self, ctx)


TyperOption.display_type_rich = _flag_without_type  # type: ignore[method-assign]
