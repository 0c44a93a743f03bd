# Over 400 lines: one module per Telnyx resource family, here the 10DLC brand, campaign, messaging
# profile and number assignment.
"""10DLC registration at Telnyx: brand, campaign, messaging profile and number assignment.

Telnyx exposes The Campaign Registry's model directly (``/v2/10dlc/...`` in Telnyx's OpenAPI
description, ``spec3.yml``; the ``telnyx`` package's ``messaging_10dlc`` resources):

* the **brand** is ``POST /10dlc/brand``; a failed brand is corrected in place with
  ``PUT /10dlc/brand/{brandId}`` ("Update a brand's attributes"). Revetting
  (``PUT /10dlc/brand/{brandId}/revet``) is not a resubmission: it "is allowed once after the
  successful brand registration and thereafter limited to once every 3 months" (same
  description), so it never serves a brand that failed;
* the **campaign** is ``POST /10dlc/campaignBuilder``. "After campaign creation, you'll only be
  able to edit the campaign's sample messages" (the description of ``campaign_builder.submit``
  in the package), so a failed campaign is resubmitted as a new campaign;
* the **messaging service** step is the messaging profile (``/messaging_profiles``) whose
  webhook URL is the SDK's: a number texts through the profile it is assigned to. Its
  ``provider_ref`` names the profile and the campaign (``<profile id>:<campaign id>``), as
  attaching a number needs both;
* **attaching a number** assigns it to the profile (``PATCH /phone_numbers/{id}/messaging``)
  and to the campaign (``POST /10dlc/phone_number_campaigns``), which has an assignment status
  of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from sms_core.domain import (
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
from sms_core.exceptions import ProviderError, ProviderNotFoundError, UnsupportedFeatureError
from sms_telnyx.errors import calling, unreadable_answer
from sms_telnyx.settings import PROVIDER, TelnyxSettings

if TYPE_CHECKING:
    import telnyx

__all__ = [
    "BRAND_VERTICALS",
    "ServiceRef",
    "attach_number",
    "brand_fields",
    "brand_state",
    "campaign_fields",
    "campaign_state",
    "fetch_registration",
    "point_campaign_webhook",
    "resend_confirmation",
    "submit_brand",
    "submit_campaign",
    "submit_messaging_service",
]

#: The verticals Telnyx registers a brand under: The Campaign Registry's own words, taken as
#: they are (the ``Vertical`` enum of ``telnyx/types/messaging_10dlc/vertical.py``, the
#: ``vertical`` of ``CreateBrandRequest`` in ``spec3.yml``).
BRAND_VERTICALS: frozenset[str] = frozenset(
    {
        "AGRICULTURE",
        "COMMUNICATION",
        "CONSTRUCTION",
        "EDUCATION",
        "ENERGY",
        "ENTERTAINMENT",
        "FINANCIAL",
        "GAMBLING",
        "GOVERNMENT",
        "HEALTHCARE",
        "HOSPITALITY",
        "HUMAN_RESOURCES",
        "INSURANCE",
        "LEGAL",
        "MANUFACTURING",
        "NGO",
        "POLITICAL",
        "POSTAL",
        "PROFESSIONAL",
        "REAL_ESTATE",
        "RETAIL",
        "TECHNOLOGY",
        "TRANSPORTATION",
    }
)

#: Brand identities TCR confirmed ("VERIFIED: Brand identity confirmed", "VETTED_VERIFIED:
#: External vetting completed successfully";
#: https://developers.telnyx.com/docs/messaging/10dlc/troubleshooting).
_BRAND_IDENTIFIED = frozenset({"VERIFIED", "VETTED_VERIFIED"})
#: A sole proprietor's brand before its one-time PIN is verified ("SELF_DECLARED: Sole
#: proprietor — limited verification", same page); once it is, "The brand's
#: ``identityStatus`` changes to ``VERIFIED``" and "Campaigns cannot be created until OTP
#: verification is complete" (``PUT``/``POST /10dlc/brand/{brandId}/smsOtp`` in ``spec3.yml``).
_BRAND_AWAITING_OTP = "SELF_DECLARED"
_SOLE_PROPRIETOR_HINT = (
    "Telnyx verifies a sole proprietor's one-time PIN through its API (PUT "
    "/v2/10dlc/brand/{brandId}/smsOtp), not by a reply to the text, and the SDK has no step "
    "for entering it: register the sole proprietor with another carrier, or in Mission Control"
)
#: Brands whose contact must confirm them: a public company's (2FA e-mail) and a sole
#: proprietor's (one-time PIN).
_CONFIRMED_BY_A_PERSON = frozenset(
    {EntityType.PUBLIC_PROFIT.value, EntityType.SOLE_PROPRIETOR.value}
)

#: Campaign statuses (``campaignStatus`` of ``TelnyxCampaignCSP``). A campaign is approved
#: once the mobile carriers provisioned it; the ``*_FAILED``, ``MNO_REJECTED``, suspended and
#: expired ones failed. None of them is final: "Submits an appeal for rejected native campaigns
#: in TELNYX_FAILED or MNO_REJECTED status"
#: (https://developers.telnyx.com/api-reference/campaign/submit-campaign-appeal-for-manual-review).
_CAMPAIGN_APPROVED = frozenset({"MNO_PROVISIONED"})
_CAMPAIGN_FAILED = frozenset(
    {
        "TCR_FAILED",
        "TCR_SUSPENDED",
        "TCR_EXPIRED",
        "TELNYX_FAILED",
        "MNO_REJECTED",
        "MNO_PROVISIONING_FAILED",
    }
)

#: Number assignment statuses that mean the number is not (being) attached
#: (``assignmentStatus`` of ``PhoneNumberCampaign``).
_ASSIGNMENT_FAILED = frozenset({"FAILED_ASSIGNMENT"})


def _dump(answer: Any) -> dict[str, Any]:
    """The answer as Telnyx wrote it (camelCase), unwrapped from ``data`` when it is wrapped."""
    dumped = answer.to_dict(warnings=False) if answer is not None else {}
    if not isinstance(dumped, dict):
        return {}
    data = dumped.get("data")
    return data if isinstance(data, dict) else dumped


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _omit_empty(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value not in (None, "", ())}


# -- brand ------------------------------------------------------------------------------------


def _webhook(events_url: str | None) -> dict[str, Any]:
    """The ``webhook_url`` argument of a brand or campaign, when there is a URL to give."""
    return {} if not events_url else {"webhook_url": events_url}


def brand_fields(brand: BrandProfile) -> dict[str, Any]:
    """The brand form as the package's ``brand.create`` arguments, field by field.

    A sole proprietor has no company name or EIN; the registry texts its one-time code to
    ``mobile_phone`` (the contact's number). ``business_contact_email`` is sent for a public
    company only, which the registry e-mails its 2FA link ("Required if ``entityType`` is
    ``PUBLIC_PROFIT``. Otherwise, it is recommended to either omit this field", the package's
    ``brand.create``). Telnyx has no low-volume brand flag; ``low_volume`` is not sent.
    """
    sole = brand.entity_type is EntityType.SOLE_PROPRIETOR
    public = brand.entity_type is EntityType.PUBLIC_PROFIT
    contact = brand.contact
    return _omit_empty(
        {
            "entity_type": brand.entity_type.value,
            "display_name": brand.display_name.strip() or brand.legal_name,
            "company_name": None if sole else brand.legal_name,
            "ein": None if sole else brand.tax_id,
            "country": brand.address.country,
            "street": brand.address.street,
            "city": brand.address.city,
            "state": brand.address.region,
            "postal_code": brand.address.postal_code,
            "email": contact.email,
            "first_name": contact.first_name,
            "last_name": contact.last_name,
            "phone": contact.phone.e164,
            "mobile_phone": contact.phone.e164 if sole else None,
            "website": brand.website,
            "vertical": brand.vertical.upper(),
            "stock_symbol": brand.stock_symbol if public else None,
            "stock_exchange": brand.stock_exchange if public else None,
            "business_contact_email": brand.brand_contact_email.strip() if public else None,
        }
    )


def submit_brand(
    client: telnyx.Telnyx,
    brand: BrandProfile,
    previous_ref: str | None,
    *,
    events_url: str | None = None,
) -> RegistrationState:
    """Create the brand, or correct the failed brand ``previous_ref`` in place.

    ``events_url`` becomes the brand's ``webhookURL`` ("To receive notifications for brands
    you need to either provide the webhooks at the creation of the brand or you may update an
    existing brand", https://developers.telnyx.com/docs/messaging/10dlc/event-notifications;
    ``webhookURL`` of ``CreateBrand`` and ``UpdateBrand`` in ``spec3.yml``), so its
    ``10dlc.brand.update`` reaches :mod:`sms_telnyx.registration_events`.

    Raises:
        UnsupportedFeatureError: For a sole proprietor, before anything is sent.
        ProviderTimeoutError: When the creation's answer was lost (the brand may exist).
        ProviderNotFoundError: When Telnyx does not know ``previous_ref``.
    """
    if brand.entity_type is EntityType.SOLE_PROPRIETOR:
        # Refused before a brand (a $4 charge) exists: see resend_confirmation.
        raise UnsupportedFeatureError.missing(
            PROVIDER, "sole proprietor brands", _SOLE_PROPRIETOR_HINT
        )
    fields = brand_fields(brand) | _webhook(events_url)
    brands = client.messaging_10dlc.brand
    if previous_ref is None:
        answer = calling(lambda: brands.create(**fields), creates=True)
    else:
        # "Update Brand" takes no mobile phone; a PUT of the same form twice is harmless.
        fields.pop("mobile_phone", None)
        answer = calling(lambda: brands.update(previous_ref, **fields), creates=False)
    record = _dump(answer)
    if _text(record.get("brandId")) is None:
        raise unreadable_answer(creates=previous_ref is None)
    # The answer still shows the verdict on the form before it (a failed brand, for a
    # correction): the new verdict, with TCR's feedback, is read by fetch_registration.
    state = brand_state(record, ())
    return _state(
        RegistrationStep.BRAND, state.provider_ref, StepStatus.IN_PROGRESS, state.raw_status
    )


def brand_state(
    record: Mapping[str, Any], feedback: tuple[RegistrationFailure, ...]
) -> RegistrationState:
    """The brand step's state from Telnyx's brand record and its feedback.

    ``status`` says whether TCR took the registration (``OK``, ``REGISTRATION_PENDING``,
    ``REGISTRATION_FAILED``), ``identityStatus`` whether it verified the identity
    (``UNVERIFIED``: "Verification failed — action required", troubleshooting page above).
    A public company's brand stays unverified until its contact follows the 2FA e-mail ("New
    brands that do not complete the verification will remain in an unverified state",
    https://telnyx.com/release-notes/10dlc-api-authentication-update-for-brand-verification):
    without feedback saying otherwise, that is a confirmation awaited, not a failure.
    """
    ref = str(record.get("brandId") or "")
    status = _text(record.get("status")) or ""
    identity = _text(record.get("identityStatus")) or ""
    raw = f"{status}/{identity}" if identity else status
    if status == "REGISTRATION_FAILED" or (status == "OK" and identity == "UNVERIFIED"):
        if status == "OK" and not feedback and record.get("entityType") in _CONFIRMED_BY_A_PERSON:
            return _state(RegistrationStep.BRAND, ref, StepStatus.CONFIRMING, raw)
        failures = feedback or _reasons(record.get("failureReasons"), status)
        if not failures:
            failures = (
                RegistrationFailure(reason=f"Telnyx reports the brand as {raw}", code=status),
            )
        return _state(RegistrationStep.BRAND, ref, StepStatus.FAILED, raw, failures)
    if status == "OK" and identity in _BRAND_IDENTIFIED:
        return _state(RegistrationStep.BRAND, ref, StepStatus.APPROVED, raw)
    if status == "OK" and identity == _BRAND_AWAITING_OTP:
        return _state(RegistrationStep.BRAND, ref, StepStatus.CONFIRMING, raw)
    return _state(RegistrationStep.BRAND, ref, StepStatus.IN_PROGRESS, raw)


def resend_confirmation(client: telnyx.Telnyx, ref: str) -> RegistrationState:
    """Have Telnyx e-mail a public company's brand contact the 2FA link again.

    ``POST /10dlc/brand/{brandId}/2faEmail`` ("Resend brand 2FA email", ``spec3.yml``;
    https://telnyx.com/release-notes/10dlc-api-authentication-update-for-brand-verification).
    A sole proprietor's one-time PIN can be sent again (``POST /10dlc/brand/{brandId}/smsOtp``)
    but not answered by text: the owner's PIN goes back through Telnyx's API
    (``PUT /10dlc/brand/{brandId}/smsOtp``: "User submits the OTP pin through this
    endpoint"), for which the SDK has no hook, so that is refused.

    Raises:
        ProviderNotFoundError: When Telnyx does not know the brand ``ref``.
        UnsupportedFeatureError: For a sole proprietor's brand.
    """
    brands = client.messaging_10dlc.brand
    record = _dump(calling(lambda: brands.retrieve(ref), creates=False))
    if record.get("entityType") == EntityType.SOLE_PROPRIETOR.value:
        raise UnsupportedFeatureError.missing(
            PROVIDER, "confirming a sole proprietor's brand", _SOLE_PROPRIETOR_HINT
        )
    calling(lambda: brands.resend_2fa_email(ref), creates=False)
    return _state(RegistrationStep.BRAND, ref, StepStatus.CONFIRMING, "2FA_EMAIL_SENT")


def _brand_feedback(client: telnyx.Telnyx, brand_id: str) -> tuple[RegistrationFailure, ...]:
    """TCR's reasons for a brand's failure, from ``GET /10dlc/brand/feedback/{brandId}``.

    Each category has an ``id`` (``TAX_ID``, ``STOCK_SYMBOL``, ``GOVERNMENT_ENTITY``,
    ``NONPROFIT``, ``OTHERS``), a ``description`` and the brand ``fields`` it is about
    (``BrandGetFeedbackResponse`` of the package).
    """
    answer = calling(lambda: client.messaging_10dlc.brand.get_feedback(brand_id), creates=False)
    failures: list[RegistrationFailure] = []
    categories = _dump(answer).get("category")
    for category in categories if isinstance(categories, list) else ():
        if not isinstance(category, Mapping):
            continue
        fields = category.get("fields")
        field = fields[0] if isinstance(fields, list) and fields else None
        reason = _text(category.get("description")) or _text(category.get("displayName"))
        failures.append(
            RegistrationFailure(
                reason=reason or "TCR gave no description",
                code=_text(category.get("id")),
                field=str(field) if field is not None else None,
            )
        )
    return tuple(failures)


# -- campaign ---------------------------------------------------------------------------------


def campaign_fields(brand_ref: str, campaign: CampaignProfile) -> dict[str, Any]:
    """The campaign form as the package's ``campaign_builder.submit`` arguments.

    Keywords go comma-separated (``optinKeywords`` etc., "Subscriber opt-in keywords.
    Multiple keywords are comma separated without space"), samples as ``sample1`` to
    ``sample5``. The agency answers opt-out and help, and accepts the terms it links to.
    """
    samples = {f"sample{n}": text for n, text in enumerate(campaign.sample_messages[:5], 1)}
    return _omit_empty(
        {
            "brand_id": brand_ref,
            "usecase": campaign.use_case.value,
            "description": campaign.description,
            "message_flow": campaign.message_flow,
            **samples,
            "embedded_link": campaign.has_embedded_links,
            "embedded_phone": campaign.has_embedded_phone,
            "optin_keywords": ",".join(campaign.opt_in_keywords),
            "optin_message": campaign.opt_in_message,
            "optout_keywords": ",".join(campaign.opt_out_keywords),
            "optout_message": campaign.opt_out_message,
            "help_keywords": ",".join(campaign.help_keywords),
            "help_message": campaign.help_message,
            "subscriber_optin": campaign.subscriber_opt_in,
            "subscriber_optout": True,
            "subscriber_help": True,
            "privacy_policy_link": campaign.privacy_policy_url,
            "terms_and_conditions_link": campaign.terms_and_conditions_url,
            "terms_and_conditions": True,
            "age_gated": campaign.age_gated,
            "direct_lending": campaign.direct_lending,
        }
    )


def submit_campaign(
    client: telnyx.Telnyx,
    brand_ref: str,
    campaign: CampaignProfile,
    *,
    events_url: str | None = None,
) -> RegistrationState:
    """Create the campaign under ``brand_ref`` (a resubmission creates a new one).

    ``events_url`` becomes the campaign's ``webhookURL`` ("Webhooks can be provided either
    upon campaign creation or through an update", event-notifications page above;
    ``webhookURL`` of ``CampaignRequest`` in ``spec3.yml``), so its own review is reported
    there, not only what follows the messaging-service step.

    Raises:
        ProviderTimeoutError: When the answer was lost (the campaign may exist).
    """
    fields = campaign_fields(brand_ref, campaign) | _webhook(events_url)
    builder = client.messaging_10dlc.campaign_builder
    record = _dump(calling(lambda: builder.submit(**fields), creates=True))
    if _text(record.get("campaignId")) is None:
        raise unreadable_answer(creates=True)
    state = campaign_state(record)
    if state.status is StepStatus.FAILED:
        return state
    return _state(
        RegistrationStep.CAMPAIGN, state.provider_ref, StepStatus.IN_PROGRESS, state.raw_status
    )


def campaign_state(record: Mapping[str, Any]) -> RegistrationState:
    """The campaign step's state from Telnyx's campaign record."""
    ref = str(record.get("campaignId") or "")
    status = _text(record.get("campaignStatus")) or ""
    submission = _text(record.get("submissionStatus")) or ""
    raw = status or submission
    if status in _CAMPAIGN_FAILED or submission == "FAILED":
        failures = _reasons(record.get("failureReasons"), raw) or (
            RegistrationFailure(reason=f"Telnyx reports the campaign as {raw}", code=raw),
        )
        return _state(RegistrationStep.CAMPAIGN, ref, StepStatus.FAILED, raw, failures)
    if status in _CAMPAIGN_APPROVED:
        return _state(RegistrationStep.CAMPAIGN, ref, StepStatus.APPROVED, raw)
    return _state(RegistrationStep.CAMPAIGN, ref, StepStatus.IN_PROGRESS, raw)


# -- messaging profile ------------------------------------------------------------------------


class ServiceRef:
    """The messaging-service step's id: the messaging profile and the campaign it serves."""

    def __init__(self, profile_id: str, campaign_id: str) -> None:
        self.profile_id = profile_id
        self.campaign_id = campaign_id

    @classmethod
    def parse(cls, ref: str) -> ServiceRef:
        """Read ``<profile id>:<campaign id>``.

        Raises:
            ProviderNotFoundError: When ``ref`` is not of that shape (Telnyx cannot know it).
        """
        profile_id, _, campaign_id = ref.partition(":")
        if not profile_id or not campaign_id:
            raise ProviderNotFoundError(
                f"{ref!r} is not a Telnyx messaging service id (<profile id>:<campaign id>); "
                "resubmit the messaging service step",
                provider=PROVIDER,
            )
        return cls(profile_id, campaign_id)

    def __str__(self) -> str:
        return f"{self.profile_id}:{self.campaign_id}"


def submit_messaging_service(
    client: telnyx.Telnyx, settings: TelnyxSettings, campaign_ref: str, urls: NumberSettings
) -> RegistrationState:
    """Point the account's messaging profile at the SDK's webhooks, creating it when unset.

    The profile's ``webhook_url`` takes inbound texts (delivery reports name their own URL,
    :mod:`sms_telnyx.delivery`), webhook API version 2 (what :mod:`sms_telnyx.webhooks`
    parses), US destinations only (``whitelisted_destinations``, required on creation).
    The campaign's own webhook is pointed at the account's events URL first
    (:func:`point_campaign_webhook`), so the numbers attached next are reported there.

    Raises:
        ProviderTimeoutError: When the creation's answer was lost (the profile may exist).
        ProviderNotFoundError: When the account's ``messaging_profile_id`` is unknown, or
            Telnyx does not know the campaign.
    """
    if urls.events_url:
        point_campaign_webhook(client, campaign_ref, urls.events_url)
    fields = _omit_empty(
        {
            "webhook_url": urls.sms_url,
            "webhook_api_version": "2",
            "whitelisted_destinations": ["US"],
            "enabled": True,
        }
    )
    profiles = client.messaging_profiles
    profile_id = settings.messaging_profile_id
    answer: Any
    if profile_id:
        answer = calling(lambda: profiles.update(profile_id, **fields), creates=False)
    else:
        name = (urls.label or f"smsadmin {campaign_ref}")[:64]
        answer = calling(lambda: profiles.create(name=name, **fields), creates=True)
    record = _dump(answer)
    created = _text(record.get("id"))
    if created is None:
        raise unreadable_answer(creates=not profile_id)
    return _profile_state(record, ServiceRef(created, campaign_ref))


def point_campaign_webhook(client: telnyx.Telnyx, campaign_ref: str, events_url: str) -> None:
    """Have Telnyx post the campaign's 10DLC events to ``events_url``.

    ``PUT /10dlc/campaign/{campaignId}`` with ``webhookURL`` ("Webhook to which campaign
    status updates are sent", ``UpdateCampaignRequest`` of ``spec3.yml``); "Webhooks
    configured for a campaign are also leveraged for event notifications with phone numbers
    associated with that campaign" (https://developers.telnyx.com/docs/messaging/10dlc/
    event-notifications), which :mod:`sms_telnyx.registration_events` parses. The campaign
    builder's hook is not given the SDK's URLs, so the campaign is created without one and
    pointed here, before any number is assigned to it. Setting the same URL again is harmless.

    Raises:
        ProviderNotFoundError: When Telnyx does not know the campaign.
    """
    campaigns = client.messaging_10dlc.campaign
    calling(lambda: campaigns.update(campaign_ref, webhook_url=events_url), creates=False)


def _profile_state(record: Mapping[str, Any], ref: ServiceRef) -> RegistrationState:
    enabled = record.get("enabled")
    if enabled is False:
        return _state(
            RegistrationStep.MESSAGING_SERVICE,
            str(ref),
            StepStatus.FAILED,
            "disabled",
            (RegistrationFailure(reason="The messaging profile is disabled", field="enabled"),),
        )
    return _state(RegistrationStep.MESSAGING_SERVICE, str(ref), StepStatus.APPROVED, "enabled")


# -- status -----------------------------------------------------------------------------------


def fetch_registration(
    client: telnyx.Telnyx, step: RegistrationStep, ref: str
) -> RegistrationState:
    """Where a submitted step stands at Telnyx.

    Raises:
        ProviderNotFoundError: When Telnyx does not know ``ref``.
    """
    tenx = client.messaging_10dlc
    if step is RegistrationStep.BRAND:
        record = _dump(calling(lambda: tenx.brand.retrieve(ref), creates=False))
        feedback: tuple[RegistrationFailure, ...] = ()
        if record.get("status") == "REGISTRATION_FAILED" or record.get("identityStatus") == (
            "UNVERIFIED"
        ):
            feedback = _brand_feedback(client, ref)
        return brand_state(record, feedback)
    if step is RegistrationStep.CAMPAIGN:
        return campaign_state(_dump(calling(lambda: tenx.campaign.retrieve(ref), creates=False)))
    service = ServiceRef.parse(ref)
    profiles = client.messaging_profiles
    record = _dump(calling(lambda: profiles.retrieve(service.profile_id), creates=False))
    return _profile_state(record, service)


# -- numbers ----------------------------------------------------------------------------------


def attach_number(client: telnyx.Telnyx, service_ref: str, number: ProvisionedNumber) -> None:
    """Put the number on the messaging profile and assign it to the campaign.

    A number already assigned to the campaign is attached: when the assignment is refused,
    ``GET /10dlc/phone_number_campaigns/{phoneNumber}`` says whether it already is.

    Raises:
        ProviderError: When Telnyx refuses the assignment (with its ``failureReasons``).
    """
    service = ServiceRef.parse(service_ref)
    numbers = client.phone_numbers.messaging
    calling(
        lambda: numbers.update(number.provider_ref, messaging_profile_id=service.profile_id),
        creates=False,
    )
    assignments = client.messaging_10dlc.phone_number_campaigns
    e164 = number.number.e164
    try:
        record = _dump(
            calling(
                lambda: assignments.create(campaign_id=service.campaign_id, phone_number=e164),
                creates=False,
            )
        )
    except ProviderError as refused:
        if refused.status is None or refused.status >= 500:
            raise
        record = _current_assignment(lambda: assignments.retrieve(e164))
        if record.get("campaignId") != service.campaign_id and (
            record.get("telnyxCampaignId") != service.campaign_id
        ):
            raise
    status = _text(record.get("assignmentStatus")) or ""
    if status in _ASSIGNMENT_FAILED:
        reason = _text(record.get("failureReasons")) or "no reason given"
        raise ProviderError(
            f"Telnyx could not assign {e164} to campaign {service.campaign_id} ({status}: "
            f"{reason}); correct what it names, or ask Telnyx support",
            provider=PROVIDER,
            code=status,
        )


def _current_assignment(call: Callable[[], Any]) -> dict[str, Any]:
    try:
        return _dump(calling(call, creates=False))
    except ProviderNotFoundError:
        return {}


# -- helpers ----------------------------------------------------------------------------------


def _reasons(value: object, status: str) -> tuple[RegistrationFailure, ...]:
    """``failureReasons`` (free text) as failures, coded with the status; none when empty.

    Telnyx gives the campaign's (and a brand's) reasons as text without a code of their own;
    the status they came with (``TELNYX_FAILED``, ``MNO_REJECTED``...) is the code support
    and the troubleshooting advice go by.
    """
    text = _text(value)
    return (RegistrationFailure(reason=text, code=status or None),) if text else ()


def _state(
    step: RegistrationStep,
    ref: str,
    status: StepStatus,
    raw: str,
    failures: tuple[RegistrationFailure, ...] = (),
) -> RegistrationState:
    return RegistrationState(
        step=step, provider_ref=ref, status=status, raw_status=raw, failures=failures
    )
