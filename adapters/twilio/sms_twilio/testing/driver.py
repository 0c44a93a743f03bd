"""Steering the Twilio stand-in: the :class:`CarrierDriver` of the adapter contract suite.

Webhooks are built the way Twilio builds them: form parameters Twilio sends, posted to the URL
configured at Twilio (the number's ``SmsUrl``/``VoiceUrl``, the message's ``StatusCallback``),
signed with ``RequestValidator.compute_signature`` and the account's auth token.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator  # type: ignore[import-untyped]

from sms_core.domain import (
    Account,
    DeliveryStatus,
    FailureReason,
    NumberSettings,
    OutboundMessage,
    PhoneNumber,
    ProvisionedNumber,
    RegistrationStep,
    SendReceipt,
    WebhookRequest,
)
from sms_twilio.delivery import status_callback_url
from sms_twilio.errors import CODES
from sms_twilio.registration import CampaignRef
from sms_twilio.settings import TwilioSettings
from sms_twilio.testing.state import API_VERSION, Failure, TwilioState

__all__ = [
    "FALLBACK_EVENTS_URL",
    "FALLBACK_WEBHOOK_URL",
    "TwilioDriver",
    "signed_events_request",
    "signed_request",
]

#: Where a webhook claims to go when Twilio has no URL for it.
FALLBACK_WEBHOOK_URL = "https://hooks.invalid/twilio"
#: The Event Streams sink's destination when the driver is given none.
FALLBACK_EVENTS_URL = "https://hooks.invalid/twilio/events"

_RAW_STATUSES = {
    DeliveryStatus.QUEUED: "queued",
    DeliveryStatus.SENT: "sent",
    DeliveryStatus.DELIVERED: "delivered",
    DeliveryStatus.UNDELIVERED: "undelivered",
    DeliveryStatus.FAILED: "failed",
    DeliveryStatus.CANCELED: "canceled",
    DeliveryStatus.RECEIVED: "received",
}
# Where a number or service set up in the Console sends its webhooks: the agency's old system.
_ELSEWHERE = "https://previous-system.invalid/twilio"
_STEPS = {RegistrationStep.BRAND: "brand", RegistrationStep.CAMPAIGN: "campaign"}
# Codes Twilio refuses a reviewed step with, and reviews again once it is fixed:
# https://www.twilio.com/docs/api/errors/30799 (brand feedback: the registration data could not
# be verified, e.g. the legal name does not match the EIN) and
# https://www.twilio.com/docs/api/errors/30893 (campaign vetting rejection, sample messages).
_REVIEW_FAILURE_CODES = {RegistrationStep.BRAND: "30799", RegistrationStep.CAMPAIGN: "30893"}
# https://www.twilio.com/docs/api/errors/30126, the code Event Streams reports a number's
# registration failure with in Twilio's example (see sms_twilio.event_streams).
_NUMBER_REGISTRATION_FAILURE_CODE = "30126"


def signed_request(url: str, params: Mapping[str, str], auth_token: str) -> WebhookRequest:
    """A form ``POST`` to ``url`` signed the way Twilio signs it."""
    signature = RequestValidator(auth_token).compute_signature(url, dict(params))
    return WebhookRequest(
        method="POST",
        url=url,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature,
            "I-Twilio-Idempotency-Token": secrets.token_hex(16),
            "User-Agent": "TwilioProxy/1.1",
        },
        body=urlencode(params).encode("utf-8"),
    )


def signed_events_request(
    url: str, events: Sequence[Mapping[str, Any]], auth_token: str
) -> WebhookRequest:
    """An Event Streams webhook sink delivery: a JSON array of CloudEvents, signed as Twilio does.

    The body's SHA-256 (hex) goes in the URL as ``bodySHA256`` and the signature covers the
    URL alone (https://www.twilio.com/docs/usage/webhooks/webhooks-security, JSON bodies).
    """
    body = json.dumps(list(events), separators=(",", ":")).encode("utf-8")
    separator = "&" if "?" in url else "?"
    signed_url = f"{url}{separator}bodySHA256={hashlib.sha256(body).hexdigest()}"
    signature = RequestValidator(auth_token).compute_signature(signed_url, {})
    return WebhookRequest(
        method="POST",
        url=signed_url,
        headers={
            "Content-Type": "application/json",
            "X-Twilio-Signature": signature,
            "User-Agent": "Twilio-Event-Streams/1.0",
        },
        body=body,
    )


class TwilioDriver:
    """Steers a :class:`TwilioState` for the contract suite; also forges signatures.

    Args:
        state: The stand-in's memory.
        auth_token: The token the stand-in's accounts sign webhooks with.
        account_sid: The Twilio account of accounts whose settings name none (their SID
            comes from the environment).
        events_url: The destination of the accounts' Event Streams webhook sink.
    """

    def __init__(
        self,
        state: TwilioState,
        auth_token: str,
        *,
        account_sid: str | None = None,
        events_url: str = FALLBACK_EVENTS_URL,
    ) -> None:
        self._state = state
        self._auth_token = auth_token
        self._default_sid = account_sid
        self._events_url = events_url

    def fail_next_number_registration(self, account: Account, reason: str, code: str) -> None:
        """The registration of the account's next number to start fails with ``code``."""
        self._state.fail_next_number_registration(
            self._account_sid(account), Failure(reason=reason, code=code)
        )

    def number_registration_failure_code(self) -> str:
        """Twilio's code for a number whose registration with the carriers failed."""
        return _NUMBER_REGISTRATION_FAILURE_CODE

    def review_failure_code(self, step: RegistrationStep) -> str:
        """A code Twilio refuses a brand or campaign with on review, and reviews again."""
        if step not in _REVIEW_FAILURE_CODES:
            raise ValueError(f"Twilio does not review a {step.value}; only brands and campaigns")
        return _REVIEW_FAILURE_CODES[step]

    def delivery_failure_code(self, reason: FailureReason) -> str:
        """Twilio's code for a text that failed for ``reason``, from ``sms_twilio.errors.CODES``.

        A delivery code (3xxxx, reported on a status callback) where one has the reason, else
        the code a create is refused with.
        """
        matching = [code for code, known in CODES.items() if known.reason is reason]
        delivery = [code for code in matching if code.startswith("3")]
        if not matching:
            raise ValueError(f"no Twilio code in sms_twilio.errors.CODES means {reason.value!r}")
        return (delivery or matching)[0]

    def number_registration_webhooks(
        self, account: Account, number: ProvisionedNumber
    ) -> list[WebhookRequest]:
        """End the number's registration; Event Streams' deliveries about it, in order."""
        account_sid = self._account_sid(account)
        self._state.complete_number_registration(account_sid, number.provider_ref)
        events = self._state.number_registration_events(account_sid, number.provider_ref)
        return [
            signed_events_request(self._events_url, [event], self._auth_token) for event in events
        ]

    def complete_registration(self, account: Account, step: RegistrationStep, ref: str) -> None:
        """Finish Twilio's review of a brand or campaign (a service follows its campaign)."""
        account_sid = self._account_sid(account)
        if step is RegistrationStep.BRAND:
            self._state.complete_review(account_sid, ref)
        elif step is RegistrationStep.CAMPAIGN:
            self._state.complete_review(account_sid, CampaignRef.parse(ref).campaign_sid)
        else:
            for campaign in self._state.campaigns(account_sid, ref, ref):
                self._state.complete_review(account_sid, campaign["sid"])

    def confirm_registration(self, account: Account, step: RegistrationStep, ref: str) -> None:
        """The brand's person confirms (OTP reply, 2FA link): its identity turns VERIFIED."""
        if step is RegistrationStep.BRAND:
            self._state.confirm(self._account_sid(account), ref)

    def hold_number(self, account: Account) -> ProvisionedNumber:
        """Buy a 415 number as the Console does, its webhooks pointing at another system."""
        bought = self._state.buy_number(
            self._account_sid(account),
            {
                "AreaCode": ["415"],
                "FriendlyName": ["Front desk"],
                "SmsUrl": [f"{_ELSEWHERE}/sms"],
                "VoiceUrl": [f"{_ELSEWHERE}/voice"],
            },
        )
        return ProvisionedNumber(
            number=PhoneNumber(e164=bought["phone_number"]),
            provider_ref=bought["sid"],
            settings=NumberSettings(
                sms_url=bought["sms_url"], voice_url=bought["voice_url"], label="Front desk"
            ),
        )

    def hold_registration(self, account: Account) -> tuple[str, str, str]:
        """Register a brand, campaign and Messaging Service as the Console does, approved.

        Returns:
            The ``BN…``, ``QE…`` and ``MG…`` SIDs, as the Console shows them.
        """
        account_sid, state = self._account_sid(account), self._state
        profile = state.primary_profile(account_sid)
        brand = state.create_brand(
            account_sid, {"CustomerProfileBundleSid": [profile], "A2PProfileBundleSid": [profile]}
        )
        state.complete_review(account_sid, brand["sid"])
        service = state.create_service(
            account_sid,
            {"FriendlyName": ["Front desk texting"], "InboundRequestUrl": [f"{_ELSEWHERE}/sms"]},
        )
        path = f"/v1/Services/{service['sid']}/Compliance/Usa2p"
        campaign = state.create_campaign(
            account_sid,
            service["sid"],
            {
                "BrandRegistrationSid": [brand["sid"]],
                "UsAppToPersonUsecase": ["CUSTOMER_CARE"],
                "Description": ["Recruiters text candidates about their applications"],
            },
            path,
        )
        state.complete_review(account_sid, campaign["sid"])
        return brand["sid"], campaign["sid"], service["sid"]

    def fail_next_registration(
        self, account: Account, step: RegistrationStep, reason: str, code: str
    ) -> None:
        """Make Twilio's next review of ``step`` fail with ``reason`` and ``code``."""
        if step not in _STEPS:
            raise ValueError(f"Twilio does not review a {step.value}; only brands and campaigns")
        self._state.fail_next(self._account_sid(account), _STEPS[step], Failure(reason, code))

    def opt_out_at_carrier(
        self, account: Account, sender: PhoneNumber, recipient: PhoneNumber
    ) -> None:
        """Have ``recipient`` opt out of ``sender`` (and its Messaging Service)."""
        self._state.opt_out(self._account_sid(account), sender.e164, recipient.e164)

    def status_webhook(
        self,
        account: Account,
        message: OutboundMessage,
        receipt: SendReceipt,
        status: DeliveryStatus,
        error_code: str | None = None,
    ) -> WebhookRequest:
        """Twilio's status callback for a sent message, to the URL it was created with."""
        if status not in _RAW_STATUSES:
            raise ValueError(f"Twilio never reports a message as {status.value!r}")
        account_sid = self._account_sid(account)
        url = self._state.status_callback_of(account_sid, receipt.provider_message_id) or (
            status_callback_url(FALLBACK_WEBHOOK_URL, message.message_id)
        )
        raw = _RAW_STATUSES[status]
        params = {
            "AccountSid": account_sid,
            "MessageSid": receipt.provider_message_id,
            "SmsSid": receipt.provider_message_id,
            "SmsStatus": raw,
            "MessageStatus": raw,
            "From": message.sender.e164,
            "To": message.recipient.e164,
            "ApiVersion": API_VERSION,
        }
        if error_code is not None:
            params["ErrorCode"] = error_code
        return signed_request(url, params, self._auth_token)

    def inbound_message_webhook(
        self, account: Account, sender: PhoneNumber, line: ProvisionedNumber, body: str
    ) -> WebhookRequest:
        """Have ``sender`` text ``line``; Twilio's webhook to the number's ``SmsUrl``."""
        params, url = self._state.inbound_text(
            self._account_sid(account), sender.e164, line.number.e164, body
        )
        return signed_request(url or FALLBACK_WEBHOOK_URL, params, self._auth_token)

    def inbound_call_webhook(
        self, account: Account, caller: PhoneNumber, line: ProvisionedNumber
    ) -> WebhookRequest:
        """Have ``caller`` call ``line``; Twilio's webhook to the number's ``VoiceUrl``."""
        params, url = self._state.inbound_call(
            self._account_sid(account), caller.e164, line.number.e164
        )
        return signed_request(url or FALLBACK_WEBHOOK_URL, params, self._auth_token)

    def call_status_webhook(self, account: Account, call: WebhookRequest) -> WebhookRequest | None:
        """Twilio's status callback when ``call`` ends, or ``None``.

        Twilio posts it to the number's ``StatusCallback``, and nothing when the number has none.
        """
        fields = {key: values[0] for key, values in call.form().items()}
        params, url = self._state.call_ended(self._account_sid(account), fields)
        return None if url is None else signed_request(url, params, self._auth_token)

    def sign_with_other_secret(self, account: Account, request: WebhookRequest) -> WebhookRequest:
        """The same request signed Twilio's way with a random token."""
        if "bodySHA256=" in request.url:  # an Event Streams delivery: the URL alone is signed
            signature = RequestValidator(secrets.token_hex(16)).compute_signature(request.url, {})
            headers = {**request.headers, "x-twilio-signature": signature}
            return WebhookRequest(
                method="POST", url=request.url, headers=headers, body=request.body
            )
        params = {key: values[0] for key, values in request.form().items()}
        return signed_request(request.url, params, secrets.token_hex(16))

    def _account_sid(self, account: Account) -> str:
        account_sid = TwilioSettings.from_account(account).account_sid or self._default_sid
        if account_sid is None:
            raise ValueError(
                f"account {account.id!r} names no Twilio account_sid; give the driver one"
            )
        return account_sid
