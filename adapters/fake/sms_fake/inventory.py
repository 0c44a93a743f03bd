"""The numbers the sandbox offers, and searching them the way a carrier's search does.

Every area holds a fixed stock of numbers derived from a hash of (country, area code, index),
keeping only those libphonenumber accepts as valid numbers of that country. The same search
therefore always offers the same numbers, less the ones someone bought.

``contains`` patterns work on the number's digits with its country code (``14155550100``):
digits match themselves, letters their telephone-keypad digit (``JOBS`` is ``5627``), ``*``
any one digit and ``%`` any run of digits; a leading ``+`` anchors the pattern at the start of
the number (country code included) and a trailing ``$`` at its end.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Container, Iterable, Iterator
from typing import TypeVar

import phonenumbers

from sms_core.domain import AvailableNumber, NumberCapabilities, NumberQuery, PhoneNumber
from sms_core.exceptions import InvalidQueryError
from sms_fake.areas import REGION_NAMES, Area, areas, supported_types

__all__ = [
    "NUMBERS_PER_AREA",
    "SCAN_LIMIT",
    "capabilities_in",
    "find_offer",
    "postal_key",
    "search",
]

#: How many candidate numbers each area code's stock is drawn from.
NUMBERS_PER_AREA = 500

#: The most candidate numbers one search looks at (about half of the US stock), which keeps a
#: search fast; a rare pattern over a whole country may therefore find fewer than exist.
SCAN_LIMIT = 100_000

_KEYPAD = {
    letter: digit
    for digit, letters in {
        "2": "ABC",
        "3": "DEF",
        "4": "GHI",
        "5": "JKL",
        "6": "MNO",
        "7": "PQRS",
        "8": "TUV",
        "9": "WXYZ",
    }.items()
    for letter in letters
}
_NANP_MMS = frozenset({"US", "CA"})
_T = TypeVar("_T")


def search(query: NumberQuery, taken: Container[str]) -> list[AvailableNumber]:
    """The offers that match every filter of ``query``, in the sandbox's fixed order.

    Offers are taken in turn from each matching area code, so a broad search spreads over
    many places.

    Args:
        query: The filters; ``voice_enabled=False`` finds nothing, as every sandbox number
            takes calls, and ``sms_enabled=False`` only drops the requirement for SMS.
        taken: E.164 numbers already bought, which are not offered.

    Raises:
        InvalidQueryError: For a country or kind of number the sandbox does not sell.
    """
    _check_supported(query)
    if query.voice_enabled is False:
        return []
    pattern = _contains_pattern(query.contains)
    wanted_postal = postal_key(query.country, query.postal_code)
    matching = [
        area
        for area in areas(query.country, query.number_type)
        if _area_matches(area, query, wanted_postal)
    ]
    found: list[AvailableNumber] = []
    candidates = _round_robin(_candidates(area) for area in matching)
    for scanned, (area, index, e164) in enumerate(candidates):
        if scanned >= SCAN_LIMIT or len(found) == query.limit:
            break
        # The cheap string checks come first; validity is checked only on what they keep.
        if e164 in taken or (pattern is not None and not pattern.search(e164[1:])):
            continue
        if wanted_postal is not None and _postal_code(area, index) != wanted_postal:
            continue
        if _is_valid(area, e164):
            found.append(_offer(area, index, e164))
    return found


def find_offer(number: PhoneNumber) -> AvailableNumber | None:
    """The sandbox's offer of ``number`` (taken or not), or ``None`` when it never sells it."""
    for country in ("US", "CA", "GB"):
        for number_type in supported_types(country):
            for area in areas(country, number_type):
                if not number.e164.startswith(f"+{area.calling_code}{area.code}"):
                    continue
                for _, index, e164 in _candidates(area):
                    if e164 == number.e164 and _is_valid(area, e164):
                        return _offer(area, index, e164)
    return None


def capabilities_in(country: str) -> NumberCapabilities:
    """What the sandbox's numbers in ``country`` can do: MMS only in North America."""
    return NumberCapabilities(sms=True, mms=country in _NANP_MMS, voice=True)


def postal_key(country: str, text: str | None) -> str | None:
    """A postal code reduced to the precision the sandbox keeps for ``country``.

    ``"94105-1234"`` becomes ``"94105"``, ``"M5V 3L9"`` becomes ``"M5V"`` and
    ``"SW1A 1AA"`` becomes ``"SW1A"``.
    """
    if text is None:
        return None
    compact = "".join(text.split()).upper()
    if country == "US":
        return compact.split("-")[0][:5]
    if country == "CA":
        return compact[:3]
    if country == "GB":
        if " " in text.strip():
            return text.split()[0].upper()
        return compact[:-3] if len(compact) >= 5 else compact
    return compact


