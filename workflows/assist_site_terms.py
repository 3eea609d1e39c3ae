"""A Webex site's terms in AssistBookingWorkflow (seed 004): the availability step reads them (the packages the
site's contract includes: another one is refused with the reason; the site's scheduling coordinator), and the
submit tells the coordinator of an order with comments or a language other than English, who contacts the customer
about availability. Functions over the booking's state, called from the ordering steps (workflows/assist_ordering.py)."""

from __future__ import annotations

from temporalio import workflow

from workflows import activity_calls, patches

with workflow.unsafe.imports_passed_through():
    from models.assist import AssistBookingState
    from models.assist_requests import Availability
    from models.assist_sites import SITE_TERMS_ACTIVITY, SiteTerms, package_refusal, tells_coordinator
    from models.common import Recipient
    from models.refusals import Refusal, refuse

SITE_TERMS = "site-terms"
"""Patch: the availability step reads the site's terms (one `site_terms` activity before the producer check) and
refuses a package the site's contract does not include (field ``package``); the submit queues the coordinator's
mail when the order has comments or a language other than English. Histories from before it read no terms and
mail no coordinator."""

COORDINATOR = "coordinator"
"""The coordinator's mail's outbox purpose."""


async def offered(request: Availability) -> SiteTerms | None:
    """The site's terms when ``request``'s package is one its contract includes; refused (non-retryable, field
    ``package``, naming the packages it includes) when not. None in a history from before the patch."""
    if not patches.patched(SITE_TERMS):
        return None
    terms: SiteTerms = await activity_calls.run(
        SITE_TERMS_ACTIVITY, request.site, SiteTerms, local=patches.at_baseline()
    )
    refusal = package_refusal(terms, request.package)
    if refusal is not None:
        raise refuse(Refusal.INVALID_STEP, refusal, "package")
    return terms


def coordinator_to_tell(state: AssistBookingState) -> Recipient | None:
    """At the submit: the site's coordinator, when there is one and the order has something for them (comments, a
    language other than English); None otherwise, and in a history from before the patch."""
    coordinator = state.coordinator
    if coordinator is None or not tells_coordinator(state.event_info) or not patches.patched(SITE_TERMS):
        return None
    return Recipient(email=coordinator.email)
