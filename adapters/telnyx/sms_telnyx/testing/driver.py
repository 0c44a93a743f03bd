"""Steering the Telnyx stand-in: the :class:`CarrierDriver` of the adapter contract suite.

Webhooks are built the way Telnyx builds them (API v2): a JSON body ``{"data": {"record_type":
"event", "event_type", "id", "occurred_at", "payload"}, "meta": {"attempt", "delivered_to"}}``
(https://developers.telnyx.com/docs/messaging/messages/receiving-webhooks) signed with
Ed25519 over ``f"{telnyx-timestamp}|{body}"``, the signature in base64 in
``telnyx-signature-ed25519`` (https://developers.telnyx.com/docs/development/sdk/python/webhooks;
the ``telnyx`` package's ``telnyx/lib/webhook_verification.py``). The key pair is generated for
the test; its public half goes in the adapter's environment as ``TELNYX_PUBLIC_KEY``.
"""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from nacl.signing import SigningKey

from sms_core.domain import (
    Account,
    DeliveryStatus,
    FailureReason,
    OutboundMessage,
    PhoneNumber,
    ProvisionedNumber,
    RegistrationStep,
    SendReceipt,
    WebhookRequest,
)
from sms_telnyx.errors import FAILURE_REASONS
from sms_telnyx.registration_events import ASSIGNMENT_FAILURE_CODE
from sms_telnyx.testing.standin import Failure, TelnyxState

__all__ = [
    "FALLBACK_WEBHOOK_URL",
    "FORM_CONTENT_TYPE",
    "TelnyxDriver",
    "signed_body",
    "signed_request",
]

#: Where a webhook claims to go when Telnyx has no URL for it.
FALLBACK_WEBHOOK_URL = "https://hooks.invalid/telnyx"
#: How Telnyx posts a TeXML call request.
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

# The SDK's statuses as Telnyx reports them in to[0].status (statuses of sms_telnyx.statuses),
# and the event that carries each: message.sent for a text handed to the network,
# message.finalized once it is delivered or failed (receiving-webhooks page above).
_RAW_STATUSES = {
    DeliveryStatus.QUEUED: ("queued", "message.sent"),
    DeliveryStatus.SENT: ("sent", "message.sent"),
    DeliveryStatus.DELIVERED: ("delivered", "message.finalized"),
    DeliveryStatus.UNDELIVERED: ("delivery_failed", "message.finalized"),
    DeliveryStatus.FAILED: ("sending_failed", "message.finalized"),
}
_REVIEWED = {
    RegistrationStep.BRAND: "brand",
    RegistrationStep.CAMPAIGN: "campaign",
}
# The code a refused review is reported with. A brand: the id of its feedback category
# (GET /10dlc/brand/feedback/{brandId}; "One of TAX_ID, STOCK_SYMBOL, GOVERNMENT_ENTITY,
# NONPROFIT, and OTHERS", BrandFeedbackCategory.id in spec3.yml), TAX_ID matching the suite's
# refusal ("the legal name does not match the tax id"); its status is REGISTRATION_FAILED with
# the words in failureReasons. A campaign: its campaignStatus, TCR_FAILED (the registry refused
# it), with the words in failureReasons. Either is reviewed again once changed (PUT).
_REVIEW_FAILURE_CODES = {
    RegistrationStep.BRAND: "TAX_ID",
    RegistrationStep.CAMPAIGN: "TCR_FAILED",
}


def signed_request(
    url: str, event: dict[str, Any], key: SigningKey, timestamp: int
) -> WebhookRequest:
    """A webhook ``POST`` of ``event`` to ``url``, signed the way Telnyx signs it."""
    body = json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return signed_body(url, body, key, timestamp, "application/json")


def signed_body(
    url: str, body: bytes, key: SigningKey, timestamp: int, content_type: str
) -> WebhookRequest:
    """A webhook ``POST`` of ``body`` to ``url``, signed the way Telnyx signs any body."""
    stamp = str(timestamp)
    signature = key.sign(stamp.encode("ascii") + b"|" + body).signature
    return WebhookRequest(
        method="POST",
        url=url,
        headers={
            "content-type": content_type,
            "user-agent": "telnyx-webhooks",
            "telnyx-signature-ed25519": base64.b64encode(signature).decode("ascii"),
            "telnyx-timestamp": stamp,
        },
        body=body,
    )


