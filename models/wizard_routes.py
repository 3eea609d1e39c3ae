"""The Set Up Now wizard's one step table (seeds 001/003): for each step, the URL path the JSON API and the pages
post to, the workflow Update it runs and the Update's input. The API, the pages and the CLI read it here."""

from __future__ import annotations

from dataclasses import dataclass

from models.wizard import (
    CallingStep,
    CompanyStep,
    CustomerAdminStep,
    CustomerOrgStep,
    LeaveStep,
    MeetingStep,
    PartnerOrgStep,
    PasswordSetStep,
    ProvisionStep,
    RoleStep,
    SetupByStep,
    StepInput,
    SubmitStep,
    SubscriptionStep,
    WizardStep,
)


@dataclass(frozen=True)
class StepRoute:
    """One step as clients drive it: the URL path segment (API and pages), the workflow Update, its input."""

    step: WizardStep | None  # None: leaving the wizard, which is no page of its own
    path: str
    update: str
    model: type[StepInput]
    summary: str


STEP_ROUTES: tuple[StepRoute, ...] = (
    StepRoute(WizardStep.ROLE, "role", "choose_role", RoleStep, "Step 2 - role: 'I am a partner' (or the customer)"),
    StepRoute(
        WizardStep.SETUP_BY,
        "setup-by",
        "choose_setup_by",
        SetupByStep,
        "Step 3 - who sets up: me, a colleague (e-mail), or the customer",
    ),
    StepRoute(
        WizardStep.PARTNER_ORG,
        "partner-org",
        "partner_org",
        PartnerOrgStep,
        "Step 4 - partner organization: create, confirm, or not recognised",
    ),
    StepRoute(
        WizardStep.CUSTOMER_ADMIN,
        "customer-admin",
        "customer_admin",
        CustomerAdminStep,
        "Step 5 - customer administrator e-mail",
    ),
    StepRoute(
        WizardStep.CUSTOMER_ORG,
        "customer-org",
        "customer_org",
        CustomerOrgStep,
        "Step 6 - customer organization: pick, create, or not recognised",
    ),
    StepRoute(
        WizardStep.REVIEW,
        "submit",
        "submit",
        SubmitStep,
        "Step 7 - review and submit: the order is set up (point of no return)",
    ),
    StepRoute(
        WizardStep.PASSWORD,
        "password",
        "password_set",
        PasswordSetStep,
        "Step 8 - create the partner organization's password",
    ),
    StepRoute(
        WizardStep.SUBSCRIPTION,
        "subscription",
        "review_subscription",
        SubscriptionStep,
        "Step 9 - subscription details reviewed",
    ),
    StepRoute(
        WizardStep.CALLING,
        "calling",
        "calling_settings",
        CallingStep,
        "Step 9 - calling settings (when calling was purchased)",
    ),
    StepRoute(
        WizardStep.MEETINGS,
        "meetings",
        "meeting_settings",
        MeetingStep,
        "Step 9 - meeting settings (when meetings were purchased)",
    ),
    StepRoute(
        WizardStep.COMPANY,
        "company",
        "company_settings",
        CompanyStep,
        "Step 9 - company settings: save the subdomain (unique)",
    ),
    StepRoute(WizardStep.PROVISION, "provision", "provision", ProvisionStep, "Step 10 - provision and start billing"),
    StepRoute(None, "leave", "leave", LeaveStep, "Exit: before the submit nothing entered is kept"),
)
ROUTE_OF_STEP = {route.step: route for route in STEP_ROUTES if route.step is not None}
