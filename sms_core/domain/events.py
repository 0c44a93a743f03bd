"""Webhook requests from carriers and the normalized events parsed from them."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

import attrs

from sms_core.compliance.keywords import KeywordClass
from sms_core.domain.accounts import CarrierRegistration
from sms_core.domain.failures import FailureReason
from sms_core.domain.json_body import load_json
from sms_core.domain.messages import DeliveryStatus
from sms_core.domain.phone import PhoneNumber
from sms_core.domain.registration import RegistrationStep

__all__ = [
    "InboundCall",
    "InboundMessage",
    "NumberRegistrationUpdate",
    "ProviderEvent",
    "RegistrationStepUpdate",
    "StatusUpdate",
    "WebhookRequest",
    "WebhookResponse",
]


def _lower_keys(headers: Mapping[str, str]) -> Mapping[str, str]:
    return {key.lower(): value for key, value in headers.items()}


@attrs.frozen(kw_only=True)
class WebhookRequest:
    """An HTTP request a carrier made to the webhook app, as it arrived.

    Attributes:
        url: The full public URL the carrier called, query string included; signatures
            are computed over it, so behind a proxy it must be the outside URL. The webhook
            app rebuilds it once (:func:`sms_core.webhooks.urls.signed_url`); adapters verify
            against it as given.
        headers: The request headers, names lower-cased.
        body: The raw body.
    """

    method: str
    url: str
    headers: Mapping[str, str] = attrs.field(factory=dict, converter=_lower_keys)
    body: bytes = b""

    def form(self) -> dict[str, list[str]]:
        """The body decoded as ``application/x-www-form-urlencoded``, every value kept."""
        return parse_qs(self.body.decode("utf-8"), keep_blank_values=True)

    def json(self) -> Any:
        """The body decoded as JSON, within the limits of :mod:`sms_core.domain.json_body`.

        Raises:
            WebhookPayloadError: When the body is not JSON, or nests too deep or holds numbers
                too large for any webhook.
        """
        return load_json(self.body)


@attrs.frozen(kw_only=True)
class WebhookResponse:
    """What the webhook app answers the carrier."""

    status: int = 200
    content_type: str = "text/plain"
    body: bytes = b""


@attrs.frozen(kw_only=True)
class StatusUpdate:
    """A delivery report for an outbound message.

    Attributes:
        message_id: The SDK's message id, when the carrier echoed it back.
        raw_status: The carrier's own status word.
        error_code: The carrier's own code for a failure, as it came.
        failure_reason: Why the text failed, in the SDK's words: the adapter maps its
            carrier's ``error_code`` with a table, :attr:`FailureReason.OTHER` for a code it
            does not know; ``None`` while nothing failed.
        raw: The carrier's payload as it came.
    """

    provider_message_id: str
    status: DeliveryStatus
    raw_status: str
    message_id: str | None = None
    error_code: str | None = None
    error_message: str | None = None
    failure_reason: FailureReason | None = None
    occurred_at: datetime | None = None
    raw: Mapping[str, object] = attrs.field(factory=dict)


#: The keyword classes a carrier can act on itself: a possible opt-out is the SDK's own hint.
CARRIER_KEYWORD_CLASSES = frozenset({KeywordClass.OPT_OUT, KeywordClass.OPT_IN, KeywordClass.HELP})


def _carrier_keyword(
    instance: InboundMessage, attribute: attrs.Attribute[KeywordClass | None], value: object
) -> None:
    if value is not None and value not in CARRIER_KEYWORD_CLASSES:
        raise ValueError(
            f"carrier_keyword '{value}' is no keyword a carrier acts on: report OPT_OUT, "
            "OPT_IN or HELP for the keyword the carrier acted on and answered, else None"
        )


@attrs.frozen(kw_only=True)
class InboundMessage:
    """A text a candidate sent to one of the account's lines.

    Attributes:
        carrier_keyword: The keyword the carrier acted on and answered itself, if it did, in
            the SDK's words: :attr:`~KeywordClass.OPT_OUT`, :attr:`~KeywordClass.OPT_IN` or
            :attr:`~KeywordClass.HELP` (the adapter reads it from the carrier's webhook, or
            knows the carrier's default keywords). ``None`` when the carrier left the text
            alone; the SDK then reads the body itself either way.
        provider_keyword: Deprecated since 0.2, removed in 0.3: use ``carrier_keyword``. The
            same verdict as a word (``"STOP"``, ``"START"`` or ``"HELP"``); setting it warns
            with a :class:`DeprecationWarning`, and the SDK still honours it, read with its
            default keywords, when ``carrier_keyword`` is ``None``.
    """

    provider_message_id: str
    sender: PhoneNumber
    recipient: PhoneNumber
    body: str
    received_at: datetime | None = None
    carrier_keyword: KeywordClass | None = attrs.field(default=None, validator=_carrier_keyword)
    provider_keyword: str | None = None
    raw: Mapping[str, object] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        if self.provider_keyword is not None:
            warnings.warn(
                "InboundMessage.provider_keyword is deprecated and will be removed in "
                "sms-core 0.3: hand the core the keyword class the carrier acted on as "
                f"carrier_keyword=KeywordClass.… instead of {self.provider_keyword!r}",
                DeprecationWarning,
                # the adapter's line that builds the event (past attrs' generated __init__)
                stacklevel=3,
            )


@attrs.frozen(kw_only=True)
class InboundCall:
    """A voice call to one of the account's lines.

    Attributes:
        caller: Who calls; ``None`` when the caller withheld their number or the carrier
            reports something that is no phone number (a short code, ``anonymous``): the
            call is still answered.
    """

    provider_call_id: str
    caller: PhoneNumber | None
    called: PhoneNumber
    raw: Mapping[str, object] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class NumberRegistrationUpdate:
    """A number's registration with the mobile carriers changed (carrier account events).

    The line is found by the carrier's id for the number (``provider_ref``), else by the
    number; an update about a number the account has no line for is acknowledged and ignored
    (a carrier account may hold numbers the SDK does not manage).

    Attributes:
        provider_ref: The carrier's id for the number (a phone number SID, say), when it says.
        number: The number, when the carrier gives it in a form the SDK can read.
        state: The new state in the SDK's words; never ``NOT_ATTACHED``.
        raw_status: The carrier's own word for it.
        error_code: The carrier's code when the registration failed.
        error_message: What the carrier said, with what to do, when it failed.
        occurred_at: When the carrier says it happened.
        raw: The carrier's payload as it came.
    """

    provider_ref: str | None
    number: PhoneNumber | None
    state: CarrierRegistration
    raw_status: str
    error_code: str | None = None
    error_message: str | None = None
    occurred_at: datetime | None = None
    raw: Mapping[str, object] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        if self.provider_ref is None and self.number is None:
            raise ValueError("a number registration update names the number or its carrier id")
        if self.state is CarrierRegistration.NOT_ATTACHED:
            raise ValueError("a number registration update reports pending, registered or failed")


def _named(instance: RegistrationStepUpdate, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.strip():
        raise ValueError("a registration step update names the step by the carrier's id for it")


@attrs.frozen(kw_only=True)
class RegistrationStepUpdate:
    """The carrier says a registration step changed: a brand, campaign or messaging service.

    It is a hint, not a verdict: the core re-reads the step from the carrier
    (``sms_fetch_registration``, as its registration sync does) and stores what the carrier
    answers then, so a duplicated, late or out-of-order webhook changes nothing the carrier does
    not confirm. The adapter therefore reports only which step the webhook is about; the
    carrier's words stay in ``raw``. Webhooks go to the account's ``events`` URL; an update
    about a step the account did not register under that id is refused
    (:class:`~sms_core.exceptions.RegistrationStepNotFoundError`) and changes nothing.

    Attributes:
        step: The step the carrier reports on.
        provider_ref: The carrier's id for the step, as ``sms_submit_brand`` (or
            ``sms_submit_campaign``, ``sms_submit_messaging_service``) answered it in
            :attr:`RegistrationState.provider_ref`.
        occurred_at: When the carrier says it happened.
        raw: The carrier's payload as it came.
    """

    step: RegistrationStep
    provider_ref: str = attrs.field(validator=_named)
    occurred_at: datetime | None = None
    raw: Mapping[str, object] = attrs.field(factory=dict)


#: Every normalized event a webhook can carry.
ProviderEvent = (
    StatusUpdate | InboundMessage | InboundCall | NumberRegistrationUpdate | RegistrationStepUpdate
)
