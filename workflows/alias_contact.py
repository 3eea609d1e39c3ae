"""'This address is an alias' (seeds 001/003, step 1): the Set Up Now e-mail may go to an e-mail alias, and whoever
reads it adds their own address. On the link's first page they continue as themselves: their address becomes the
provisioning contact, the alias stays in the timeline, they get a link of their own, and the alias's link stops
working. Or they press "Start the setup" and continue under the alias, as before.

It is a contact change the partner makes, as the hand-over to a colleague is: the same ``_hand_over``.
"""

from __future__ import annotations

from temporalio import workflow

from workflows.partner_order_operator import OperatorSteps
from workflows.wizard_steps import invalid, wrong_step

with workflow.unsafe.imports_passed_through():
    from models import wizard_rules as rules
    from models.refusals import because
    from models.wizard import ContinueAsMyself, WizardView


class AliasContact(OperatorSteps):
    """Mixed into PartnerOrderWorkflow, which provides the Set Up Now e-mail and the order's state."""

    @workflow.update
    async def continue_as_myself(self, request: ContinueAsMyself) -> WizardView:
        self._refuse_own_address(request)  # again: a second claim may have passed the validator alongside the first
        alias, email = str(request.alias_email), str(request.email)
        session = self._wizard.session
        if session is not None and session.audience == "partner":
            self._end_session()  # whoever had the wizard open was reading the alias
            self._discard_answers()
        self._state.provisioning_alias = alias
        self._note(
            "wizard",
            f"{alias} is an e-mail alias: {email} continues as the provisioning contact, and the alias's link "
            "no longer works",
        )
        await self._hand_over(email)  # the new contact's link; the links of earlier contacts are revoked
        return self._view(
            because(
                "We sent a Set Up Now link to %(email)s. Continue with that link: this one no longer works.",
                email=email,
            )
        )

    @continue_as_myself.validator
    def _validate_continue_as_myself(self, request: ContinueAsMyself) -> None:
        self._refuse_own_address(request)
        self._require_mail_left()

    def _refuse_own_address(self, request: ContinueAsMyself) -> None:
        refused = rules.own_address_refusal(self._state, request)
        if refused is None:
            return
        reason, field = refused
        raise invalid(reason, field) if field else wrong_step(reason)
