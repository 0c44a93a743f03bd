# Over 400 lines: one module per Twilio resource family, here the brand, campaign and Messaging
# Service steps that map onto the SDK's three registration steps.
"""A2P 10DLC registration at Twilio: brand, campaign and messaging service.

The SDK's three steps map onto Twilio's resources like this:

=====================  =========================================  =============================
SDK step               Twilio resources                           ``provider_ref``
=====================  =========================================  =============================
brand                  Trust Hub bundles, then a                  the brand's ``BN…`` SID
                       ``BrandRegistration`` (status words of
                       :class:`~sms_twilio.statuses.BrandStatus`)
campaign               a Messaging Service (the configured one,   ``MG…/QE…``: Twilio addresses a
                       or a new one) and its ``UsAppToPerson``    campaign through its service
                       campaign (``campaign_status``)
messaging service      that Messaging Service, pointed at the     the service's ``MG…`` SID
                       webhook app; ready once its campaign is
                       ``VERIFIED``
=====================  =========================================  =============================

Twilio reviews brands and campaigns on its own time; the SDK polls with ``fetch`` (its
``sync()``). Failure reasons come from the resource's ``errors[]`` (code, description, fields),
else its ``failure_reason``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import attrs

from sms_core.domain import (
    ANSWER_LOST_CODE,
    Account,
    BrandProfile,
    CampaignProfile,
    EntityType,
    NumberSettings,
    ProvisionedNumber,
    RegistrationFailure,
    RegistrationState,
    RegistrationStep,
    StepStatus,
)
from sms_core.exceptions import (
    ConfigurationError,
    ProviderError,
    ProviderNotFoundError,
    ProviderTimeoutError,
)
from sms_twilio import errors, trusthub
from sms_twilio.client import TwilioClient
from sms_twilio.resources import optional_text, required_text, timestamp
from sms_twilio.settings import TwilioSettings, sid_pattern
from sms_twilio.statuses import brand_step_status, campaign_step_status

__all__ = [
    "BRAND_TYPE",
    "FINAL_FAILURE_CODES",
    "CampaignRef",
    "attach_number",
    "fetch_registration",
    "resend_confirmation",
    "submit_brand",
    "submit_campaign",
    "submit_messaging_service",
]

#: The brand type registered for companies, nonprofits and agencies (low-volume ones too).
BRAND_TYPE = "STANDARD"
#: A sole proprietor's brand type (``BrandType``), whose confirmation is an OTP text.
SOLE_PROPRIETOR_BRAND_TYPE = "SOLE_PROPRIETOR"
_UNVERIFIED = "UNVERIFIED"
_MESSAGING = "https://messaging.twilio.com"
# Twilio's code for "this number is already in this Messaging Service".
_ALREADY_IN_SERVICE = "21710"
_SIDS = {prefix: sid_pattern(prefix) for prefix in ("BN", "QE", "MG", "PN")}
_FRIENDLY_NAME_LIMIT = 64
#: Twilio's failure codes after which a brand or campaign may not be resubmitted: 30885 is a
#: registration refused as high risk or fraud, and only support can help then
#: (https://www.twilio.com/docs/api/errors/30885). A failure with one of them is ``final``.
FINAL_FAILURE_CODES = frozenset({"30885"})


@attrs.frozen
class CampaignRef:
    """A campaign's ``provider_ref``: its Messaging Service and its own SID."""

    service_sid: str
    campaign_sid: str

    @classmethod
    def parse(cls, ref: str) -> CampaignRef:
        """Read ``"MG…/QE…"``.

        Raises:
            ProviderNotFoundError: When ``ref`` is not of that shape (Twilio cannot know it).
        """
        service_sid, _, campaign_sid = ref.partition("/")
        if not (_SIDS["MG"].fullmatch(service_sid) and _SIDS["QE"].fullmatch(campaign_sid)):
            raise errors.not_found(f"campaign id {ref!r} (expected 'MG…/QE…')")
        return cls(service_sid, campaign_sid)

    def __str__(self) -> str:
        return f"{self.service_sid}/{self.campaign_sid}"


