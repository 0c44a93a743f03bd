"""The JSON shapes of the Twilio stand-in's answers, and reading Twilio's forms.

v2010 resources carry RFC 2822 dates and relative ``uri``s; Messaging and Trust Hub resources
ISO 8601 dates and absolute ``url``s on the real hosts, as Twilio's do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import phonenumbers

from sms_twilio.testing import inventory
from sms_twilio.testing.memory import Resource

__all__ = [
    "available",
    "campaign_fields",
    "dated_iso",
    "dated_rfc",
    "first",
    "iso",
    "national",
    "number_settings",
    "offered",
    "public",
    "rfc",
    "service",
    "service_settings",
    "snake",
    "valid_number",
]


def first(form: Mapping[str, Sequence[str]], name: str) -> str | None:
    """The first value of a form field, if given."""
    values = form.get(name)
    return values[0] if values else None


def snake(name: str) -> str:
    """A form field's name as Twilio's JSON spells it (``FriendlyName``: ``friendly_name``)."""
    return "".join(f"_{c.lower()}" if c.isupper() and i else c.lower() for i, c in enumerate(name))


def national(e164: str) -> str:
    """A number as Twilio names it by default: its national format."""
    parsed = phonenumbers.parse(e164)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


def valid_number(text: str) -> bool:
    """Whether Twilio would take ``text`` as a phone number."""
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(text))
    except phonenumbers.NumberParseException:
        return False


def offered(e164: str, taken: frozenset[str]) -> bool:
    """Whether a search could offer ``e164`` now."""
    digits = e164.removeprefix("+1")
    toll_free = digits[:3] in inventory.TOLL_FREE_AREA_CODES
    return any(
        offer.e164 == e164
        for country in ("US", "CA")
        for offer in inventory.search(
            country=country, toll_free=toll_free, contains=digits, taken=taken, limit=5
        )
    )


def available(offer: inventory.Offer) -> dict[str, Any]:
    """An ``AvailablePhoneNumber`` entry."""
    return {
        "friendly_name": national(offer.e164),
        "phone_number": offer.e164,
        "lata": None,
        "locality": offer.locality,
        "rate_center": offer.locality.upper() if offer.locality else None,
        "latitude": None,
        "longitude": None,
        "region": offer.region,
        "postal_code": offer.postal_code,
        "iso_country": offer.country,
        "address_requirements": "none",
        "beta": False,
        # Twilio spells these two in capitals here, unlike everywhere else.
        "capabilities": {"voice": True, "SMS": True, "MMS": not offer.toll_free, "fax": False},
    }


def number_settings(form: Mapping[str, list[str]]) -> dict[str, Any]:
    """The ``IncomingPhoneNumber`` fields a form sets (an empty URL clears one)."""
    names = {
        "SmsUrl": "sms_url",
        "SmsMethod": "sms_method",
        "StatusCallback": "status_callback",
        "StatusCallbackMethod": "status_callback_method",
        "VoiceUrl": "voice_url",
        "VoiceMethod": "voice_method",
    }
    return {field: form[name][0] for name, field in names.items() if form.get(name)} | {
        field: None for name, field in names.items() if form.get(name) == [""]
    }


def service_settings(form: Mapping[str, list[str]]) -> dict[str, Any]:
    """The Messaging Service fields a form sets."""
    names = {
        "InboundRequestUrl": "inbound_request_url",
        "InboundMethod": "inbound_method",
        "StatusCallback": "status_callback",
        "UseInboundWebhookOnNumber": "use_inbound_webhook_on_number",
    }
    settings: dict[str, Any] = {}
    for name, field in names.items():
        if (value := first(form, name)) is not None:
            settings[field] = value == "true" if field.startswith("use_") else value
    return settings


def campaign_fields(form: Mapping[str, list[str]]) -> dict[str, Any]:
    """The ``UsAppToPerson`` fields a form sets."""
    fields: dict[str, Any] = {}
    for name, values in form.items():
        field = snake(name)
        if name in {"MessageSamples", "OptInKeywords", "OptOutKeywords", "HelpKeywords"}:
            fields[field] = list(values)
        elif values and values[0] in {"true", "false"}:
            fields[field] = values[0] == "true"
        elif values:
            fields[field] = values[0]
    fields.pop("brand_registration_sid", None)
    if "us_app_to_person_usecase" in fields:
        fields["us_app_to_person_usecase"] = str(fields["us_app_to_person_usecase"])
    return fields


def service(fields: dict[str, Any]) -> dict[str, Any]:
    """A Messaging Service as Twilio shows it."""
    shown = public(fields)
    shown.setdefault("inbound_request_url", None)
    shown.setdefault("status_callback", None)
    shown.setdefault("use_inbound_webhook_on_number", False)
    shown["us_app_to_person_registered"] = False
    return shown


def public(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields Twilio shows: the stand-in's own (``_…``) left out."""
    return {key: value for key, value in fields.items() if not key.startswith("_")}


def rfc(moment: datetime) -> str:
    """A v2010 date (RFC 2822)."""
    return moment.strftime("%a, %d %b %Y %H:%M:%S +0000")


def iso(moment: datetime) -> str:
    """A v1 date (ISO 8601)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def dated_rfc(fields: dict[str, Any], resource: Resource) -> dict[str, Any]:
    """A v2010 resource with its dates (a text's ``date_sent`` too)."""
    updated = fields.get("_updated", resource.created)
    dates = {"date_created": rfc(resource.created), "date_updated": rfc(updated)}
    if "_sent" in fields:
        dates["date_sent"] = rfc(fields["_sent"])
    return public({**fields, **dates})


def dated_iso(fields: dict[str, Any], resource: Resource) -> dict[str, Any]:
    """A v1 resource with its dates."""
    updated = fields.get("_updated", resource.created)
    return public({**fields, "date_created": iso(resource.created), "date_updated": iso(updated)})
