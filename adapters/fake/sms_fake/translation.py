"""The adapter's dictionary: the sandbox carrier's records and words in the SDK's terms.

Raw statuses map through tables. A word the tables do not know becomes
:attr:`DeliveryStatus.UNKNOWN` for a message and :attr:`StepStatus.IN_PROGRESS` for a
registration (``StepStatus`` has no unknown, and an unknown word must never pass for an
approval); the raw word always travels along.
"""

from __future__ import annotations

from collections.abc import Mapping

from sms_core.compliance.keywords import KeywordClass
from sms_core.domain import (
    CarrierRegistration,
    DeliveryStatus,
    InboundCall,
    InboundMessage,
    NumberRegistrationUpdate,
    ProviderEvent,
    ProvisionedNumber,
    RegistrationState,
    SendReceipt,
    StatusUpdate,
    StepStatus,
)
from sms_fake.errors import failure_reason
from sms_fake.optouts import Keyword
from sms_fake.payloads import (
    InboundCallReport,
    InboundTextReport,
    NumberRegistrationReport,
    Report,
    StatusReport,
)
from sms_fake.records import CarrierMessage, CarrierNumber, Registration
from sms_fake.statuses import (
    BrandStatus,
    CampaignStatus,
    MessageStatus,
    NumberRegistrationStatus,
    ServiceStatus,
)

__all__ = [
    "DELIVERY_STATUSES",
    "KEYWORD_CLASSES",
    "NUMBER_REGISTRATION_STATES",
    "STEP_STATUSES",
    "delivery_status",
    "events",
    "provisioned",
    "receipt",
    "registration_state",
    "status_update",
    "step_status",
]

#: The carrier's registration words and what they mean for a step.
STEP_STATUSES: Mapping[str, StepStatus] = {
    BrandStatus.PENDING: StepStatus.IN_PROGRESS,
    BrandStatus.APPROVED: StepStatus.APPROVED,
    BrandStatus.UNCONFIRMED: StepStatus.CONFIRMING,
    BrandStatus.FAILED: StepStatus.FAILED,
    CampaignStatus.IN_PROGRESS: StepStatus.IN_PROGRESS,
    CampaignStatus.VERIFIED: StepStatus.APPROVED,
    CampaignStatus.FAILED: StepStatus.FAILED,
    ServiceStatus.PENDING: StepStatus.IN_PROGRESS,
    ServiceStatus.ACTIVE: StepStatus.APPROVED,
    ServiceStatus.FAILED: StepStatus.FAILED,
}

#: The carrier's message words and the normalized status each means.
DELIVERY_STATUSES: Mapping[str, DeliveryStatus] = {
    MessageStatus.QUEUED: DeliveryStatus.QUEUED,
    MessageStatus.SENT: DeliveryStatus.SENT,
    MessageStatus.DELIVERED: DeliveryStatus.DELIVERED,
    MessageStatus.UNDELIVERED: DeliveryStatus.UNDELIVERED,
    MessageStatus.FAILED: DeliveryStatus.FAILED,
    MessageStatus.CANCELED: DeliveryStatus.CANCELED,
    MessageStatus.RECEIVED: DeliveryStatus.RECEIVED,
}


#: The carrier's words for a number's registration; an unknown word is still pending.
NUMBER_REGISTRATION_STATES: Mapping[str, CarrierRegistration] = {
    NumberRegistrationStatus.PENDING: CarrierRegistration.PENDING,
    NumberRegistrationStatus.REGISTERED: CarrierRegistration.REGISTERED,
    NumberRegistrationStatus.FAILED: CarrierRegistration.FAILED,
}

#: The keywords the carrier acts on and answers itself, in the SDK's words; a word the table
#: does not know is no verdict, and the SDK reads the body itself.
KEYWORD_CLASSES: Mapping[str, KeywordClass] = {
    Keyword.STOP: KeywordClass.OPT_OUT,
    Keyword.START: KeywordClass.OPT_IN,
    Keyword.HELP: KeywordClass.HELP,
}