def submit_brand(
    client: TwilioClient, settings: TwilioSettings, brand: BrandProfile, previous_ref: str | None
) -> RegistrationState:
    """Register the brand (Trust Hub bundles first), or correct and resubmit a failed one.

    ``previous_ref`` is a failed brand's ``BN…``, or the ``BU…[/BU…]`` bundles a failed first
    attempt left (see :class:`~sms_twilio.trusthub.Bundles`): the attempt resumes from them.

    Returns:
        The brand in progress; or, when something fails after the customer profile was made
        (Trust Hub finds a bundle noncompliant, Twilio refuses a request, an answer is lost),
        the step failed with the reasons and the bundles made so far as its ``provider_ref``,
        so a resubmission corrects them in place instead of making new ones.

    A sole proprietor is registered as a ``SOLE_PROPRIETOR`` brand over a starter customer
    profile and a sole-proprietor trust product; once approved it waits for the owner to
    answer Twilio's OTP text (``CONFIRMING``).

    Raises:
        ConfigurationError: When ``primary_customer_profile_sid`` is not configured.
        ProviderError: When Twilio refuses or cannot be reached before anything was made.
    """
    resumed = trusthub.Bundles.parse(previous_ref) if previous_ref is not None else None
    if previous_ref is not None and resumed is None:
        return _resubmit_brand(client, settings, brand, _sid(previous_ref, "BN", "brand"))
    if settings.primary_customer_profile_sid is None:
        raise ConfigurationError(
            "the Twilio provider setting 'primary_customer_profile_sid' is missing: set it to "
            "the SID (BU…) of your approved Primary Customer Profile in Trust Hub, which every "
            "agency's customer profile is attached to"
        )
    bundles = resumed or trusthub.Bundles()
    brands = client.messaging.v1.brand_registrations
    try:
        if unmet := trusthub.prepare_bundles(
            client,
            settings,
            brand,
            bundles,
            primary_profile_sid=settings.primary_customer_profile_sid,
        ):
            return _bundles_failed(bundles.ref(), "noncompliant", unmet)
        if resumed is not None and (registered := _brand_over(client, bundles)) is not None:
            return brand_state(registered)  # the lost answer's brand: nothing to create again
        sole = brand.entity_type is EntityType.SOLE_PROPRIETOR
        options: dict[str, Any] = {"brand_type": SOLE_PROPRIETOR_BRAND_TYPE if sole else BRAND_TYPE}
        if settings.mock_registrations:
            options["mock"] = True
        if brand.low_volume:
            # A Low-Volume Standard brand is a Standard brand without the automatic secondary
            # vetting (CreateBrandRegistrations' SkipAutomaticSecVet in
            # twilio_messaging_v1.json; "A2P 10DLC - Standard and Low-Volume Standard Brand
            # Onboarding Guide for ISVs").
            options["skip_automatic_sec_vet"] = True
        created = brands.create(
            customer_profile_bundle_sid=bundles.profile_sid,
            a2p_profile_bundle_sid=bundles.product_sid,
            **options,
        )
    except ProviderTimeoutError as err:
        if bundles.profile_sid is None:
            raise
        lost = RegistrationFailure(reason=f"Twilio's answer was lost: {err}", code=ANSWER_LOST_CODE)
        return _bundles_failed(bundles.ref(), ANSWER_LOST_CODE, (lost,))
    except ProviderError as err:
        if bundles.profile_sid is None:
            raise
        return _bundles_failed(
            bundles.ref(), "refused", (RegistrationFailure(reason=str(err), code=err.code),)
        )
    return brand_state(created)


def _resubmit_brand(
    client: TwilioClient, settings: TwilioSettings, brand: BrandProfile, sid: str
) -> RegistrationState:
    """Correct a registered brand's bundles in place and resubmit the brand."""
    brands = client.messaging.v1.brand_registrations
    failed = brands(sid).fetch()
    existing = trusthub.Bundles(
        required_text(failed, "customer_profile_bundle_sid"),
        required_text(failed, "a2p_profile_bundle_sid"),
    )
    if unmet := trusthub.prepare_bundles(
        client, settings, brand, existing, primary_profile_sid=None
    ):
        return _bundles_failed(sid, "noncompliant", unmet)
    return brand_state(brands(sid).update())