class TelnyxDriver:
    """Steers a :class:`TelnyxState` for the contract suite, and signs its webhooks.

    Args:
        state: The stand-in's memory (its clock dates the webhooks).
        signing_key: The account's Ed25519 key; a fresh one by default (see
            :attr:`public_key`).
    """

    def __init__(self, state: TelnyxState, signing_key: SigningKey | None = None) -> None:
        self._state = state
        self._key = signing_key or SigningKey.generate()

    @property
    def public_key(self) -> str:
        """The base64 public key webhooks verify with (the account's ``TELNYX_PUBLIC_KEY``)."""
        return base64.b64encode(bytes(self._key.verify_key)).decode("ascii")

    # -- lines (until the adapter buys its own) ----------------------------------------------

    def add_line(
        self,
        number: PhoneNumber,
        *,
        messaging_profile_id: str | None = None,
        campaign_id: str | None = None,
    ) -> ProvisionedNumber:
        """A number the account holds at Telnyx, on ``campaign_id``'s campaign if given."""
        record = self._state.add_line(number.e164, messaging_profile_id, campaign_id=campaign_id)
        return ProvisionedNumber(number=number, provider_ref=record["id"])

    # -- registration ------------------------------------------------------------------------

    def complete_registration(self, account: Account, step: RegistrationStep, ref: str) -> None:
        """End Telnyx's (and the registry's) review of what ``ref`` names.

        A brand, a campaign, a number's assignment to a campaign or a number order; a
        messaging profile needs no review, so a ref naming nothing under review is accepted.
        """
        try:
            self._state.review(ref)
        except KeyError:
            if step in _REVIEWED:
                raise

    def confirm_registration(self, account: Account, step: RegistrationStep, ref: str) -> None:
        """The brand's contact confirms (the registry's 2FA e-mail): identity ``VERIFIED``."""
        if step is RegistrationStep.BRAND:
            self._state.confirm_brand(ref)

    def fail_next_registration(
        self, account: Account, step: RegistrationStep, reason: str, code: str
    ) -> None:
        """Make the next review of a brand or campaign fail with ``reason``."""
        if step not in _REVIEWED:
            raise ValueError(f"Telnyx does not review a {step.value}; only brands and campaigns")
        self._state.fail_next(_REVIEWED[step], Failure(reason=reason, code=code))

    def review_failure_code(self, step: RegistrationStep) -> str:
        """The code Telnyx reports a refused brand (feedback id) or campaign (status) with."""
        if step not in _REVIEW_FAILURE_CODES:
            raise ValueError(f"Telnyx does not review a {step.value}; only brands and campaigns")
        return _REVIEW_FAILURE_CODES[step]

    def complete_number_order(self, order_id: str) -> None:
        """Finish a pending number order (when the state does not finish them at once)."""
        self._state.complete_order(order_id)

    # -- number registration (a number's assignment to the campaign) -------------------------

    def fail_next_number_registration(self, account: Account, reason: str, code: str) -> None:
        """The next number assigned to a campaign fails its assignment with ``reason``.

        Telnyx reports the failure in words (``reasons``; ``failureReasons`` of the
        assignment) without a code, so ``code`` is not part of what it sends: a failed
        assignment is coded :data:`~sms_telnyx.registration_events.ASSIGNMENT_FAILURE_CODE`.
        """
        self._state.fail_next("assignment", Failure(reason=reason, code=code))

    def number_registration_failure_code(self) -> str:
        """The code a failed assignment is reported with: ``FAILED_ASSIGNMENT``."""
        return ASSIGNMENT_FAILURE_CODE

    def number_registration_webhooks(
        self, account: Account, number: ProvisionedNumber
    ) -> list[WebhookRequest]:
        """End the number's pending assignment; the ``10dlc.phone_number.update`` webhooks.

        Each goes to the campaign's ``webhookURL`` (the account's events URL once the adapter
        set up the messaging profile), in the envelope of every API v2 webhook.
        """
        e164 = number.number.e164
        if self._state.assignment_pending(e164):
            self._state.review(e164)
        return self._registry_webhooks(e164)

    def registration_webhooks(self, ref: str) -> list[WebhookRequest]:
        """The signed ``10dlc.brand.update``/``10dlc.campaign.update`` webhooks about ``ref``.

        ``ref`` is a brand or campaign id; each review of it made one, sent to its
        ``webhookURL`` (the fallback URL when it has none).
        """
        return self._registry_webhooks(ref)

    def registration_step_webhooks(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> list[WebhookRequest]:
        """The contract suite's name for :meth:`registration_webhooks` (a brand or campaign)."""
        return self.registration_webhooks(ref)

    def _registry_webhooks(self, subject: str) -> list[WebhookRequest]:
        return [
            self._signed(
                event["url"] or FALLBACK_WEBHOOK_URL,
                event["event_type"],
                event["payload"],
                occurred_at=event["occurred_at"],
            )
            for event in self._state.take_registry_events(subject)
        ]

    # -- delivery ----------------------------------------------------------------------------

    def delivery_failure_code(self, reason: FailureReason) -> str:
        """Telnyx's delivery code (40xxx) for ``reason``, from ``sms_telnyx.errors``."""
        matching = [code for code, known in FAILURE_REASONS.items() if known is reason]
        delivery = [code for code in matching if code.startswith("4")]
        if not matching:
            raise ValueError(f"no Telnyx code in sms_telnyx.errors means {reason.value!r}")
        return (delivery or matching)[0]

    def opt_out_at_carrier(
        self, account: Account, sender: PhoneNumber, recipient: PhoneNumber
    ) -> None:
        """``recipient`` texts STOP to ``sender``: Telnyx refuses sends with 40300."""
        self._state.opt_out(sender.e164, recipient.e164)

    # -- webhooks ----------------------------------------------------------------------------

    def status_webhook(
        self,
        account: Account,
        message: OutboundMessage,
        receipt: SendReceipt,
        status: DeliveryStatus,
        error_code: str | None = None,
    ) -> WebhookRequest:
        """Move the text to ``status``; Telnyx's ``message.sent``/``finalized`` webhook."""
        if status not in _RAW_STATUSES:
            raise ValueError(f"Telnyx never reports a sent message as {status.value!r}")
        raw, event_type = _RAW_STATUSES[status]
        record = self._state.report(receipt.provider_message_id, raw, error_code)
        url = record.get("webhook_url") or FALLBACK_WEBHOOK_URL
        return self._signed(url, event_type, record)

    def inbound_message_webhook(
        self, account: Account, sender: PhoneNumber, line: ProvisionedNumber, body: str
    ) -> WebhookRequest:
        """``sender`` texts ``line``: ``message.received`` to its profile's webhook URL."""
        record = self._state.line(line.number.e164) or {}
        profile = self._state.profiles.get(str(record.get("messaging_profile_id")), {})
        payload = {
            "record_type": "message",
            "direction": "inbound",
            "id": str(uuid.uuid4()),
            "type": "SMS",
            "messaging_profile_id": record.get("messaging_profile_id"),
            "from": {
                "phone_number": sender.e164,
                "carrier": "T-Mobile USA",
                "line_type": "Wireless",
            },
            "to": [
                {
                    "phone_number": line.number.e164,
                    "status": "webhook_delivered",
                    "carrier": "Telnyx",
                    "line_type": "Wireless",
                }
            ],
            "text": body,
            "media": [],
            "encoding": "GSM-7" if body.isascii() else "UCS-2",
            "parts": 1,
            "received_at": self._state.now(),
            "errors": [],
        }
        url = profile.get("webhook_url") or FALLBACK_WEBHOOK_URL
        return self._signed(url, "message.received", payload)

    def inbound_call_webhook(
        self, account: Account, caller: PhoneNumber, line: ProvisionedNumber
    ) -> WebhookRequest:
        """``caller`` calls ``line``: the TeXML request to its application's voice URL.

        Form fields and headers as in https://developers.telnyx.com/api-reference/callbacks/
        texml-call-initiated (``AccountSid``, ``CallSid``, ``CallSidLegacy``, ``CallStatus``,
        ``ConnectionId``, ``From``, ``To``, ``Timestamp``; ``application/x-www-form-urlencoded``
        signed over ``f"{telnyx-timestamp}|{body}"``), posted to the ``voice_url`` of the
        TeXML application the number's ``connection_id`` names (:mod:`sms_telnyx.voice`).
        """
        record = self._state.line(line.number.e164) or {}
        call_sid = f"v3:{uuid.uuid4().hex}"
        fields = {
            "AccountSid": str(uuid.uuid4()),
            "CallSid": call_sid,
            "CallSidLegacy": call_sid,
            "CallStatus": "ringing",
            "ConnectionId": str(record.get("connection_id") or ""),
            "Direction": "inbound",
            "From": caller.e164,
            "To": line.number.e164,
            "Timestamp": self._state.now(),
        }
        url = self._state.voice_url_of(line.number.e164) or FALLBACK_WEBHOOK_URL
        body = urlencode(fields).encode("ascii")
        stamp = int(self._state.clock.now().timestamp())
        return signed_body(url, body, self._key, stamp, FORM_CONTENT_TYPE)

    def sign_with_other_secret(self, account: Account, request: WebhookRequest) -> WebhookRequest:
        """The same request signed Telnyx's way with another, random key."""
        stamp = request.headers["telnyx-timestamp"]
        signature = SigningKey.generate().sign(stamp.encode("ascii") + b"|" + request.body)
        headers = {
            **request.headers,
            "telnyx-signature-ed25519": base64.b64encode(signature.signature).decode("ascii"),
        }
        return WebhookRequest(method="POST", url=request.url, headers=headers, body=request.body)

    def signed_ago(
        self, account: Account, request: WebhookRequest, age: timedelta
    ) -> WebhookRequest:
        """The same request signed Telnyx's way ``age`` before the stand-in's clock."""
        stamp = str(int((self._state.clock.now() - age).timestamp()))
        signature = self._key.sign(stamp.encode("ascii") + b"|" + request.body).signature
        headers = {
            **request.headers,
            "telnyx-timestamp": stamp,
            "telnyx-signature-ed25519": base64.b64encode(signature).decode("ascii"),
        }
        return WebhookRequest(method="POST", url=request.url, headers=headers, body=request.body)

    def _signed(
        self,
        url: str,
        event_type: str,
        payload: dict[str, Any],
        *,
        occurred_at: str | None = None,
    ) -> WebhookRequest:
        event = {
            "data": {
                "record_type": "event",
                "event_type": event_type,
                "id": str(uuid.uuid4()),
                "occurred_at": occurred_at or self._state.now(),
                "payload": payload,
            },
            "meta": {"attempt": 1, "delivered_to": url},
        }
        stamp = int(self._state.clock.now().timestamp())
        return signed_request(url, event, self._key, stamp)
