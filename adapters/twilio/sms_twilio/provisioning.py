"""Numbers: searching ``AvailablePhoneNumbers``, buying, configuring and releasing them.

A bought number's webhooks point at the SDK's webhook app: ``SmsUrl`` for inbound texts and
``VoiceUrl`` for calls, both ``POST``. Forwarding is not a Twilio setting: the call webhook
answers with ``<Dial>`` (see :mod:`sms_twilio.webhooks`), so the forwarding number travels
with the SDK's settings only.

The number's own ``StatusCallback`` is for **calls**: it sits with the voice settings of an
``IncomingPhoneNumber`` and Twilio posts a call status callback (``CallSid``, ``CallStatus``)
to it when a call to the number ends (https://www.twilio.com/docs/usage/webhooks/voice-webhooks,
"Call status callbacks"; the Console lists it under Voice as "Call status changes"). Delivery
reports of texts come from the ``StatusCallback`` of each
message (:mod:`sms_twilio.delivery`) and of the Messaging Service. So the SDK's delivery-report
URL (``NumberSettings.status_callback_url``) is never set on the number, and configuring a
number clears a ``StatusCallback`` an older version set there, which made Twilio post call
reports to the texts' endpoint (refused there, and logged in Twilio's debugger).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
from phonenumbers import PhoneNumberType

from sms_core.domain import (
    AvailableNumber,
    NumberCapabilities,
    NumberQuery,
    NumberSettings,
    NumberType,
    PhoneNumber,
    ProvisionedNumber,
)
from sms_core.exceptions import (
    InvalidPhoneNumberError,
    InvalidQueryError,
    ProviderNotFoundError,
    UnsupportedFeatureError,
)
from sms_twilio import errors
from sms_twilio.client import TwilioClient
from sms_twilio.settings import PROVIDER, sid_pattern

__all__ = [
    "COUNTRIES",
    "NUMBER_TYPES",
    "adopt_number",
    "configure_number",
    "held_numbers",
    "purchase_number",
    "release_number",
    "search_numbers",
]

#: Countries whose numbers the adapter searches and buys: those that need no regulatory bundle
#: for a local number. Others need an address and bundle the SDK does not collect.
COUNTRIES = frozenset({"US", "CA"})
#: The number types the adapter searches, by the ``AvailablePhoneNumbers`` list holding them.
#: Toll-free numbers are not among them: Twilio blocks texts from a toll-free number until its
#: toll-free verification is approved, a registration path of its own the SDK does not run
#: (https://www.twilio.com/docs/messaging/compliance/toll-free/api-onboarding).
NUMBER_TYPES: Mapping[NumberType, str] = {
    NumberType.LOCAL: "local",
    NumberType.MOBILE: "mobile",
}
_TOLL_FREE_HINT = (
    "Twilio blocks texts from a toll-free number until its toll-free verification is approved, "
    "and the SDK does not run that registration yet: search local numbers (10DLC) instead"
)
_NUMBER_SID = sid_pattern("PN")


def search_numbers(client: TwilioClient, query: NumberQuery) -> list[AvailableNumber]:
    """Numbers Twilio offers for ``query``; every filter is passed to Twilio.

    Raises:
        InvalidQueryError: For a country outside :data:`COUNTRIES`, or a type Twilio does not
            sell in the country (Twilio answers 404 for, e.g., US mobile numbers).
        UnsupportedFeatureError: For toll-free numbers (see :data:`NUMBER_TYPES`).
    """
    if query.number_type not in NUMBER_TYPES:
        raise UnsupportedFeatureError.missing(
            PROVIDER, "toll-free numbers for texting", _TOLL_FREE_HINT
        )
    if query.country not in COUNTRIES:
        raise InvalidQueryError(
            f"country {query.country!r} is not supported by the Twilio adapter; search "
            f"{' or '.join(sorted(COUNTRIES))} numbers"
        )
    filters: dict[str, Any] = {"limit": query.limit}
    if query.area_code is not None:
        filters["area_code"] = int(query.area_code)
    if query.region is not None:
        filters["in_region"] = query.region
    if query.locality is not None:
        # InLocality: "Limit results to a particular locality or city" (the
        # AvailablePhoneNumberLocal list in twilio-oai's twilio_api_v2010.json).
        filters["in_locality"] = query.locality
    if query.postal_code is not None:
        filters["in_postal_code"] = query.postal_code
    if query.contains is not None:
        filters["contains"] = query.contains
    if query.sms_enabled:
        filters["sms_enabled"] = True
    if query.voice_enabled is not None:
        filters["voice_enabled"] = query.voice_enabled
    listing = getattr(
        client.available_phone_numbers(query.country), NUMBER_TYPES[query.number_type]
    )
    try:
        offered = listing.list(**filters)
    except ProviderNotFoundError as err:
        raise InvalidQueryError(
            f"Twilio sells no {query.number_type.value.replace('_', '-')} numbers in "
            f"{query.country}; search local numbers instead"
        ) from err
    found: list[AvailableNumber] = []
    for item in offered:
        try:
            number = PhoneNumber.parse(str(item.phone_number), region=None)
        except InvalidPhoneNumberError:
            continue  # not a number the SDK could text from; Twilio rarely offers one
        found.append(
            AvailableNumber(
                number=number,
                country=str(item.iso_country or query.country),
                number_type=query.number_type,
                region=item.region or None,
                locality=item.locality or None,
                postal_code=item.postal_code or None,
                capabilities=_capabilities(item.capabilities),
            )
        )
    return found[: query.limit]


def purchase_number(
    client: TwilioClient, number: PhoneNumber, settings: NumberSettings
) -> ProvisionedNumber:
    """Buy ``number`` with its webhooks pointed at the SDK.

    Raises:
        NumberUnavailableError: When Twilio no longer offers it (21422, 21452).
        UnsupportedFeatureError: For a toll-free number, before anything is bought.
    """
    if number.kind() == PhoneNumberType.TOLL_FREE:
        raise UnsupportedFeatureError.missing(
            PROVIDER, f"toll-free numbers for texting ({number})", _TOLL_FREE_HINT
        )
    fields = {key: value for key, value in _fields(settings, number).items() if value}
    bought = client.incoming_phone_numbers.create(phone_number=number.e164, **fields)
    return _provisioned(bought, settings)


def configure_number(
    client: TwilioClient, number: ProvisionedNumber, settings: NumberSettings
) -> ProvisionedNumber:
    """Replace the number's webhooks and label; an unset URL is cleared at Twilio.

    Raises:
        ProviderNotFoundError: When the account does not hold the number.
    """
    sid = _number_sid(number)
    updated = client.incoming_phone_numbers(sid).update(**_fields(settings, number.number))
    return _provisioned(updated, settings)


def held_numbers(client: TwilioClient) -> list[ProvisionedNumber]:
    """Every number the account holds (``IncomingPhoneNumbers`` list, every page).

    Each with its ``sms_url`` and ``voice_url`` as Twilio has them (fields of the
    ``api.v2010.account.incoming_phone_number`` schema in twilio-oai's twilio_api_v2010.json;
    the list is ``GET …/IncomingPhoneNumbers.json``, "Retrieve a list of
    incoming-phone-numbers belonging to the account used to make the request"). A number the
    SDK could not text from (not a valid phone number) is left out.
    """
    held: list[ProvisionedNumber] = []
    for resource in client.incoming_phone_numbers.stream():
        try:
            number = PhoneNumber.parse(str(resource.phone_number), region=None)
        except InvalidPhoneNumberError:
            continue
        held.append(
            ProvisionedNumber(
                number=number,
                provider_ref=str(resource.sid),
                capabilities=_capabilities(resource.capabilities),
                settings=NumberSettings(
                    sms_url=resource.sms_url or None,
                    voice_url=resource.voice_url or None,
                    label=(str(resource.friendly_name) or None) if resource.friendly_name else None,
                ),
            )
        )
    return held


def adopt_number(
    client: TwilioClient, number: ProvisionedNumber, settings: NumberSettings
) -> ProvisionedNumber:
    """Point a number the account holds at the SDK's webhooks, as a purchase configures one.

    The number keeps its ``FriendlyName`` unless ``settings`` give a label: the agency named
    it in the Console, and the SDK has no better name.

    Raises:
        ProviderNotFoundError: When the account holds no number under that SID, or the SID
            is another number's.
    """
    context = client.incoming_phone_numbers(_number_sid(number))
    current = context.fetch()
    if str(current.phone_number) != number.number.e164:
        raise errors.not_found(f"number {number.number} under id {number.provider_ref!r}")
    name = str(current.friendly_name or "")[:64] or None
    kept = settings if settings.label else attrs.evolve(settings, label=name)
    updated = context.update(**_fields(kept, number.number))
    return _provisioned(updated, kept)


def release_number(client: TwilioClient, number: ProvisionedNumber) -> None:
    """Release the number; the account stops paying for it.

    Raises:
        ProviderNotFoundError: When the account does not hold the number.
    """
    client.incoming_phone_numbers(_number_sid(number)).delete()


def _number_sid(number: ProvisionedNumber) -> str:
    if not _NUMBER_SID.fullmatch(number.provider_ref):
        raise errors.not_found(f"number id {number.provider_ref!r} of {number.number}")
    return number.provider_ref


def _fields(settings: NumberSettings, number: PhoneNumber) -> dict[str, str]:
    """The number's settings as ``IncomingPhoneNumbers`` fields; an empty URL clears one."""
    return {
        # Without a label, the name Twilio gives a number it sells: its national format.
        "friendly_name": settings.label or number.national,
        "sms_url": settings.sms_url or "",
        "sms_method": "POST",
        # Calls' status reports: none wanted. Texts report through their own StatusCallback.
        "status_callback": "",
        "voice_url": settings.voice_url or "",
        "voice_method": "POST",
    }


def _provisioned(resource: Any, asked: NumberSettings) -> ProvisionedNumber:
    """The SDK's view of an ``IncomingPhoneNumber`` answer.

    Forwarding stays the SDK's, and so does the delivery-report URL: on Twilio each text
    carries it (the number's ``StatusCallback`` is for calls and stays empty).
    """
    return ProvisionedNumber(
        number=PhoneNumber(e164=str(resource.phone_number)),
        provider_ref=str(resource.sid),
        capabilities=_capabilities(resource.capabilities),
        settings=NumberSettings(
            sms_url=resource.sms_url or None,
            status_callback_url=asked.status_callback_url,
            voice_url=resource.voice_url or None,
            forward_to=asked.forward_to,
            label=str(resource.friendly_name) if asked.label else None,
        ),
    )


def _capabilities(raw: object) -> NumberCapabilities:
    """Capabilities from Twilio's map; available numbers spell ``SMS``/``MMS`` in capitals."""
    if not isinstance(raw, Mapping):
        return NumberCapabilities()
    flags = {str(key).lower(): bool(value) for key, value in raw.items()}
    return NumberCapabilities(
        sms=flags.get("sms", False), mms=flags.get("mms", False), voice=flags.get("voice", False)
    )
