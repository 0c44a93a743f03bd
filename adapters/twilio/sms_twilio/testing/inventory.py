"""The numbers the Twilio stand-in offers: valid North American numbers on a few area codes.

Each area code has a fixed stock of numbers, the same on every run. A ``Contains`` search also
finds numbers made to contain the pattern (digits, keypad letters, ``*`` for any digit), so a
search for a whole number finds exactly that number, unless someone bought it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

import attrs
import phonenumbers

__all__ = ["AREAS", "TOLL_FREE_AREA_CODES", "Area", "Offer", "search"]


@attrs.frozen
class Area:
    """An area code, where it is and its postal codes (the first is its default)."""

    code: str
    country: str
    region: str
    locality: str
    postal_codes: tuple[str, ...]


#: The local area codes the stand-in sells numbers in.
AREAS: tuple[Area, ...] = (
    Area("415", "US", "CA", "San Francisco", ("94105", "94103", "94110")),
    Area("510", "US", "CA", "Oakland", ("94612",)),
    Area("213", "US", "CA", "Los Angeles", ("90012",)),
    Area("206", "US", "WA", "Seattle", ("98101",)),
    Area("212", "US", "NY", "New York", ("10001",)),
    Area("312", "US", "IL", "Chicago", ("60601",)),
    Area("617", "US", "MA", "Boston", ("02108",)),
    Area("512", "US", "TX", "Austin", ("78701",)),
    Area("416", "CA", "ON", "Toronto", ("M5V",)),
    Area("604", "CA", "BC", "Vancouver", ("V6B",)),
)
#: The US toll-free codes the stand-in sells numbers in.
TOLL_FREE_AREA_CODES = ("800", "833", "844", "855", "866", "877", "888")

_STOCK = 200  # numbers per area code
_KEYPAD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "22233344455566677778889999")


@attrs.frozen(kw_only=True)
class Offer:
    """A number for sale, with what ``AvailablePhoneNumbers`` says about it."""

    e164: str
    country: str
    region: str | None
    locality: str | None
    postal_code: str | None
    toll_free: bool = False


def search(
    *,
    country: str,
    toll_free: bool,
    area_code: str | None = None,
    region: str | None = None,
    locality: str | None = None,
    postal_code: str | None = None,
    contains: str | None = None,
    taken: frozenset[str] = frozenset(),
    limit: int = 50,
) -> list[Offer]:
    """Numbers for sale matching every filter given, at most ``limit``, none of ``taken``."""
    template = _template(contains) if contains else None
    matches = re.compile(template.replace("?", r"\d")) if template else None
    found: dict[str, Offer] = {}
    for area in _areas(country, toll_free):
        if area_code is not None and area.code != area_code:
            continue
        if region is not None and region.upper() not in {area.region, area.locality.upper()}:
            continue
        if locality is not None and locality.casefold() != area.locality.casefold():
            continue
        if postal_code is not None and postal_code.upper() not in area.postal_codes:
            continue
        postal = postal_code.upper() if postal_code else area.postal_codes[0] or None
        numbers = _stock(area.code) if template is None else _containing(area.code, template)
        for national in numbers:
            e164 = f"+1{national}"
            if e164 in taken or e164 in found:
                continue
            if matches is not None and not matches.search(national):
                continue
            found[e164] = Offer(
                e164=e164,
                country=area.country,
                region=area.region or None,
                locality=area.locality or None,
                postal_code=postal,
                toll_free=toll_free,
            )
            if len(found) >= limit:
                return list(found.values())
    return list(found.values())


def _areas(country: str, toll_free: bool) -> Iterator[Area]:
    if toll_free:
        if country == "US":
            yield from (Area(code, "US", "", "", ("",)) for code in TOLL_FREE_AREA_CODES)
        return
    yield from (area for area in AREAS if area.country == country)


@functools.cache
def _stock(area_code: str) -> tuple[str, ...]:
    """The area code's fixed stock: exchanges 2xx-9xx without N11 or 555, valid numbers only."""
    numbers = (
        f"{area_code}{200 + (index * 37) % 800:03d}{(index * 7919 + 1234) % 10000:04d}"
        for index in range(_STOCK)
    )
    return tuple(national for national in numbers if _sellable(national))


def _containing(area_code: str, template: str) -> Iterator[str]:
    """Numbers of the area code made to end with ``template``, then the stock."""
    for exchange in ("234", "345", "456", "678", "789"):
        base = f"{area_code}{exchange}2222"
        national = (base[: max(10 - len(template), 0)] + template)[-10:]
        national = "".join(b if t == "?" else t for b, t in zip(base, national, strict=True))
        if national.startswith(area_code) and _sellable(national):
            yield national
    yield from _stock(area_code)


def _template(contains: str) -> str:
    """Twilio's ``Contains`` as digits, keypad letters translated, ``?`` for any digit."""
    cleaned = contains.strip().lstrip("+").rstrip("$").upper().translate(_KEYPAD)
    return "".join(
        "?" if char in "*%" else char for char in cleaned if char.isdigit() or char in "*%"
    )


def _sellable(national: str) -> bool:
    exchange = national[3:6]
    if exchange[0] in "01" or exchange[1:] == "11" or exchange == "555":
        return False
    return phonenumbers.is_valid_number(phonenumbers.parse(f"+1{national}"))