def _bundles_failed(
    ref: str, raw_status: str, failures: tuple[RegistrationFailure, ...]
) -> RegistrationState:
    """The brand step failed before (or while) the brand registration was made."""
    return RegistrationState(
        step=RegistrationStep.BRAND,
        provider_ref=ref,
        status=StepStatus.FAILED,
        raw_status=raw_status,
        failures=failures,
    )


def _brand_over(client: TwilioClient, bundles: trusthub.Bundles) -> Any | None:
    """The brand registration Twilio already holds over these bundles, if any."""
    for brand in client.messaging.v1.brand_registrations.stream():
        if (
            optional_text(brand.customer_profile_bundle_sid) == bundles.profile_sid
            and optional_text(brand.a2p_profile_bundle_sid) == bundles.product_sid
        ):
            return brand
    return None


def submit_campaign(
    client: TwilioClient,
    settings: TwilioSettings,
    *,
    account: Account,
    brand_ref: str,
    campaign: CampaignProfile,
    previous_ref: str | None,
) -> RegistrationState:
    """Register the campaign under its Messaging Service, or resubmit a failed one.

    Without a configured ``messaging_service_sid`` a service is created first (and deleted
    again if Twilio refuses the campaign). A resubmission edits the failed campaign, or, when
    a field Twilio does not let a campaign change differs (the use case, the opt-in, opt-out
    and help texts), replaces it with a new campaign in the same service.
    """
    brand_sid = _sid(brand_ref, "BN", "brand")
    fields = _campaign_fields(campaign)
    if previous_ref is not None:
        ref = CampaignRef.parse(previous_ref)
        context = _campaigns(client, ref.service_sid)(ref.campaign_sid)
        failed = context.fetch()
        if _editable_fields_only(failed, fields):
            return campaign_state(context.update(**_editable(fields)), ref.service_sid)
        context.delete()
        created = _campaigns(client, ref.service_sid).create(
            brand_registration_sid=brand_sid, **fields
        )
        return campaign_state(created, ref.service_sid)
    service_sid = settings.messaging_service_sid
    new_service = service_sid is None
    if service_sid is None:
        service = client.messaging.v1.services.create(
            friendly_name=f"{account.name} (smsadmin)"[:_FRIENDLY_NAME_LIMIT],
            use_inbound_webhook_on_number=True,
        )
        service_sid = required_text(service, "sid")
    try:
        created = _campaigns(client, service_sid).create(brand_registration_sid=brand_sid, **fields)
    except ProviderError:
        if new_service:
            with contextlib.suppress(ProviderError):  # best effort; the refusal matters more
                client.messaging.v1.services(service_sid).delete()
        raise
    return campaign_state(created, service_sid)


def submit_messaging_service(
    client: TwilioClient, campaign_ref: str, settings: NumberSettings
) -> RegistrationState:
    """Point the campaign's Messaging Service at the webhook app; ready once it is verified."""
    ref = CampaignRef.parse(campaign_ref)
    webhooks: dict[str, Any] = {"use_inbound_webhook_on_number": True}
    if settings.sms_url:
        webhooks.update(inbound_request_url=settings.sms_url, inbound_method="POST")
    if settings.status_callback_url:
        webhooks["status_callback"] = settings.status_callback_url
    client.messaging.v1.services(ref.service_sid).update(**webhooks)
    campaign = _campaigns(client, ref.service_sid)(ref.campaign_sid).fetch()
    return service_state(ref.service_sid, campaign)


def fetch_registration(client: TwilioClient, step: RegistrationStep, ref: str) -> RegistrationState:
    """Where a step stands at Twilio.

    Raises:
        ProviderNotFoundError: When Twilio does not know ``ref``.
    """
    if step is RegistrationStep.BRAND:
        sid = _sid(ref, "BN", "brand")
        return brand_state(client.messaging.v1.brand_registrations(sid).fetch())
    if step is RegistrationStep.CAMPAIGN:
        campaign_ref = CampaignRef.parse(ref)
        campaign = _campaigns(client, campaign_ref.service_sid)(campaign_ref.campaign_sid).fetch()
        return campaign_state(campaign, campaign_ref.service_sid)
    service_sid = _sid(ref, "MG", "messaging service")
    client.messaging.v1.services(service_sid).fetch()  # raises when Twilio does not know it
    campaigns = _campaigns(client, service_sid).list(limit=1)
    return service_state(service_sid, campaigns[0] if campaigns else None)


