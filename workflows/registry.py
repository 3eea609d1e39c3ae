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


def workflow_runner() -> SandboxedWorkflowRunner:
    """The sandbox the worker and the replay tests both use."""
    return SandboxedWorkflowRunner(
        restrictions=SandboxRestrictions.default.with_passthrough_modules(*PASSTHROUGH_MODULES)
    )


__all__ = [
    "ALL_WORKFLOWS",
    "AssistBookingWorkflow",
    "OrganizerAccountWorkflow",
    "PartnerOrderWorkflow",
    "SeatOrderWorkflow",
    "workflow_runner",
]
