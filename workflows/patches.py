"""Patches, consolidated: a run that began at the baseline has every patch its workflow had then, without a marker
for each.

Each `workflow.patched` a run passes writes a marker and, since SDK core added it, an upsert of the
`TemporalChangeVersion` search attribute: two events in every new run's history for each patch, for as long as the
patch stays in the code, and a partner order or a seat order passed six or seven of them. A run that starts now asks
for the baseline once, when it begins (two events); every patch from before it then reads true without asking.
A run that began before the baseline has no baseline marker in its history, so it asks for each patch as it always
did, and replays as it always did (the saved histories in tests/histories show it).

What the baseline brings beyond the patches it covers is said where it is used (``at_baseline``): saves of the
workflow's own row as local activities (one marker, no activity events and no workflow task of their own).
A patch added after the baseline is asked for with ``patched`` as before (it is not in ``COVERED``), until a
next baseline covers it.
"""

from __future__ import annotations

from temporalio import workflow

BASELINE = "baseline-2026-12"

COVERED = frozenset(
    {
        "card-by-reference",
        "charge-lines",
        "console-queues",
        "customer-set-up-mails",
        "deadline-at-place",
        "delay-notice",
        "hold-saves-booking",
        "lean-processing",
        "mail-on-its-own-task-queue",
        "org-join-confirmation",
        "preparations",
        "production-hold",
        "quiet-placing",
        "quiet-watch-loop",
        "resend-to-the-customer",
        "resend-without-save",
        "site-terms",
        "tax-by-billing-country",
    }
)
"""The patches the baseline covers: every patch there was when it was set. A later one is not in it."""


def begin() -> bool:
    """Called once in each workflow's ``__init__`` (the run's first activation): whether this run began at the
    baseline. Kept by the workflow as ``_baseline``, which ``patched`` reads."""
    return workflow.patched(BASELINE)


def at_baseline() -> bool:
    """Whether the current run began at the baseline."""
    return bool(getattr(workflow.instance(), "_baseline", False))


def patched(patch_id: str) -> bool:
    """``workflow.patched(patch_id)``, true without a marker in a run that began at the baseline when the baseline
    covers the patch."""
    return (patch_id in COVERED and at_baseline()) or workflow.patched(patch_id)
