"""Phone numbers, always held in E.164 form."""

from __future__ import annotations

import functools
import re

import attrs
import phonenumbers
from phonenumbers import (
    NumberParseException,
    PhoneNumberFormat,
    PhoneNumberType,
    ValidationResult,
)

from sms_core.exceptions import InvalidPhoneNumberError

__all__ = ["PhoneNumber"]

_E164 = re.compile(r"\+[1-9]\d{1,14}")
_HINT = "Enter the full number with its area code, or with its +country prefix."

# Why phonenumbers refused to parse a text, in a few words.
_PARSE_REASONS = {
    NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
    NumberParseException.NOT_A_NUMBER: "not a number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too short after the international prefix",
    NumberParseException.TOO_SHORT_NSN: "too short",
    NumberParseException.TOO_LONG: "too long",
}

# Why a parsed number is not even possible, in a few words.
_POSSIBILITY_REASONS = {
    ValidationResult.INVALID_COUNTRY_CODE: "unknown country code",
    ValidationResult.TOO_SHORT: "too short",
    ValidationResult.TOO_LONG: "too long",
    ValidationResult.INVALID_LENGTH: "wrong number of digits for its country",
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: "a local number without its area code",
}


def _check_e164(instance: PhoneNumber, attribute: attrs.Attribute[str], value: str) -> None:
    if not _E164.fullmatch(value):
        raise InvalidPhoneNumberError.invalid(
            value, "not in E.164 form", "Use PhoneNumber.parse()."
        )


@attrs.frozen(kw_only=True, order=True)
class PhoneNumber:
    """A valid phone number in E.164 form (``+14155550100``).

    Build one with :meth:`parse` from anything a person types; the constructor only
    checks the E.164 shape, for numbers that were validated before they were stored. The
    number keeps what ``phonenumbers`` made of it, so asking its country, region or time
    zones later does not parse it again.
    """

    e164: str = attrs.field(validator=_check_e164)
    # What phonenumbers made of ``e164`` and the kind of number it is, kept once known; not
    # part of equality.
    _parsed_form: phonenumbers.PhoneNumber | None = attrs.field(
        default=None, init=False, eq=False, order=False, hash=False, repr=False
    )
    _kind: int | None = attrs.field(
        default=None, init=False, eq=False, order=False, hash=False, repr=False
    )

    @classmethod
    def coerce(cls, number: str | PhoneNumber) -> PhoneNumber:
        """A number a caller gave as text or as a ``PhoneNumber``, validated alike either way.

        The one conversion the services use for a number argument: text is parsed as a person
        types it (:meth:`parse`, US numbers need no ``+1``); a ``PhoneNumber`` is
        :meth:`checked`, since its constructor only checks the E.164 shape. So
        ``PhoneNumber(e164="+15555550100")`` is refused wherever ``"+15555550100"`` is.

        Raises:
            InvalidPhoneNumberError: When it is not a valid number in use.
        """
        return number.checked() if isinstance(number, PhoneNumber) else cls.parse(number)

    @classmethod
    def parse(cls, text: str, region: str | None = "US") -> PhoneNumber:
        """Parse and validate a number as a person would type it.

        Args:
            text: The number: ``"(415) 555-0100"``, ``"+44 20 7946 0958"``, ``"1-800-FLOWERS"``.
            region: ISO country code used when the text has no ``+country`` prefix;
                ``None`` requires the prefix.

        Returns:
            The number in E.164 form.

        Raises:
            InvalidPhoneNumberError: When ``phonenumbers`` does not consider it a valid number,
                or it has an extension; the message names the input and the reason.
        """
        return _parse_remembered(text, region)

    @property
    def country_code(self) -> int:
        """The calling code (``1`` for the US and Canada)."""
        return self.parsed().country_code or 0

    @property
    def region(self) -> str | None:
        """The ISO country the number belongs to (``"US"``), when it has one."""
        return phonenumbers.region_code_for_number(self.parsed())

    @property
    def national(self) -> str:
        """The number as its own country writes it (``"(415) 555-0100"``)."""
        return phonenumbers.format_number(self.parsed(), PhoneNumberFormat.NATIONAL)

    @property
    def international(self) -> str:
        """The number in readable international form (``"+1 415-555-0100"``)."""
        return phonenumbers.format_number(self.parsed(), PhoneNumberFormat.INTERNATIONAL)

    def parsed(self) -> phonenumbers.PhoneNumber:
        """What ``phonenumbers`` makes of the number, parsed once; do not change it."""
        if self._parsed_form is None:
            object.__setattr__(self, "_parsed_form", phonenumbers.parse(self.e164, None))
        assert self._parsed_form is not None
        return self._parsed_form

    def checked(self) -> PhoneNumber:
        """This number, once ``phonenumbers`` confirms it is in use (the constructor does not).

        Raises:
            InvalidPhoneNumberError: When it is not a number in use.
        """
        if self.kind() == PhoneNumberType.UNKNOWN:
            raise _not_in_use(self.e164, self.parsed())
        return self

    def kind(self) -> int:
        """The ``phonenumbers.PhoneNumberType`` of the number (mobile, fixed line, ...)."""
        if self._kind is None:
            object.__setattr__(self, "_kind", phonenumbers.number_type(self.parsed()))
        assert self._kind is not None
        return self._kind

    def _keep(self, parsed: phonenumbers.PhoneNumber, kind: int) -> None:
        object.__setattr__(self, "_parsed_form", parsed)
        object.__setattr__(self, "_kind", kind)

    def __str__(self) -> str:
        return self.e164


