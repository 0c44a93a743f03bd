"""Telnyx's 10DLC webhooks: brand, campaign and phone number updates.

Telnyx posts 10DLC events to the ``webhookURL`` (then ``webhookFailoverURL``) of the brand or
campaign they are about; "Webhooks configured for a campaign are also leveraged for event
notifications with phone numbers associated with that campaign"
(https://developers.telnyx.com/docs/messaging/10dlc/event-notifications). They are signed like
every Telnyx webhook (``telnyx-signature-ed25519``, ``telnyx-timestamp``: the
``campaignStatusUpdate`` webhook of ``spec3.yml``), so :func:`sms_telnyx.webhooks.verify_webhook`
checks them. The adapter points the campaign's ``webhookURL`` at the account's events URL when
it sets up the messaging profile (:func:`sms_telnyx.registration.submit_messaging_service`).

**Shape.** The event-notifications page gives the API v2 envelope ``{"data": {"event_type",
"id", "occurred_at", "payload", "record_type": "event"}, "meta": {"attempt", "delivered_to"}}``
and three event types: ``10dlc.brand.update``, ``10dlc.campaign.update`` and
``10dlc.phone_number.update``. Their ``payload`` has a ``type`` (a phone number's:
``ASSIGNMENT``, ``DELETION``, ``STATUS_UPDATE``), a ``status`` (``success``/``failed`` in the
page's examples, as in ``CampaignStatusUpdateEvent.status`` of ``spec3.yml``: ``ACCEPTED``,
``REJECTED``, ``DORMANT``, ``success``, ``failed``), a ``description`` and, on a failure,
``reasons``. ``spec3.yml`` also describes a bare ``campaignStatusUpdate`` body
(``CampaignStatusUpdateEvent``: ``campaignId``, ``brandId``, ``type``, ``status``,
``description`` without an envelope), read here too.

**What becomes an event.**

* ``10dlc.phone_number.update`` about an assignment becomes a
  :class:`~sms_core.domain.NumberRegistrationUpdate` (the number is named by ``phoneNumber``):
  ``success`` (or the assignment record's ``ASSIGNED``) is registered, ``failed`` (or
  ``FAILED_ASSIGNMENT``) failed, ``PENDING_ASSIGNMENT`` pending (``assignmentStatus`` values of
  ``PhoneNumberCampaign`` in ``spec3.yml``). A failure is coded ``FAILED_ASSIGNMENT``, the
  status ``GET /10dlc/phone_number_campaigns/{phoneNumber}`` then reports, as Telnyx gives the
  reasons as words without a code (``failureReasons`` is free text). A ``DELETION`` (the
  number left the campaign) is not a registration and is acknowledged.
* ``10dlc.brand.update`` becomes a :class:`~sms_core.domain.RegistrationStepUpdate` for the
  brand step, named by the payload's ``brandId`` (the page's brand example), and
  ``10dlc.campaign.update`` (and the bare ``campaignStatusUpdate``) one for the campaign step,
  named by ``campaignId`` (``CampaignStatusUpdateEvent``; "The ID of the campaign",
  https://developers.telnyx.com/api-reference/callbacks/campaign-status-update): the ids
  :func:`sms_telnyx.registration.submit_brand` and ``submit_campaign`` answered with. The
  status words are not mapped here: the core re-reads the step
  (:func:`sms_telnyx.registration.fetch_registration`, which also gives the brand's feedback),
  so the update only says which step to read. An update naming no id is refused.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from sms_core.domain import (
    CarrierRegistration,
    NumberRegistrationUpdate,
    PhoneNumber,
    ProviderEvent,
    RegistrationStep,
    RegistrationStepUpdate,
    WebhookRequest,
)
from sms_core.exceptions import InvalidPhoneNumberError, WebhookPayloadError
from sms_telnyx.payloads import text, timestamp

__all__ = [
    "ASSIGNMENT_FAILURE_CODE",
    "BRAND_UPDATE",
    "CAMPAIGN_UPDATE",
    "PHONE_NUMBER_UPDATE",
    "parse_registration_webhook",
]

_log = logging.getLogger(__name__)

#: The 10DLC event types (event-notifications page).
BRAND_UPDATE = "10dlc.brand.update"
CAMPAIGN_UPDATE = "10dlc.campaign.update"
PHONE_NUMBER_UPDATE = "10dlc.phone_number.update"
_TYPES = frozenset({BRAND_UPDATE, CAMPAIGN_UPDATE, PHONE_NUMBER_UPDATE})
#: The bare campaign webhook of spec3.yml (``campaignStatusUpdate``), named for the log.
_BARE_CAMPAIGN_UPDATE = "campaignStatusUpdate"

# The step a brand or campaign update is about, and the payload field with its id.
_STEP_IDS = {
    BRAND_UPDATE: (RegistrationStep.BRAND, "brandId"),
    CAMPAIGN_UPDATE: (RegistrationStep.CAMPAIGN, "campaignId"),
    _BARE_CAMPAIGN_UPDATE: (RegistrationStep.CAMPAIGN, "campaignId"),
}

#: The code a failed assignment is reported with: its ``assignmentStatus`` then.
ASSIGNMENT_FAILURE_CODE = "FAILED_ASSIGNMENT"

# A phone number update's status words, upper-cased, in the SDK's states: the event's own
# (success, failed) and the assignment record's (assignmentStatus of PhoneNumberCampaign).
_STATES = {
    "SUCCESS": CarrierRegistration.REGISTERED,
    "ASSIGNED": CarrierRegistration.REGISTERED,
    "FAILED": CarrierRegistration.FAILED,
    "FAILED_ASSIGNMENT": CarrierRegistration.FAILED,
    "PENDING": CarrierRegistration.PENDING,
    "PENDING_ASSIGNMENT": CarrierRegistration.PENDING,
}
# Payload types about a number leaving its campaign: no registration to report.
_DELETIONS = frozenset({"DELETION"})

_ADVICE = (
    "Look the number up in the Telnyx portal (Messaging, 10DLC, the campaign's phone numbers), "
    "correct what Telnyx names, then attach the number to the messaging service again"
)


def parse_registration_webhook(request: WebhookRequest) -> list[ProviderEvent] | None:
    """The events a verified 10DLC webhook carries; ``None`` when it is no 10DLC webhook.

    Raises:
        WebhookPayloadError: When a phone number update names no readable number.
    """
    body = _json(request.body)
    if body is None:
        return None
    data = body.get("data")
    if isinstance(data, Mapping):
        kind = text(data.get("event_type")) or ""
        payload = data.get("payload")
        if kind not in _TYPES or not isinstance(payload, Mapping):
            return None
        if kind == PHONE_NUMBER_UPDATE:
            update = _number_update(payload, data)
            return [] if update is None else [update]
        return [_step_update(kind, payload, data)]
    if "campaignId" in body and "status" in body:
        # campaignStatusUpdate without an envelope (CampaignStatusUpdateEvent, spec3.yml).
        return [_step_update(_BARE_CAMPAIGN_UPDATE, body, None)]
    return None


def _json(body: bytes) -> Mapping[str, Any] | None:
    try:
        parsed = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return None
    return parsed if isinstance(parsed, Mapping) else None


def _step_update(
    kind: str, payload: Mapping[str, Any], data: Mapping[str, Any] | None
) -> RegistrationStepUpdate:
    """Which brand or campaign changed; the core reads what changed from Telnyx."""
    step, field = _STEP_IDS[kind]
    ref = text(payload.get(field))
    if ref is None:
        raise WebhookPayloadError(f"a Telnyx {kind} webhook names no {field}; it cannot be applied")
    envelope = {} if data is None else {"id": data.get("id"), "event_type": kind}
    return RegistrationStepUpdate(
        step=step,
        provider_ref=ref,
        occurred_at=None if data is None else timestamp(data.get("occurred_at")),
        raw={**envelope, **payload},
    )


def _number_update(
    payload: Mapping[str, Any], data: Mapping[str, Any]
) -> NumberRegistrationUpdate | None:
    # The brand example names its kind twice (type TCR_BRAND_UPDATE, eventType BRAND_ADD):
    # a deletion is recognized in either.
    kinds = {(text(payload.get(key)) or "").upper() for key in ("type", "eventType")}
    raw_status = text(payload.get("assignmentStatus")) or text(payload.get("status")) or ""
    state = _STATES.get(raw_status.upper())
    if kinds & _DELETIONS or state is None:
        _log.info("a Telnyx phone number update (%s, %r) was acknowledged", kinds, raw_status)
        return None
    number = _number(text(payload.get("phoneNumber")))
    failed = state is CarrierRegistration.FAILED
    return NumberRegistrationUpdate(
        provider_ref=None,
        number=number,
        state=state,
        raw_status=raw_status,
        error_code=ASSIGNMENT_FAILURE_CODE if failed else None,
        error_message=_failure_message(payload) if failed else None,
        occurred_at=timestamp(data.get("occurred_at")),
        raw={"id": data.get("id"), "event_type": data.get("event_type"), **payload},
    )


def _number(value: str | None) -> PhoneNumber:
    try:
        return PhoneNumber.parse(value or "", region=None)
    except InvalidPhoneNumberError as err:
        raise WebhookPayloadError(
            f"a Telnyx {PHONE_NUMBER_UPDATE} webhook names no readable phoneNumber "
            f"({value!r}); it cannot be applied"
        ) from err


def _failure_message(payload: Mapping[str, Any]) -> str:
    """Telnyx's words for the failure (``reasons``, ``failureReasons``, ``description``)."""
    words: list[str] = []
    reasons = payload.get("reasons")
    for reason in reasons if isinstance(reasons, list) else [reasons]:
        said = text(
            reason.get("description") or reason.get("message")
            if isinstance(reason, Mapping)
            else reason
        )
        if said is not None:
            words.append(said)
    for key in ("failureReasons", "description"):
        if not words and (said := text(payload.get(key))) is not None:
            words.append(said)
    said = "; ".join(words) or "Telnyx reported the number's assignment to the campaign failed"
    return f"{said}. {_ADVICE}"
