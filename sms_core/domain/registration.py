"""A2P 10DLC registration: the brand, the campaign and the messaging service."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import attrs

from sms_core.domain.phone import PhoneNumber

__all__ = [
    "BrandContact",
    "BrandProfile",
    "CampaignProfile",
    "CampaignUseCase",
    "EntityType",
    "PostalAddress",
    "RegistrationFailure",
    "RegistrationState",
    "RegistrationStep",
    "StepStatus",
]


class RegistrationStep(StrEnum):
    """The registration steps, in the order they run."""

    #: The agency as a business known to The Campaign Registry.
    BRAND = "brand"
    #: What the agency texts about, reviewed by the carriers.
    CAMPAIGN = "campaign"
    #: The sender pool that ties the account's numbers to the approved campaign.
    MESSAGING_SERVICE = "messaging_service"


class StepStatus(StrEnum):
    """Where a registration step stands, in the seeds' three colours."""

    #: Submitted and under review (blue).
    IN_PROGRESS = "in_progress"
    #: Approved; the next step may start (green).
    APPROVED = "approved"
    #: Refused; see the failures, fix and resubmit (red).
    FAILED = "failed"


class EntityType(StrEnum):
    """The legal form of the brand, as The Campaign Registry names it."""

    #: A privately held for-profit company.
    PRIVATE_PROFIT = "PRIVATE_PROFIT"
    #: A publicly traded company (needs a stock symbol and exchange).
    PUBLIC_PROFIT = "PUBLIC_PROFIT"
    #: A registered non-profit organisation.
    NON_PROFIT = "NON_PROFIT"
    #: A government body.
    GOVERNMENT = "GOVERNMENT"
    #: A person without a tax id; one campaign and one number only.
    SOLE_PROPRIETOR = "SOLE_PROPRIETOR"


class CampaignUseCase(StrEnum):
    """The campaign use cases a staffing agency chooses from."""

    #: Conversations with candidates and clients about their placements.
    CUSTOMER_CARE = "CUSTOMER_CARE"
    #: Updates about an application, shift or assignment.
    ACCOUNT_NOTIFICATION = "ACCOUNT_NOTIFICATION"
    #: Job offers and recruiting outreach.
    MARKETING = "MARKETING"
    #: Several of the above under one campaign.
    MIXED = "MIXED"
    #: Fewer than about 6,000 segments a day across uses.
    LOW_VOLUME = "LOW_VOLUME"


@attrs.frozen(kw_only=True)
class PostalAddress:
    """A street address."""

    street: str
    city: str
    region: str
    postal_code: str
    country: str = "US"


@attrs.frozen(kw_only=True)
class BrandContact:
    """The person the carriers may contact about the brand."""

    first_name: str
    last_name: str
    email: str
    phone: PhoneNumber
    title: str = ""


@attrs.frozen(kw_only=True)
class BrandProfile:
    """The agency as the brand registration form describes it.

    Attributes:
        tax_id: The EIN (``"12-3456789"``) or, outside the US, the tax id of ``tax_id_country``.
        vertical: The industry, e.g. ``"HUMAN_RESOURCES"`` or ``"PROFESSIONAL"``.
    """

    legal_name: str
    entity_type: EntityType
    tax_id: str
    address: PostalAddress
    website: str
    vertical: str
    contact: BrandContact
    display_name: str = ""
    tax_id_country: str = "US"
    stock_symbol: str | None = None
    stock_exchange: str | None = None


@attrs.frozen(kw_only=True)
class CampaignProfile:
    """The campaign registration form."""

    use_case: CampaignUseCase
    description: str
    message_flow: str
    sample_messages: tuple[str, ...]
    has_embedded_links: bool
    has_embedded_phone: bool
    privacy_policy_url: str
    terms_and_conditions_url: str
    opt_in_message: str = ""
    opt_out_message: str = ""
    help_message: str = ""
    opt_in_keywords: tuple[str, ...] = ()
    opt_out_keywords: tuple[str, ...] = ("STOP",)
    help_keywords: tuple[str, ...] = ("HELP",)
    subscriber_opt_in: bool = True
    age_gated: bool = False
    direct_lending: bool = False


@attrs.frozen(kw_only=True)
class RegistrationFailure:
    """One reason the carrier gave for refusing a step.

    Attributes:
        code: The carrier's error code (``"30893"``), when it gave one.
        field: The form field the reason is about, when known.
    """

    reason: str
    code: str | None = None
    field: str | None = None


@attrs.frozen(kw_only=True)
class RegistrationState:
    """What the carrier says about one registration step.

    Attributes:
        provider_ref: The carrier's identifier for the step (a brand, campaign or service id).
        raw_status: The carrier's own status word, kept for troubleshooting.
        failures: Why the step failed; empty unless ``status`` is ``FAILED``.
    """

    step: RegistrationStep
    provider_ref: str
    status: StepStatus
    raw_status: str
    failures: tuple[RegistrationFailure, ...] = ()
    updated_at: datetime | None = None