def _parse(text: str, region: str | None) -> PhoneNumber:
    """What :meth:`PhoneNumber.parse` does, without remembering the answer."""
    try:
        parsed = phonenumbers.parse(text, region)
    except NumberParseException as err:
        reason = _PARSE_REASONS.get(err.error_type, "not a number")
        if (
            region is None
            and err.error_type == NumberParseException.INVALID_COUNTRY_CODE
            and not text.lstrip().startswith("+")
        ):
            reason = "no +country prefix (required when no region is given)"
        raise InvalidPhoneNumberError.invalid(text, reason, _HINT) from err
    possibility = phonenumbers.is_possible_number_with_reason(parsed)
    if possibility != ValidationResult.IS_POSSIBLE:
        reason = _POSSIBILITY_REASONS.get(possibility, "not a possible number")
        raise InvalidPhoneNumberError.invalid(text, reason, _HINT)
    # A number is valid when phonenumbers knows its kind (is_valid_number's own test);
    # the kind is kept, as quiet hours need it for the number's time zones.
    kind = phonenumbers.number_type(parsed)
    if kind == PhoneNumberType.UNKNOWN:
        raise _not_in_use(text, parsed)
    if parsed.extension:
        raise InvalidPhoneNumberError.invalid(
            text,
            f"it has an extension ({parsed.extension}), which texts and calls cannot reach",
            "Enter the number without its extension, or the person's direct number.",
        )
    number = PhoneNumber(e164=phonenumbers.format_number(parsed, PhoneNumberFormat.E164))
    number._keep(parsed, kind)
    return number


#: How many numbers :meth:`PhoneNumber.parse` remembers it parsed (the last ones used).
_KEPT_NUMBERS = 4096

# Parsing and validating a number is most of the SDK's CPU for a recipient (phonenumbers
# matches it against every kind of number of its country), and an agency texts the same
# candidates again and again: the valid numbers parsed last are kept. A refusal is not kept
# (lru_cache keeps no exception), and a PhoneNumber is frozen, so sharing one is safe.
_parse_remembered = functools.lru_cache(maxsize=_KEPT_NUMBERS)(_parse)


def _not_in_use(text: str, parsed: phonenumbers.PhoneNumber) -> InvalidPhoneNumberError:
    where = phonenumbers.region_code_for_number(parsed) or f"+{parsed.country_code}"
    return InvalidPhoneNumberError.invalid(text, f"not a number in use in {where}", _HINT)
