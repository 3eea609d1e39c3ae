"""Babel's extractor for the refusals catalog (translations/refusals.cfg names it): Python's, looking only for the
keywords the section names (``because``, ``because_n``, ``word``). Babel adds its default keywords to every
section's, so without this the pages' ``gettext`` and ``N_`` marks in the same files would land here too."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from babel.messages.extract import extract_python


def extract(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[Any]:
    own: Mapping[str, Any] = options.get("keywords") or {}
    yield from extract_python(fileobj, own, comment_tags, dict(options))  # type: ignore[arg-type]
