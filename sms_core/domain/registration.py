# Over 400 lines: the registration's value types (forms, carrier answers, tracked status, lint
# report) are read together by adapters and hosts.
"""A2P 10DLC registration: the brand, the campaign and the messaging service.

The forms (:class:`BrandProfile`, :class:`CampaignProfile`) and what the carrier answers
(:class:`RegistrationState`) are what adapters see. The rest is what the SDK shows an admin:
the account's policy settings, the lint report on a form, and the tracked status of each step
with its troubleshooting advice.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import attrs

from sms_core.domain.phone import PhoneNumber
from sms_core.vocabulary import (
    LintIssue,
    LintReport,
    LintSeverity,
    RegistrationStep,
    StepStatus,
)

__all__ = [
    "ANSWER_LOST_CODE",
    "BrandContact",
    "BrandProfile",
    "BrandVertical",
    "CampaignProfile",
    "CampaignUseCase",
    "Confirmation",
    "ConfirmationChannel",
    "EntityType",
    "LintIssue",
    "LintReport",
    "LintSeverity",
    "NextAction",
    "PolicySettings",
    "PostalAddress",
    "RegistrationFailure",
    "RegistrationState",
    "RegistrationStatus",
    "RegistrationStep",
    "StepRecord",
    "StepStatus",
    "Submission",
    "SyncReport",
    "Troubleshooting",
]

#: The failure code of a step whose submission's answer was lost: the carrier may have taken
#: it, so it is never submitted again on its own; an admin checks, then resubmits.
ANSWER_LOST_CODE = "answer-lost"


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


class BrandVertical(StrEnum):
    """The industry verticals of The Campaign Registry, which ``BrandProfile.vertical`` names.

    Carriers that take another vocabulary (an industry list of their own) map these in
    their adapter and say which they can map (``ProviderCapabilities.brand_verticals``).
    """

    #: Professional services (consulting, accounting, staffing firms that are not HR).
    PROFESSIONAL = "PROFESSIONAL"
    #: Real estate.
    REAL_ESTATE = "REAL_ESTATE"
    #: Healthcare and life sciences.
    HEALTHCARE = "HEALTHCARE"
    #: Human resources, staffing and recruitment: the default for an agency.
    HUMAN_RESOURCES = "HUMAN_RESOURCES"
    #: Energy and utilities.
    ENERGY = "ENERGY"
    #: Entertainment and media.
    ENTERTAINMENT = "ENTERTAINMENT"
    #: Retail and consumer products.
    RETAIL = "RETAIL"
    #: Transportation and logistics.
    TRANSPORTATION = "TRANSPORTATION"
    #: Agriculture.
    AGRICULTURE = "AGRICULTURE"
    #: Insurance.
    INSURANCE = "INSURANCE"
    #: Postal and delivery services.
    POSTAL = "POSTAL"
    #: Education.
    EDUCATION = "EDUCATION"
    #: Hospitality and travel.
    HOSPITALITY = "HOSPITALITY"
    #: Financial services.
    FINANCIAL = "FINANCIAL"
    #: Political campaigns and organisations.
    POLITICAL = "POLITICAL"
    #: Gambling and lotteries.
    GAMBLING = "GAMBLING"
    #: Legal services.
    LEGAL = "LEGAL"
    #: Construction and materials.
    CONSTRUCTION = "CONSTRUCTION"
    #: Non-governmental and non-profit organisations.
    NGO = "NGO"
    #: Manufacturing.
    MANUFACTURING = "MANUFACTURING"
    #: Government services and agencies.
    GOVERNMENT = "GOVERNMENT"
    #: Information technology.
    TECHNOLOGY = "TECHNOLOGY"
    #: Telecommunications.
    COMMUNICATION = "COMMUNICATION"


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
    #: The one campaign of a sole proprietor's brand (and the only use case it may have).
    SOLE_PROPRIETOR = "SOLE_PROPRIETOR"


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
        vertical: The industry, one of :class:`BrandVertical` (e.g. ``"HUMAN_RESOURCES"``);
            the lint refuses one the account's carrier cannot register.
        brand_contact_email: A publicly traded company's brand contact (Authentication+):
            The Campaign Registry e-mails this address a confirmation link (2FA) that must be
            followed before the brand may carry campaigns. It must be on the company's own
            domain, never a free mailbox; required for ``PUBLIC_PROFIT``, unused otherwise.
        low_volume: Register a Low-Volume Standard brand: for an agency sending fewer than
            about 6,000 message segments a day, registered without the automatic secondary
            vetting, so it costs less and gets the lowest throughput. Not for sole
            proprietors (a brand type of their own); nonprofits and government agencies
            lose their special throughput and pricing with it.
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
    brand_contact_email: str = ""
    low_volume: bool = False


@attrs.frozen(kw_only=True)
class CampaignProfile:
    """The campaign registration form.

    Attributes:
        privacy_policy_url: The agency's privacy policy page; left empty, it is filled from
            the account's :class:`PolicySettings` when the form is linted and submitted.
        terms_and_conditions_url: The agency's terms and conditions page; filled the same way.
    """

    use_case: CampaignUseCase
    description: str
    message_flow: str
    sample_messages: tuple[str, ...]
    has_embedded_links: bool
    has_embedded_phone: bool
    privacy_policy_url: str = ""
    terms_and_conditions_url: str = ""
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
        code: The carrier's own error code, kept as given for troubleshooting, when it gave one.
            The SDK never interprets it; the adapter does (see ``final``).
        field: The form field the reason is about, when known.
        final: Whether the carrier forbids resubmitting the step after this reason (a brand or
            campaign refused as high risk or fraud, say); only support can help then. The
            adapter sets it from the carrier's code.
    """

    reason: str
    code: str | None = None
    field: str | None = None
    final: bool = False


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


