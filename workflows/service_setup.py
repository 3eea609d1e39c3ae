"""The Set Up Now wizard after the point of no return (seeds 001/003, steps 8-10), as Updates on
PartnerOrderWorkflow: the new partner organization's password, then the service setup the purchase brings
(subscription details, calling, meetings, company settings), then "Provision and start billing"."""

from __future__ import annotations

from typing import Any, Literal

from temporalio import workflow

from workflows import patches
from workflows.wizard_steps import WizardSteps, invalid, wrong_step

with workflow.unsafe.imports_passed_through():
    from models import service_settings
    from models import wizard_rules as rules
    from models.partner_order import PartnerOrderStatus
    from models.refusals import because
    from models.wizard import (
        CallingStep,
        CompanyStep,
        MeetingStep,
        PasswordSetStep,
        ProvisionStep,
        SubscriptionStep,
        WizardStep,
        WizardView,
    )
    from models.wizard_activities import (
        CLAIM_SUBDOMAIN_ACTIVITY,
        PROVISION_ORDER_ACTIVITY,
        SAVE_ORG_SETTINGS_ACTIVITY,
        ClaimSubdomain,
        Provisioned,
        ProvisionOrder,
        SaveOrgSettings,
    )

# Patches (workflow.patched): changes to logic that running workflows may already have passed through.
CUSTOMER_SET_UP_MAILS = "customer-set-up-mails"  # the customer set up: partner and customer each get their own mail


class ServiceSetup(WizardSteps):
    # ------------------------------------------------------------------ 8. partner password

    @workflow.update
    async def password_set(self, request: PasswordSetStep) -> WizardView:
        self._begin(request, WizardStep.PASSWORD)
        self._wizard.services.password_set = True
        return self._advance(WizardStep.PASSWORD, self._next_service_step(), "created the partner password")

    @password_set.validator
    def _validate_password_set(self, request: PasswordSetStep) -> None:
        self._check(request, WizardStep.PASSWORD)
        if not self._wizard.services.password_required:
            raise wrong_step(because("No password is needed: your partner organization already exists."))

    # ------------------------------------------------------------------ 9. service setup

    @workflow.update
    async def review_subscription(self, request: SubscriptionStep) -> WizardView:
        self._begin(request, WizardStep.SUBSCRIPTION)
        await self._save_settings("subscription", {"reviewed": True, "services": self._service_names()})
        self._wizard.services.subscription_reviewed = True
        return self._advance(WizardStep.SUBSCRIPTION, self._next_service_step(), "reviewed the subscription details")

    @review_subscription.validator
    def _validate_subscription(self, request: SubscriptionStep) -> None:
        self._check(request, WizardStep.SUBSCRIPTION)

    @workflow.update
    async def calling_settings(self, request: CallingStep) -> WizardView:
        """Saved on the customer's organization with the calling plan the order brings; the location's time zone is
        the order's unless another was chosen."""
        self._begin(request, WizardStep.CALLING)
        summary = service_settings.calling_summary(self._state, request)
        await self._save_settings("calling", summary.model_dump(mode="json", exclude={"language_name"}))
        self._wizard.services.calling = request
        return self._advance(WizardStep.CALLING, self._next_service_step(), "saved the calling settings")

    @calling_settings.validator
    def _validate_calling(self, request: CallingStep) -> None:
        self._check(request, WizardStep.CALLING)
        refused = rules.calling_refusal(request)
        if refused is not None:
            raise invalid(*refused)

    @workflow.update
    async def meeting_settings(self, request: MeetingStep) -> WizardView:
        """Saved on the customer's organization with the meeting types purchased and, once the company settings
        have saved the subdomain, the site name (claim_subdomain fills it in when the subdomain comes later)."""
        self._begin(request, WizardStep.MEETINGS)
        summary = service_settings.meeting_summary(self._state, request)
        await self._save_settings("meetings", summary.model_dump(mode="json", exclude={"language_name"}))
        self._wizard.services.meetings = request
        return self._advance(WizardStep.MEETINGS, self._next_service_step(), "saved the meeting settings")

    @meeting_settings.validator
    def _validate_meetings(self, request: MeetingStep) -> None:
        self._check(request, WizardStep.MEETINGS)
        refused = rules.meeting_refusal(request)
        if refused is not None:
            raise invalid(*refused)

    @workflow.update
    async def company_settings(self, request: CompanyStep) -> WizardView:
        """Save the subdomain: unique across all organizations (the activity claims it under a constraint)."""
        self._begin(request, WizardStep.COMPANY)
        claim = ClaimSubdomain(org_id=self._setup_record().customer_org_id, subdomain=request.subdomain)
        await self._activity(CLAIM_SUBDOMAIN_ACTIVITY, claim, None)
        self._wizard.services.subdomain = request.subdomain
        return self._advance(WizardStep.COMPANY, self._next_service_step(), f"saved the subdomain {request.subdomain}")

    @company_settings.validator
    def _validate_company(self, request: CompanyStep) -> None:
        self._check(request, WizardStep.COMPANY)

    async def _save_settings(
        self, section: Literal["subscription", "calling", "meetings"], values: dict[str, Any]
    ) -> None:
        setup = self._setup_record()
        settings = SaveOrgSettings(
            order_id=self._order.order_id, org_id=setup.customer_org_id, section=section, values=values
        )
        await self._activity(SAVE_ORG_SETTINGS_ACTIVITY, settings, None)

    # ------------------------------------------------------------------ 10. provision and start billing

    @workflow.update
    async def provision(self, request: ProvisionStep) -> WizardView:
        self._begin(request, WizardStep.PROVISION)
        setup = self._setup_record()
        provisioning = ProvisionOrder(
            order_id=self._order.order_id,
            org_id=setup.customer_org_id,
            services=self._service_names(),
            billing_start=workflow.now(),
        )
        result: Provisioned = await self._activity(PROVISION_ORDER_ACTIVITY, provisioning, Provisioned)
        self._wizard.step = WizardStep.DONE
        settings: dict[str, object] = {"settings": service_settings.summary(self._state).model_dump(mode="json")}
        if not setup.partner_access and patches.patched(CUSTOMER_SET_UP_MAILS):
            # the customer set up: the partner is told it has no access to manage the customer's organization
            partner = self._recipient(str(self._state.provisioning_contact_email))
            self._queue_mail("provisioned", partner, "provisioned_partner", extra=settings)
            customer = self._recipient(str(setup.customer_admin_email))
            self._queue_mail("provisioned", customer, "provisioned_customer", extra=settings)
        else:
            self._queue_mail(
                "provisioned", self._recipient(self._session().email), "provisioned_partner", extra=settings
            )
            if setup.customer_admin_email != self._session().email:
                customer = self._recipient(setup.customer_admin_email)
                self._queue_mail("provisioned", customer, "provisioned_customer", extra=settings)
        services = ", ".join(sorted(result.billing))
        await self._change_status(
            PartnerOrderStatus.PROVISIONED, f"subscription active, billing started for {services}"
        )
        self._end_session()
        return self._view(because("Your subscription is active and billing has started."))

    @provision.validator
    def _validate_provision(self, request: ProvisionStep) -> None:
        self._check(request, WizardStep.PROVISION)
