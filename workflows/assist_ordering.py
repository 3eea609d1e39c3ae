"""Ordering a Webex Assist booking (seed 004), as Updates on AssistBookingWorkflow, in the seed's four steps:
availability, meeting lookup, event info, submit. Each step takes the booking's lock: a double click waits for the
first to finish."""

from __future__ import annotations

from temporalio import workflow

from workflows import activity_calls, patches
from workflows import assist_site_terms as site_terms
from workflows.assist_step_rules import HOLD_SAVES_BOOKING, AssistStepRules, wrong_state

with workflow.unsafe.imports_passed_through():
    from models.assist import AssistBookingState, AssistStatus, BookingAnswer
    from models.assist_activities import (
        LookupResult,
        SessionLookup,
    )
    from models.assist_packages import PACKAGES
    from models.assist_requests import (
        Availability,
        EventInfo,
        MeetingLookup,
        SubmitBooking,
    )
    from models.assist_rules import (
        add_on_refusal,
        lead_time_refusal,
        lookup_refusal,
        no_producer_message,
    )
    from models.assist_time import SessionTime, SlotCheck
    from models.refusals import Reason, Refusal, because, refuse, verbatim, word
    from models.words import ASSIST_BOOKING

CONFIRMATION = "confirmation"

STEP_NAMES = {
    "availability": word("assist ordering step", "availability"),
    "lookup": word("assist ordering step", "meeting lookup"),
    "event_info": word("assist ordering step", "event info"),
    "submit": word("assist ordering step", "submit"),
}


def _not_found_on_site(result: LookupResult) -> Reason:
    """The site's answer when it has no such session: its reason (an older activity's: its English words)."""
    if result.reason is not None:
        return result.reason
    return verbatim(result.message) if result.message else because("The session was not found on the site.")


class AssistOrdering(AssistStepRules):
    """The four ordering steps, while the booking is a draft."""

    # ------------------------------------------------------------------ ordering, step 1: availability

    @workflow.update
    async def availability(self, request: Availability) -> SlotCheck:
        async with self._lock:
            self._require_draft()
            terms = await site_terms.offered(request)  # refuses a package the site's contract does not include
            check: SlotCheck = await activity_calls.run(
                "check_producers",
                self._hold_request(request.session, package=request.package),
                SlotCheck,
                local=patches.at_baseline(),
            )
            state = self._state
            state.availability = request
            state.coordinator = terms.coordinator if terms else None
            state.standard_fee = PACKAGES[request.package].standard_fee
            self._price()
            state.lookup, state.session_key, state.event_info = None, None, None
            state.step = "lookup" if check.available else "availability"
            self._touch()
            return check

    @availability.validator
    def _validate_availability(self, request: Availability) -> None:
        self._require_draft()
        self._require_lead_time(request.session)
        self._require_add_ons(request)

    # ------------------------------------------------------------------ step 2: meeting lookup

    @workflow.update
    async def lookup(self, request: MeetingLookup) -> AssistBookingState:
        async with self._lock:
            self._require_step("lookup", "event_info", "submit")
            state = self._state
            found = None
            if request.scheduled == "by_me":
                lookup = SessionLookup(
                    site=state.availability.site,
                    host_id=request.host_id or "",
                    host_email=str(request.host_email or ""),
                    session=state.session,
                )
                result = await activity_calls.run(
                    "find_scheduled_session", lookup, LookupResult, local=patches.at_baseline()
                )
                if result.found is None:
                    raise refuse(Refusal.INVALID_STEP, _not_found_on_site(result), "host_id")
                found = result.found
            state.lookup = request
            state.session_key = found.session_key if found else None
            if found is not None:
                state.event_info = EventInfo(topic=found.topic, host_name=found.host_id)
            state.step = "event_info"
            self._touch()
            return state

    @lookup.validator
    def _validate_lookup(self, request: MeetingLookup) -> None:
        self._require_step("lookup", "event_info", "submit")
        refusal = lookup_refusal(self._state.availability.package, request)
        if refusal is not None:
            field, message = refusal
            raise refuse(Refusal.INVALID_STEP, message, field)

    # ------------------------------------------------------------------ step 3: event info

    @workflow.update
    async def event_info(self, request: EventInfo) -> AssistBookingState:
        async with self._lock:
            self._require_step("event_info", "submit")
            self._state.event_info = request
            self._state.step = "submit"
            self._touch()
            return self._state

    @event_info.validator
    def _validate_event_info(self, request: EventInfo) -> None:
        self._require_step("event_info", "submit")

    # ------------------------------------------------------------------ step 4: submit → confirmation

    @workflow.update
    async def submit(self, request: SubmitBooking) -> BookingAnswer:
        async with self._lock:
            self._require_step("submit")
            state = self._state
            saves = patches.patched(HOLD_SAVES_BOOKING)
            held = await self._hold(state.session, self._record(AssistStatus.CONFIRMED) if saves else None)
            if held.producer is None:
                state.step = "availability"
                self._touch()
                return BookingAnswer(
                    confirmed=False,
                    alternatives=held.alternatives,
                    message=no_producer_message(state.session).english(),
                    state=state,
                )
            state.producer = held.producer
            state.status = AssistStatus.CONFIRMED
            state.step = "done"
            state.confirmed_at = workflow.now()
            self._prepare()
            if not saves:
                await self._save()
            self._queue_mail(CONFIRMATION, self._customer(), "assist_confirmation")
            coordinator = site_terms.coordinator_to_tell(state)
            if coordinator is not None:
                self._queue_mail(site_terms.COORDINATOR, coordinator, "assist_coordinator")
            self._changed()
            return BookingAnswer(confirmed=True, state=state)

    @submit.validator
    def _validate_submit(self, request: SubmitBooking) -> None:
        self._require_step("submit")
        self._require_lead_time(self._state.session)

    # ------------------------------------------------------------------ rules

    def _require_draft(self) -> None:
        if self._state.status is not AssistStatus.DRAFT:
            raise wrong_state(
                because(
                    "This order is %(status)s; its ordering steps are closed. "
                    "Use reservation number %(reservation_no)s to update or cancel it.",
                    status=ASSIST_BOOKING[self._state.status],
                    reservation_no=self._state.reservation_no,
                )
            )

    def _require_step(self, *steps: str) -> None:
        self._require_draft()
        if self._state.step not in steps:
            step = STEP_NAMES.get(self._state.step) or self._state.step
            raise wrong_state(because("Finish the %(step)s step first.", step=step), "step")

    def _require_lead_time(self, session: SessionTime, field: str = "session") -> None:
        refusal = lead_time_refusal(session, workflow.now(), self._state.policy.lead_days)
        if refusal is not None:
            raise refuse(Refusal.INVALID_STEP, refusal, field)

    def _require_add_ons(self, availability: Availability) -> None:
        refusal = add_on_refusal(availability.package, availability.add_ons)
        if refusal is not None:
            raise refuse(Refusal.INVALID_STEP, refusal, "add_ons")