def _check_supported(query: NumberQuery) -> None:
    types = supported_types(query.country)
    if not types:
        raise InvalidQueryError(
            f"the sandbox carrier sells no numbers in {query.country!r}; "
            "search in 'US', 'CA' or 'GB'"
        )
    if query.number_type not in types:
        offered = ", ".join(sorted(repr(kind.value) for kind in types))
        raise InvalidQueryError(
            f"the sandbox carrier sells no {query.number_type.value!r} numbers in "
            f"{query.country!r}; search for {offered}"
        )


def _area_matches(area: Area, query: NumberQuery, wanted_postal: str | None) -> bool:
    if query.area_code is not None and area.code != query.area_code.removeprefix("0"):
        return False
    if query.region is not None and not _in_region(area, query.region):
        return False
    if query.locality is not None and not _in_locality(area, query.locality):
        return False
    return wanted_postal is None or wanted_postal in area.postal_codes


def _in_region(area: Area, region: str) -> bool:
    if area.region is None:
        return False
    wanted = region.strip().casefold()
    names = {area.region, REGION_NAMES.get(area.country, {}).get(area.region, "")}
    if area.country == "GB" and area.locality is not None:
        names.add(area.locality)  # UK searches name a region or a city
    return wanted in {name.casefold() for name in names if name}


def _in_locality(area: Area, locality: str) -> bool:
    # The sandbox places each area code in one city (sms_fake.areas), or in none.
    return area.locality is not None and area.locality.casefold() == locality.strip().casefold()


def _contains_pattern(contains: str | None) -> re.Pattern[str] | None:
    if contains is None:
        return None
    text = contains.upper()
    anchored_start, anchored_end = text.startswith("+"), text.endswith("$")
    body = text[1 if anchored_start else 0 : -1 if anchored_end else None]
    if "+" in body or "$" in body:
        raise InvalidQueryError(
            f"pattern {contains!r} is not valid: '+' may only start it and '$' only end it"
        )
    translated = "".join(
        r"\d" if char == "*" else r"\d*" if char == "%" else _KEYPAD.get(char, char)
        for char in body
    )
    return re.compile(("^" if anchored_start else "") + translated + ("$" if anchored_end else ""))


def _candidates(area: Area) -> Iterator[tuple[Area, int, str]]:
    """The area's stock before the validity check: (area, index, E.164), without repeats."""
    seen: set[str] = set()
    for index in range(NUMBERS_PER_AREA):
        subscriber = _subscriber(area, index)
        if subscriber is None:
            continue
        e164 = f"+{area.calling_code}{area.code}{subscriber}"
        if e164 not in seen:
            seen.add(e164)
            yield area, index, e164


def _is_valid(area: Area, e164: str) -> bool:
    parsed = phonenumbers.PhoneNumber(
        country_code=area.calling_code,
        national_number=int(e164[1 + len(str(area.calling_code)) :]),
    )
    return phonenumbers.is_valid_number_for_region(parsed, area.country)


def _offer(area: Area, index: int, e164: str) -> AvailableNumber:
    return AvailableNumber(
        number=PhoneNumber(e164=e164),
        country=area.country,
        number_type=area.number_type,
        region=area.region,
        locality=area.locality,
        postal_code=_postal_code(area, index),
        capabilities=capabilities_in(area.country),
    )


def _postal_code(area: Area, index: int) -> str | None:
    # The area's numbers take its postal codes in turn.
    return area.postal_codes[index % len(area.postal_codes)] if area.postal_codes else None


def _subscriber(area: Area, index: int) -> str | None:
    digest = hashlib.blake2b(f"{area.country}:{area.code}:{index}".encode(), digest_size=8)
    value = int.from_bytes(digest.digest(), "big")
    rest_digits = area.subscriber_digits - 1
    # Subscriber numbers never start with 0 or 1.
    subscriber = f"{2 + value % 8}{(value // 8) % 10**rest_digits:0{rest_digits}d}"
    if area.calling_code == 1 and (subscriber[1:3] == "11" or subscriber[:3] == "555"):
        return None  # N11 codes are service codes and 555 is reserved: neither is sold
    return subscriber


def _round_robin(streams: Iterable[Iterator[_T]]) -> Iterator[_T]:
    active = list(streams)
    while active:
        still_active = []
        for stream in active:
            offer = next(stream, None)
            if offer is not None:
                yield offer
                still_active.append(stream)
        active = still_active