def attach_number(client: TwilioClient, service_ref: str, number: ProvisionedNumber) -> None:
    """Add the number to the Messaging Service's sender pool; already there is fine."""
    service_sid = _sid(service_ref, "MG", "messaging service")
    number_sid = _sid(number.provider_ref, "PN", f"number {number.number}")
    pool = client.messaging.v1.services(service_sid).phone_numbers
    with contextlib.suppress(ProviderNotFoundError):
        pool(number_sid).fetch()
        return
    try:
        pool.create(phone_number_sid=number_sid)
    except ProviderError as err:
        if err.code != _ALREADY_IN_SERVICE:  # attached meanwhile: what was asked is done
            raise


def resend_confirmation(client: TwilioClient, ref: str) -> RegistrationState:
    """Have TCR send the brand's confirmation again: the OTP text or the 2FA e-mail.

    A sole proprietor's brand gets a new OTP (``POST …/BrandRegistrations/{sid}/SmsOtp``,
    CreateBrandRegistrationOtp in twilio_messaging_v1.json: "retry OTP verification for Sole
    Proprietor Brand Registrations"); any other brand a new Authentication+ e-mail
    (``POST …/BrandRegistrations/{sid}/2fa``, "A2P 10DLC - Brand 2FA Verification Resource",
    https://www.twilio.com/docs/messaging/api/brand-2fa-verify; the 2.6.7 description names
    the path without operations, and the twilio package has no method for it). Each 2FA
    e-mail incurs a new Authentication+ fee.

    Returns:
        The brand waiting for the new confirmation.
    """
    sid = _sid(ref, "BN", "brand")
    brands = client.messaging.v1.brand_registrations
    brand = brands(sid).fetch()
    if (optional_text(brand.brand_type) or "").upper() == SOLE_PROPRIETOR_BRAND_TYPE:
        brands(sid).brand_registration_otps.create()
    else:
        client.request("POST", f"{_MESSAGING}/v1/a2p/BrandRegistrations/{sid}/2fa")
    state = brand_state(brands(sid).fetch())
    # The new message is on its way whatever the brand said before (a FAILED brand whose
    # confirmation expired waits again): the person has to act now.
    return attrs.evolve(state, status=StepStatus.CONFIRMING, failures=())


def brand_state(resource: Any) -> RegistrationState:
    """The brand step as a ``BrandRegistration`` answer describes it.

    An ``APPROVED`` brand whose ``identity_status`` is still ``UNVERIFIED`` waits for a person
    to confirm it (``CONFIRMING``): Twilio texts a sole proprietor's mobile an OTP "after the
    Brand reaches APPROVED. The Brand remains UNVERIFIED until the mobile number owner
    completes the verification step" (error 30752,
    https://www.twilio.com/docs/api/errors/30752), and a public company's brand turns
    VERIFIED once its brand contact completes the 2FA e-mail ("Authentication+ for Public
    Brand A2P 10DLC Registrations", help.twilio.com article 29499398652059).
    """
    raw = optional_text(resource.status) or ""
    status = brand_step_status(raw)
    identity = (optional_text(getattr(resource, "identity_status", None)) or "").upper()
    if status is StepStatus.APPROVED and identity == _UNVERIFIED:
        status = StepStatus.CONFIRMING
    return RegistrationState(
        step=RegistrationStep.BRAND,
        provider_ref=required_text(resource, "sid"),
        status=status,
        raw_status=raw,
        failures=_failures(resource) if status is StepStatus.FAILED else (),
        updated_at=timestamp(resource.date_updated),
    )


def campaign_state(resource: Any, service_sid: str) -> RegistrationState:
    """The campaign step as a ``UsAppToPerson`` answer describes it."""
    raw = optional_text(resource.campaign_status) or ""
    status = campaign_step_status(raw)
    return RegistrationState(
        step=RegistrationStep.CAMPAIGN,
        provider_ref=str(CampaignRef(service_sid, required_text(resource, "sid"))),
        status=status,
        raw_status=raw,
        failures=_failures(resource) if status is StepStatus.FAILED else (),
        updated_at=timestamp(resource.date_updated),
    )


