"""The tables onramp keeps, one module per process. Importing this package registers every table on Base.metadata,
which the Alembic migrations (store/migrations) are kept in step with."""

from store.tables.accounts import (
    Account,
    AccountOrder,
    AccountSubscription,
    AdminSession,
    EnterpriseAdmin,
    GatewayAttempt,
    GatewayCharge,
    PaymentCard,
    SeatAssignment,
    SeatOrderRow,
    WelcomeMail,
)
from store.tables.api_keys import ApiKey
from store.tables.assist import (
    AssistBooking,
    AssistProducer,
    AssistProducerClaim,
    AssistRecording,
    AssistScheduledSession,
    AssistSite,
)
from store.tables.audit import AuditEntry
from store.tables.base import Base, UtcDateTime
from store.tables.organizers import ActivationToken, Organizer, OrganizerId
from store.tables.outbox import OutboxMail
from store.tables.partner_orders import (
    BillingRecord,
    OrderSetup,
    Organization,
    OrgCredential,
    OrgSettings,
    OrgUser,
    PartnerOrder,
    SetupToken,
    Subscription,
)
from store.tables.password_resets import PasswordReset
from store.tables.promotions import PromotionRow

__all__ = [
    "Account",
    "AccountOrder",
    "AccountSubscription",
    "ActivationToken",
    "AdminSession",
    "ApiKey",
    "AssistBooking",
    "AssistProducer",
    "AssistProducerClaim",
    "AssistRecording",
    "AssistScheduledSession",
    "AssistSite",
    "AuditEntry",
    "Base",
    "BillingRecord",
    "EnterpriseAdmin",
    "GatewayAttempt",
    "GatewayCharge",
    "OrderSetup",
    "OrgCredential",
    "OrgSettings",
    "OrgUser",
    "Organization",
    "Organizer",
    "OrganizerId",
    "OutboxMail",
    "PartnerOrder",
    "PasswordReset",
    "PaymentCard",
    "PromotionRow",
    "SeatAssignment",
    "SeatOrderRow",
    "SetupToken",
    "Subscription",
    "UtcDateTime",
    "WelcomeMail",
]