def step_status(raw: str) -> StepStatus:
    """The step status a registration word means; unknown words are still in progress."""
    return STEP_STATUSES.get(raw, StepStatus.IN_PROGRESS)


def delivery_status(raw: str) -> DeliveryStatus:
    """The delivery status a message word means; unknown words are ``UNKNOWN``."""
    return DELIVERY_STATUSES.get(raw, DeliveryStatus.UNKNOWN)


def provisioned(number: CarrierNumber) -> ProvisionedNumber:
    """An owned number as the SDK holds it."""
    return ProvisionedNumber(
        number=number.number,
        provider_ref=number.sid,
        capabilities=number.capabilities,
        settings=number.settings,
    )


def registration_state(registration: Registration) -> RegistrationState:
    """A registration as the SDK tracks it."""
    status = step_status(registration.status)
    decided = status is not StepStatus.IN_PROGRESS
    return RegistrationState(
        step=registration.step,
        provider_ref=registration.sid,
        status=status,
        raw_status=str(registration.status),
        failures=(registration.failure,) if registration.failure else (),
        updated_at=registration.decided_at if decided else registration.submitted_at,
    )


def receipt(message: CarrierMessage) -> SendReceipt:
    """The answer to a send."""
    return SendReceipt(
        provider_message_id=message.sid,
        status=delivery_status(message.status),
        raw_status=message.status.value,
        segments=message.segments,
        raw=_resource(message),
    )


def status_update(message: CarrierMessage) -> StatusUpdate:
    """A message's current status, for reconciliation."""
    return StatusUpdate(
        provider_message_id=message.sid,
        status=delivery_status(message.status),
        raw_status=message.status.value,
        message_id=message.message_id,
        error_code=message.error_code,
        error_message=message.error_message,
        failure_reason=failure_reason(message.error_code),
        occurred_at=message.status_changed_at,
        raw=_resource(message),
    )


def events(report: Report, raw: Mapping[str, object]) -> list[ProviderEvent]:
    """The normalized events one webhook report carries."""
    match report:
        case StatusReport():
            return [
                StatusUpdate(
                    provider_message_id=report.message_sid,
                    status=delivery_status(report.status),
                    raw_status=report.status,
                    message_id=report.message_id,
                    error_code=report.error_code,
                    error_message=report.error_message,
                    failure_reason=failure_reason(report.error_code),
                    occurred_at=report.occurred_at,
                    raw=raw,
                )
            ]
        case InboundTextReport():
            return [
                InboundMessage(
                    provider_message_id=report.message_sid,
                    sender=report.sender,
                    recipient=report.recipient,
                    body=report.body,
                    received_at=report.received_at,
                    carrier_keyword=KEYWORD_CLASSES.get(report.keyword or ""),
                    raw=raw,
                )
            ]
        case InboundCallReport():
            return [
                InboundCall(
                    provider_call_id=report.call_sid,
                    caller=report.caller,
                    called=report.called,
                    raw=raw,
                )
            ]
        case NumberRegistrationReport():
            return [
                NumberRegistrationUpdate(
                    provider_ref=report.number_sid,
                    number=report.number,
                    state=NUMBER_REGISTRATION_STATES.get(
                        report.status, CarrierRegistration.PENDING
                    ),
                    raw_status=report.status,
                    error_code=report.error_code,
                    error_message=report.error_message,
                    occurred_at=report.occurred_at,
                    raw=raw,
                )
            ]


def _resource(message: CarrierMessage) -> dict[str, object]:
    # The message as the carrier's API would show it, kept for troubleshooting.
    return {
        "sid": message.sid,
        "account_id": message.account_id,
        "direction": message.direction.value,
        "message_id": message.message_id,
        "from": message.sender.e164,
        "to": message.recipient.e164,
        "status": message.status.value,
        "segments": message.segments,
        "error_code": message.error_code,
        "error_message": message.error_message,
        "created_at": message.created_at.isoformat(),
        "status_changed_at": message.status_changed_at.isoformat(),
    }