def service_state(service_sid: str, campaign: Any | None) -> RegistrationState:
    """The messaging-service step: as ready as the service's campaign."""
    if campaign is None:
        return RegistrationState(
            step=RegistrationStep.MESSAGING_SERVICE,
            provider_ref=service_sid,
            status=StepStatus.IN_PROGRESS,
            raw_status="NO_CAMPAIGN",
        )
    state = campaign_state(campaign, service_sid)
    return attrs.evolve(state, step=RegistrationStep.MESSAGING_SERVICE, provider_ref=service_sid)


def _campaigns(client: TwilioClient, service_sid: str) -> Any:
    return client.messaging.v1.services(service_sid).us_app_to_person


def _sid(ref: str, prefix: str, what: str) -> str:
    if not _SIDS[prefix].fullmatch(ref):
        raise errors.not_found(f"{what} id {ref!r}")
    return ref


def _campaign_fields(campaign: CampaignProfile) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "description": campaign.description,
        "message_flow": campaign.message_flow,
        "message_samples": list(campaign.sample_messages),
        "us_app_to_person_usecase": campaign.use_case.value,
        "has_embedded_links": campaign.has_embedded_links,
        "has_embedded_phone": campaign.has_embedded_phone,
        "subscriber_opt_in": campaign.subscriber_opt_in,
        "age_gated": campaign.age_gated,
        "direct_lending": campaign.direct_lending,
        "privacy_policy_url": campaign.privacy_policy_url or None,
        "terms_and_conditions_url": campaign.terms_and_conditions_url or None,
    }
    # Keywords go only with their reply. CreateUsAppToPerson (twilio_messaging_v1.json,
    # OptOutKeywords / OptOutMessage / HelpKeywords / HelpMessage) wants both "if managing
    # opt out keywords yourself (i.e. not using Twilio's Default or Advanced Opt Out
    # features)"; a form without the reply leaves its keywords to Twilio's default handling.
    for kind in ("opt_in", "opt_out", "help"):
        message = getattr(campaign, f"{kind}_message")
        keywords = list(getattr(campaign, f"{kind}_keywords"))
        if message.strip():
            fields[f"{kind}_message"] = message
            if keywords:
                fields[f"{kind}_keywords"] = keywords
    return {key: value for key, value in fields.items() if value is not None}


# What UpdateUsAppToPerson accepts; the other fields of a campaign are fixed at creation.
_EDITABLE = (
    "has_embedded_links",
    "has_embedded_phone",
    "message_samples",
    "message_flow",
    "description",
    "age_gated",
    "direct_lending",
    "privacy_policy_url",
    "terms_and_conditions_url",
)


def _editable(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {key: fields[key] for key in _EDITABLE if key in fields}


def _editable_fields_only(current: Any, fields: Mapping[str, Any]) -> bool:
    """Whether ``fields`` differ from the campaign ``current`` only where an update may."""
    for key, value in fields.items():
        if key in _EDITABLE:
            continue
        now = getattr(current, key, None)
        if isinstance(value, list):
            if list(now or []) != value:
                return False
        elif optional_text(now) != optional_text(value):
            return False
    return True


def _failures(resource: Any) -> tuple[RegistrationFailure, ...]:
    """Failure reasons from ``errors[]``; else from ``failure_reason`` (and brand feedback)."""
    found: list[RegistrationFailure] = []
    for error in resource.errors or []:
        if not isinstance(error, Mapping):
            continue
        reason = optional_text(error.get("description") or error.get("message"))
        fields = error.get("fields")
        field = optional_text(fields[0]) if isinstance(fields, list) and fields else None
        if isinstance(fields, str):
            field = optional_text(fields)
        code = optional_text(error.get("code") or error.get("error_code"))
        found.append(
            RegistrationFailure(
                reason=reason or "Twilio gave no description",
                code=code,
                field=field,
                final=code in FINAL_FAILURE_CODES,
            )
        )
    if found:
        return tuple(found)
    feedback = getattr(resource, "brand_feedback", None)
    reason = optional_text(getattr(resource, "failure_reason", None))
    field = optional_text(feedback[0]) if isinstance(feedback, list) and feedback else None
    return (RegistrationFailure(reason=reason or "Twilio gave no reason", field=field),)