@attrs.frozen(kw_only=True)
class PolicySettings:
    """The agency's policy pages, set once ("Table Editor > Misc > Policy Settings").

    They pre-fill the campaign form: :meth:`apply_to` fills its empty URL fields, and a URL
    typed into the form wins over the setting.

    Attributes:
        privacy_policy_url: An absolute https URL, or ``None`` when not set.
        terms_and_conditions_url: An absolute https URL, or ``None`` when not set.
        updated_by: The user who saved them last.
        consent_required: Whether the first text to a number needs a consent record
            (:class:`~sms_core.services.consent.ConsentRecords`); off unless an admin turns
            it on.
    """

    privacy_policy_url: str | None = None
    terms_and_conditions_url: str | None = None
    updated_at: datetime | None = None
    updated_by: str | None = None
    consent_required: bool = False

    @property
    def complete(self) -> bool:
        """Whether both URLs are set."""
        return bool(self.privacy_policy_url and self.terms_and_conditions_url)

    def apply_to(self, campaign: CampaignProfile) -> CampaignProfile:
        """The campaign form with its empty policy URL fields filled from these settings."""
        return attrs.evolve(
            campaign,
            privacy_policy_url=campaign.privacy_policy_url.strip()
            or (self.privacy_policy_url or ""),
            terms_and_conditions_url=campaign.terms_and_conditions_url.strip()
            or (self.terms_and_conditions_url or ""),
        )


class NextAction(StrEnum):
    """What an admin does about a failed step, or one that waits for a confirmation."""

    #: Correct what the carrier's reasons name and resubmit the step.
    RESUBMIT = "resubmit"
    #: Ask the platform's support team; resubmit only once they say what to correct.
    CONTACT_SUPPORT = "contact_support"
    #: Have the person named confirm (follow the e-mail link, reply to the text); if the
    #: message never came or expired, send it again (``resend_confirmation``).
    CONFIRM = "confirm"


class ConfirmationChannel(StrEnum):
    """How the registry reaches the person who must confirm a brand."""

    #: An e-mail with a link, to a public company's brand contact (Authentication+ 2FA).
    EMAIL = "email"
    #: A text to a sole proprietor's mobile number, answered by replying (OTP).
    TEXT = "text"


@attrs.frozen(kw_only=True)
class Confirmation:
    """Who must confirm a step that is :attr:`StepStatus.CONFIRMING`, and how.

    Attributes:
        channel: E-mail (public company) or text (sole proprietor).
        recipient: The address or number the registry wrote to.
        advice: The next step, in a sentence or two.
    """

    step: RegistrationStep
    channel: ConfirmationChannel
    recipient: str
    advice: str
    action: NextAction = NextAction.CONFIRM


