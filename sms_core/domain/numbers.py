"""Searching for, buying and configuring carrier phone numbers."""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum

import attrs

from sms_core.domain.phone import PhoneNumber
from sms_core.exceptions import InvalidQueryError

__all__ = [
    "AvailableNumber",
    "NumberCapabilities",
    "NumberQuery",
    "NumberSettings",
    "NumberType",
    "ProvisionedNumber",
]

_COUNTRY = re.compile(r"[A-Z]{2}")
_AREA_CODE = re.compile(r"[0-9]{2,5}")
# North American area codes: three digits, the first 2-9 (NANP).
_NANP_AREA_CODE = re.compile(r"[2-9][0-9]{2}")
_NANP_COUNTRIES = frozenset({"US", "CA"})
# The common rule for a number search's "contains" pattern: 2-16 of digits, letters and the
# wildcards * % + $.
_CONTAINS = re.compile(r"[0-9A-Za-z*%+$]{2,16}")


class NumberType(StrEnum):
    """The kind of number a search looks for."""

    #: A geographic number tied to an area code; the usual 10DLC number.
    LOCAL = "local"
    #: A mobile-range number (outside North America mostly).
    MOBILE = "mobile"
    #: A toll-free number (800, 888, …); needs toll-free verification, not 10DLC.
    TOLL_FREE = "toll_free"


_OptionalTextValidator = Callable[[object, "attrs.Attribute[str | None]", str | None], None]


def _check(pattern: re.Pattern[str], what: str, hint: str) -> _OptionalTextValidator:
    def validate(
        instance: object, attribute: attrs.Attribute[str | None], value: str | None
    ) -> None:
        if value is not None and not pattern.fullmatch(value):
            raise InvalidQueryError(f"{what} {value!r} is not valid: {hint}")

    return validate


def _check_limit(instance: NumberQuery, attribute: attrs.Attribute[int], value: int) -> None:
    if not 1 <= value <= 100:
        raise InvalidQueryError(f"limit {value} is out of range: ask for 1 to 100 numbers")


def _check_country(value: str) -> None:
    if not _COUNTRY.fullmatch(value):
        raise InvalidQueryError(
            f"country {value!r} is not valid: use a two-letter ISO code such as 'US'"
        )


def _upper(value: str) -> str:
    return value.upper()


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


@attrs.frozen(kw_only=True)
class NumberQuery:
    """What an admin is looking for when buying a number.

    Empty filters are ignored, so a form's blank fields can be passed as they are.
    A search with a postal code often returns nothing; that is an answer, not an error.
    """

    country: str = attrs.field(
        default="US",
        converter=_upper,
        validator=lambda _, __, value: _check_country(value),
    )
    area_code: str | None = attrs.field(
        default=None,
        converter=_blank_to_none,
        validator=_check(_AREA_CODE, "area code", "use digits only, such as '415'"),
    )
    region: str | None = attrs.field(default=None, converter=_blank_to_none)
    #: The city or town (``"San Francisco"``); searched only at carriers that declare
    #: ``SearchFilter.LOCALITY``.
    locality: str | None = attrs.field(default=None, converter=_blank_to_none)
    postal_code: str | None = attrs.field(default=None, converter=_blank_to_none)
    contains: str | None = attrs.field(
        default=None,
        converter=_blank_to_none,
        validator=_check(_CONTAINS, "pattern", "use 2-16 digits, letters or * % + $"),
    )
    number_type: NumberType = NumberType.LOCAL
    sms_enabled: bool = True
    voice_enabled: bool | None = None
    limit: int = attrs.field(default=20, validator=_check_limit)

    def __attrs_post_init__(self) -> None:
        area = self.area_code
        if self.country in _NANP_COUNTRIES and area and not _NANP_AREA_CODE.fullmatch(area):
            raise InvalidQueryError(
                f"area code {area!r} is not valid in {self.country}: North American area codes "
                "have three digits and start with 2-9, such as '415'"
            )


@attrs.frozen(kw_only=True)
class NumberCapabilities:
    """What a number can do at its carrier."""

    sms: bool = True
    mms: bool = False
    voice: bool = True


@attrs.frozen(kw_only=True)
class AvailableNumber:
    """A number the carrier offers for sale.

    Attributes:
        region: The state or region (``"CA"``, ``"Ontario"``) when the carrier says.
        locality: The city or rate centre when the carrier says.
    """

    number: PhoneNumber
    country: str
    number_type: NumberType = NumberType.LOCAL
    region: str | None = None
    locality: str | None = None
    postal_code: str | None = None
    capabilities: NumberCapabilities = NumberCapabilities()


@attrs.frozen(kw_only=True)
class NumberSettings:
    """Where a number's carrier sends inbound texts, delivery reports and calls.

    Attributes:
        sms_url: The webhook for inbound texts.
        status_callback_url: The webhook for delivery reports of texts sent from the number.
        voice_url: The webhook for inbound calls (answered with the forwarding response).
        events_url: The webhook for carrier account events (a number's registration with the
            mobile carriers), for carriers that take it from the SDK; others are set up once
            per account (see the adapter's README).
        forward_to: The forwarding number, for carriers that forward calls themselves.
        label: A short name the carrier's console shows (at most 64 characters).
    """

    sms_url: str | None = None
    status_callback_url: str | None = None
    voice_url: str | None = None
    events_url: str | None = None
    forward_to: PhoneNumber | None = None
    label: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.max_len(64))
    )


@attrs.frozen(kw_only=True)
class ProvisionedNumber:
    """A number the account owns at its carrier.

    Attributes:
        provider_ref: The carrier's identifier for the number, needed to release or configure it.
    """

    number: PhoneNumber
    provider_ref: str
    capabilities: NumberCapabilities = NumberCapabilities()
    settings: NumberSettings = NumberSettings()
