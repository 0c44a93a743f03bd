"""The domain: value objects that know no wire format and no storage."""

from sms_core.domain.accounts import Account, Line, LineSummary, Seat, SeatSummary, User
from sms_core.domain.audit import AuditAction, AuditEntry
from sms_core.domain.events import (
    InboundCall,
    InboundMessage,
    ProviderEvent,
    StatusUpdate,
    WebhookRequest,
    WebhookResponse,
)
from sms_core.domain.messages import (
    DeliveryStatus,
    Direction,
    Message,
    OutboundMessage,
    SendReceipt,
)
from sms_core.domain.numbers import (
    AvailableNumber,
    NumberCapabilities,
    NumberQuery,
    NumberSettings,
    NumberType,
    ProvisionedNumber,
)
from sms_core.domain.phone import PhoneNumber
from sms_core.domain.policy import Action, Activity, AllowanceUnit, Decision, HostPolicy
from sms_core.domain.providers import ProviderCapabilities, ProviderInfo
from sms_core.domain.registration import (
    BrandContact,
    BrandProfile,
    CampaignProfile,
    CampaignUseCase,
    EntityType,
    PostalAddress,
    RegistrationFailure,
    RegistrationState,
    RegistrationStep,
    StepStatus,
)

__all__ = [
    "Account",
    "Action",
    "Activity",
    "AllowanceUnit",
    "AuditAction",
    "AuditEntry",
    "AvailableNumber",
    "BrandContact",
    "BrandProfile",
    "CampaignProfile",
    "CampaignUseCase",
    "Decision",
    "DeliveryStatus",
    "Direction",
    "EntityType",
    "HostPolicy",
    "InboundCall",
    "InboundMessage",
    "Line",
    "LineSummary",
    "Message",
    "NumberCapabilities",
    "NumberQuery",
    "NumberSettings",
    "NumberType",
    "OutboundMessage",
    "PhoneNumber",
    "PostalAddress",
    "ProviderCapabilities",
    "ProviderEvent",
    "ProviderInfo",
    "ProvisionedNumber",
    "RegistrationFailure",
    "RegistrationState",
    "RegistrationStep",
    "Seat",
    "SeatSummary",
    "SendReceipt",
    "StatusUpdate",
    "StepStatus",
    "User",
    "WebhookRequest",
    "WebhookResponse",
]
