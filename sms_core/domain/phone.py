"""Phone numbers, always held in E.164 form."""

from __future__ import annotations

import re

import attrs
import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, ValidationResult

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
        raise InvalidPhoneNumberError(value, "not in E.164 form", "Use PhoneNumber.parse().")


@attrs.frozen(kw_only=True, order=True)
class PhoneNumber:
    """A valid phone number in E.164 form (``+14155550100``).

    Build one with :meth:`parse` from anything a person types; the constructor only
    checks the E.164 shape, for numbers that were validated before they were stored.
    """

    e164: str = attrs.field(validator=_check_e164)

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
            InvalidPhoneNumberError: When ``phonenumbers`` does not consider it a valid number;
                the message names the input and the reason.
        """
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
            raise InvalidPhoneNumberError(text, reason, _HINT) from err
        possibility = phonenumbers.is_possible_number_with_reason(parsed)
        if possibility != ValidationResult.IS_POSSIBLE:
            reason = _POSSIBILITY_REASONS.get(possibility, "not a possible number")
            raise InvalidPhoneNumberError(text, reason, _HINT)
        if not phonenumbers.is_valid_number(parsed):
            where = phonenumbers.region_code_for_number(parsed) or f"+{parsed.country_code}"
            raise InvalidPhoneNumberError(text, f"not a number in use in {where}", _HINT)
        return cls(e164=phonenumbers.format_number(parsed, PhoneNumberFormat.E164))

    @property
    def country_code(self) -> int:
        """The calling code (``1`` for the US and Canada)."""
        return self._parsed().country_code or 0

    @property
    def region(self) -> str | None:
        """The ISO country the number belongs to (``"US"``), when it has one."""
        return phonenumbers.region_code_for_number(self._parsed())

    @property
    def national(self) -> str:
        """The number as its own country writes it (``"(415) 555-0100"``)."""
        return phonenumbers.format_number(self._parsed(), PhoneNumberFormat.NATIONAL)

    @property
    def international(self) -> str:
        """The number in readable international form (``"+1 415-555-0100"``)."""
        return phonenumbers.format_number(self._parsed(), PhoneNumberFormat.INTERNATIONAL)

    def _parsed(self) -> phonenumbers.PhoneNumber:
        return phonenumbers.parse(self.e164, None)

    def __str__(self) -> str:
        return self.e164
