"""Every workflow the worker hosts, and the sandbox they run in.

Kept out of workflows/__init__.py on purpose: the sandbox re-imports a workflow's package for every workflow run, so
the package itself must stay empty (importing every workflow there made each run compile all of them).
"""

from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from workflows.assist_booking import AssistBookingWorkflow
from workflows.organizer_account import OrganizerAccountWorkflow
from workflows.partner_order import PartnerOrderWorkflow
from workflows.seat_order import SeatOrderWorkflow

ALL_WORKFLOWS = [PartnerOrderWorkflow, SeatOrderWorkflow, OrganizerAccountWorkflow, AssistBookingWorkflow]

# Shared with the sandbox instead of being re-imported in every workflow run: the libraries pydantic loads lazily
# while validating (EmailStr), and onramp's own contracts, `models`, which import-linter keeps free of I/O and which
# read no clock, random source or environment. Re-importing `models` (building every pydantic class again) cost each
# new workflow run, and the worker's check of its workflows at start, seconds: a worker took 3.7 s to build, 0.1 s now.
PASSTHROUGH_MODULES = ("email_validator", "idna", "models")

SHARED_WORKFLOW_MODULES = ("workflows",)
"""Onramp's workflow code itself, shared by the worker's runs as well. Re-importing it for every run (a start, or a
replay after the workflow left the cache) cost 20-30 ms of CPU, and each cached workflow kept its own copy of every
module: most of a worker's time per new order and most of its memory per open one. The workflows import only
`models` and temporalio (import-linter), keep no state at module level, and read time and randomness from
`workflow`; the strict sandbox, which re-imports them and so catches a stray `datetime.now()` at its call, runs the
saved histories in the replay tests and the test suite's own worker."""


def workflow_runner(*, strict: bool = False) -> SandboxedWorkflowRunner:
    """The sandbox the worker runs its workflows in; ``strict`` re-imports onramp's workflow modules for every run
    (the replay tests and the test suite's worker)."""
    shared = PASSTHROUGH_MODULES if strict else (*PASSTHROUGH_MODULES, *SHARED_WORKFLOW_MODULES)
    return SandboxedWorkflowRunner(restrictions=SandboxRestrictions.default.with_passthrough_modules(*shared))


__all__ = [
    "ALL_WORKFLOWS",
    "AssistBookingWorkflow",
    "OrganizerAccountWorkflow",
    "PartnerOrderWorkflow",
    "SeatOrderWorkflow",
    "workflow_runner",
]