@attrs.frozen(kw_only=True)
class Troubleshooting:
    """The carrier's reasons for a failed step and what to do next.

    Attributes:
        reasons: The carrier's failures, with codes and fields when it gave them.
        advice: The next step, in a sentence or two.
    """

    step: RegistrationStep
    action: NextAction
    reasons: tuple[RegistrationFailure, ...]
    advice: str


_ADVICE: dict[RegistrationStep, tuple[NextAction, str]] = {
    RegistrationStep.BRAND: (
        NextAction.CONTACT_SUPPORT,
        "Contact support with the reasons above: the brand's legal name, tax id and address "
        "must match the tax records exactly, and support can tell which to correct. Then "
        "resubmit the corrected brand.",
    ),
    RegistrationStep.CAMPAIGN: (
        NextAction.CONTACT_SUPPORT,
        "Contact support with the reasons above: reviewers reject campaigns for their use "
        "case, sample messages, opt-in description or policy links, and support can tell which "
        "to correct. Then resubmit the corrected campaign.",
    ),
    RegistrationStep.MESSAGING_SERVICE: (
        NextAction.RESUBMIT,
        "Resubmit the messaging service (nothing on the forms needs to change); contact "
        "support if it fails again.",
    ),
}


@attrs.frozen(kw_only=True)
class StepRecord:
    """One registration step as the SDK tracks it.

    Attributes:
        status: Where the step stands; ``IN_PROGRESS`` while it is being submitted.
        raw_status: The carrier's own status word (``"PENDING"``, ``"VERIFIED"``…); empty
            before the first submission.
        provider_ref: The carrier's id for the step, once submitted.
        failures: The carrier's reasons; empty unless ``status`` is ``FAILED``.
        profile: The form the step was (or will be) submitted with: a
            :class:`BrandProfile`, a :class:`CampaignProfile`, or ``None`` for the
            messaging service.
        attempts: How many times the step was submitted.
        submitting: Whether a submission to the carrier is under way right now.
        submitted_at: When it was last submitted (SDK clock).
        updated_at: When its record last changed (SDK clock).
    """

    step: RegistrationStep
    status: StepStatus = StepStatus.NOT_STARTED
    raw_status: str = ""
    provider_ref: str | None = None
    failures: tuple[RegistrationFailure, ...] = ()
    profile: BrandProfile | CampaignProfile | None = None
    attempts: int = 0
    submitting: bool = False
    submitted_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def final_failures(self) -> tuple[RegistrationFailure, ...]:
        """The failures that forbid a resubmission (their ``final`` flag is set)."""
        return tuple(failure for failure in self.failures if failure.final)

    @property
    def final_failure_codes(self) -> tuple[str, ...]:
        """How :attr:`final_failures` are named: by the carrier's code, else by its words."""
        return tuple(failure.code or failure.reason for failure in self.final_failures)

    @property
    def confirmation(self) -> Confirmation | None:
        """Who must confirm the step and how; ``None`` unless it is ``CONFIRMING``.

        Which person and channel follows from the form, the same for every carrier: a sole
        proprietor confirms by text from the contact's mobile, any other brand (a public
        company, under Authentication+) by the brand contact's e-mail.
        """
        if self.status is not StepStatus.CONFIRMING:
            return None
        profile = self.profile
        if isinstance(profile, BrandProfile) and profile.entity_type is EntityType.SOLE_PROPRIETOR:
            number = profile.contact.phone.e164
            return Confirmation(
                step=self.step,
                channel=ConfirmationChannel.TEXT,
                recipient=number,
                advice=(
                    f"The registry texted {number} a one-time code: the owner replies to it "
                    "as the text says. If the text never came or expired, send it again with "
                    "resend_confirmation ('smsadmin campaign resend-confirmation')."
                ),
            )
        email = profile.brand_contact_email.strip() if isinstance(profile, BrandProfile) else ""
        to = email or "the brand contact"
        return Confirmation(
            step=self.step,
            channel=ConfirmationChannel.EMAIL,
            recipient=email,
            advice=(
                f"The registry e-mailed {to} a confirmation link (2FA, valid 7 days): the "
                "contact follows it, then the brand is verified. If the e-mail never came or "
                "expired, send it again with resend_confirmation ('smsadmin campaign "
                "resend-confirmation'); each e-mail may be charged."
            ),
        )

    @property
    def troubleshooting(self) -> Troubleshooting | None:
        """The reasons and the next step for a failed step; ``None`` unless it failed.

        A failed brand or campaign needs support, as the HCM widget's help says (support
        knows what reviewers want corrected); a failed messaging service is resubmitted. A
        failure marked ``final`` always means contacting support.
        """
        if self.status is not StepStatus.FAILED:
            return None
        action, advice = _ADVICE[self.step]
        if any(failure.code == ANSWER_LOST_CODE for failure in self.failures):
            action = NextAction.RESUBMIT
            advice = (
                f"Look for this {self.step.words} in the carrier's console first: the "
                "submission may have reached it. Resubmit only if it is not there, so it is "
                "not registered (and paid for) twice; otherwise contact support."
            )
        if codes := self.final_failure_codes:
            action = NextAction.CONTACT_SUPPORT
            advice = (
                f"The carrier does not allow this {self.step.words} to be resubmitted "
                f"({'; '.join(codes)}); contact support."
            )
        return Troubleshooting(step=self.step, action=action, reasons=self.failures, advice=advice)


