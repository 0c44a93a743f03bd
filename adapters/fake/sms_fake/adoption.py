"""Adoption at the sandbox: the numbers an account holds and the registrations it made.

A number bought or a registration made outside the SDK (from a test, or the sandbox's own
``purchase_number`` standing in for the carrier's console) is held like any other: the
sandbox lists it, repoints it, and reports its review as it stands on the carrier clock.
"""

from __future__ import annotations

from sms_core.domain import (
    HeldRegistration,
    NumberSettings,
    ProvisionedNumber,
    RegistrationStep,
)
from sms_fake import translation
from sms_fake.carrier import SandboxCarrier
from sms_fake.errors import not_found
from sms_fake.records import Registration

__all__ = ["adopt_number", "held_numbers", "lookup_registration"]

# The carrier's field name for what each step was submitted with (``Registration.label``).
_LABEL_FIELDS = {
    RegistrationStep.BRAND: "legal_name",
    RegistrationStep.CAMPAIGN: "use_case",
    RegistrationStep.MESSAGING_SERVICE: "friendly_name",
}


def held_numbers(carrier: SandboxCarrier, account_id: str) -> list[ProvisionedNumber]:
    """Every number the account holds, in the order it was bought, with its webhooks."""
    return [translation.provisioned(number) for number in carrier.numbers(account_id)]


def adopt_number(
    carrier: SandboxCarrier, account_id: str, number: ProvisionedNumber, settings: NumberSettings
) -> ProvisionedNumber:
    """Point a number the account holds at ``settings``.

    Raises:
        ProviderNotFoundError: When the account holds no number with that id, or the id is
            another number's.
    """
    held = carrier.number(account_id, number.provider_ref)
    if held.number != number.number:
        raise not_found(f"number {number.number} under id {number.provider_ref!r}")
    return translation.provisioned(carrier.configure_number(account_id, held.sid, settings))


def lookup_registration(
    carrier: SandboxCarrier, account_id: str, brand_sid: str, campaign_sid: str, service_sid: str
) -> list[HeldRegistration]:
    """The brand, campaign and messaging service under these ids, as they stand now.

    Raises:
        ProviderNotFoundError: When the account has no such registration of that step.
    """
    wanted = {
        RegistrationStep.BRAND: brand_sid,
        RegistrationStep.CAMPAIGN: campaign_sid,
        RegistrationStep.MESSAGING_SERVICE: service_sid,
    }
    return [_held(carrier.registration(account_id, sid, step)) for step, sid in wanted.items()]


def _held(registration: Registration) -> HeldRegistration:
    fields = {"status": registration.status, _LABEL_FIELDS[registration.step]: registration.label}
    return HeldRegistration(
        state=translation.registration_state(registration),
        parent_ref=registration.parent_sid,
        fields=fields,
    )