@attrs.frozen(kw_only=True)
class RegistrationStatus:
    """The account's registration: its three steps, in order."""

    account_id: str
    brand: StepRecord
    campaign: StepRecord
    messaging_service: StepRecord

    @classmethod
    def empty(cls, account_id: str) -> RegistrationStatus:
        """The status of an account that never registered."""
        return cls(
            account_id=account_id,
            brand=StepRecord(step=RegistrationStep.BRAND),
            campaign=StepRecord(step=RegistrationStep.CAMPAIGN),
            messaging_service=StepRecord(step=RegistrationStep.MESSAGING_SERVICE),
        )

    @property
    def steps(self) -> tuple[StepRecord, StepRecord, StepRecord]:
        """The brand, the campaign and the messaging service, in the order they run."""
        return (self.brand, self.campaign, self.messaging_service)

    def step(self, step: RegistrationStep) -> StepRecord:
        """The record of one step."""
        return {record.step: record for record in self.steps}[step]

    @property
    def overall(self) -> StepStatus:
        """Not started, in progress, approved (send-ready) or failed (some step failed).

        A step waiting for a confirmation is in progress overall; :attr:`confirming` names it.
        """
        if self.brand.status is StepStatus.NOT_STARTED:
            return StepStatus.NOT_STARTED
        if any(record.status is StepStatus.FAILED for record in self.steps):
            return StepStatus.FAILED
        if self.messaging_service.status is StepStatus.APPROVED:
            return StepStatus.APPROVED
        return StepStatus.IN_PROGRESS

    @property
    def in_progress(self) -> bool:
        """Whether a step is under review or waits to be submitted by :meth:`sync`."""
        return self.overall is StepStatus.IN_PROGRESS

    @property
    def confirming(self) -> StepRecord | None:
        """The step waiting for a person to confirm it, if one is."""
        return next((r for r in self.steps if r.status is StepStatus.CONFIRMING), None)

    @property
    def send_ready(self) -> bool:
        """Whether the messaging service is approved, so attached numbers may text."""
        return self.overall is StepStatus.APPROVED

    @property
    def failed(self) -> StepRecord | None:
        """The failed step, if one failed."""
        return next((r for r in self.steps if r.status is StepStatus.FAILED), None)

    @property
    def brand_profile(self) -> BrandProfile | None:
        """The brand form on record, if any."""
        profile = self.brand.profile
        return profile if isinstance(profile, BrandProfile) else None

    @property
    def campaign_profile(self) -> CampaignProfile | None:
        """The campaign form on record, if any."""
        profile = self.campaign.profile
        return profile if isinstance(profile, CampaignProfile) else None


@attrs.frozen(kw_only=True)
class Submission:
    """What ``register`` or ``resubmit`` did.

    Attributes:
        status: The registration right after the submission.
        warnings: The lint warnings that did not block it; show them to the admin.
    """

    status: RegistrationStatus
    warnings: tuple[LintIssue, ...] = ()


@attrs.frozen(kw_only=True)
class SyncReport:
    """What one ``sync`` call found and did.

    Attributes:
        submitted: The steps this call submitted (a step is submitted by one call only).
        changed: The steps whose status this call changed, submissions included.
        attached: The numbers this call attached to the approved messaging service.
    """

    status: RegistrationStatus
    submitted: tuple[RegistrationStep, ...] = ()
    changed: tuple[RegistrationStep, ...] = ()
    attached: tuple[PhoneNumber, ...] = ()
