"""Where the sandbox sells numbers: area codes by state, province and UK region.

The US area codes are the project's one table,
:data:`sms_core.compliance.area_codes.US_AREA_CODES` (the quiet-hours rules read the same one), so
the sandbox sells numbers in every US area code the SDK knows, in its state; Canada's follow
libphonenumber's geocoding data. Every code is checked to yield valid numbers. Cities and postal
codes are a small bundled sample, so a postal-code search finds
numbers only around those cities: elsewhere it finds none, as real carriers often do.

Postal codes are kept at the precision carriers search by: five-digit ZIP codes in the US, the
forward sortation area (``"M5V"``) in Canada and the outward code (``"SW1A"``) in the UK.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import attrs

from sms_core.compliance.area_codes import US_AREA_CODES
from sms_core.domain import NumberType

__all__ = ["REGION_NAMES", "Area", "areas", "supported_types"]


@attrs.frozen(kw_only=True)
class Area:
    """A block of numbers: every number that starts with one area code in one country.

    Attributes:
        country: The ISO country code.
        calling_code: The country calling code (``1``, ``44``).
        code: The digits after the calling code that start every number (``"415"``, ``"20"``).
        subscriber_digits: How many digits follow ``code``.
        region: The state or province code (``"CA"``, ``"ON"``) or UK region name; ``None``
            for toll-free numbers.
        locality: The city, when the sandbox places the area code in one.
        postal_codes: The postal codes the sandbox spreads the area's numbers over.
    """

    country: str
    calling_code: int
    code: str
    subscriber_digits: int
    number_type: NumberType = NumberType.LOCAL
    region: str | None = None
    locality: str | None = None
    postal_codes: tuple[str, ...] = ()


#: State and province names by country and code, for searches by either.
REGION_NAMES: Mapping[str, Mapping[str, str]] = {
    "US": {
        "AL": "Alabama",
        "AK": "Alaska",
        "AZ": "Arizona",
        "AR": "Arkansas",
        "CA": "California",
        "CO": "Colorado",
        "CT": "Connecticut",
        "DE": "Delaware",
        "DC": "District of Columbia",
        "FL": "Florida",
        "GA": "Georgia",
        "HI": "Hawaii",
        "ID": "Idaho",
        "IL": "Illinois",
        "IN": "Indiana",
        "IA": "Iowa",
        "KS": "Kansas",
        "KY": "Kentucky",
        "LA": "Louisiana",
        "ME": "Maine",
        "MD": "Maryland",
        "MA": "Massachusetts",
        "MI": "Michigan",
        "MN": "Minnesota",
        "MS": "Mississippi",
        "MO": "Missouri",
        "MT": "Montana",
        "NE": "Nebraska",
        "NV": "Nevada",
        "NH": "New Hampshire",
        "NJ": "New Jersey",
        "NM": "New Mexico",
        "NY": "New York",
        "NC": "North Carolina",
        "ND": "North Dakota",
        "OH": "Ohio",
        "OK": "Oklahoma",
        "OR": "Oregon",
        "PA": "Pennsylvania",
        "RI": "Rhode Island",
        "SC": "South Carolina",
        "SD": "South Dakota",
        "TN": "Tennessee",
        "TX": "Texas",
        "UT": "Utah",
        "VT": "Vermont",
        "VA": "Virginia",
        "WA": "Washington",
        "WV": "West Virginia",
        "WI": "Wisconsin",
        "WY": "Wyoming",
    },
    "CA": {
        "AB": "Alberta",
        "BC": "British Columbia",
        "MB": "Manitoba",
        "NB": "New Brunswick",
        "NL": "Newfoundland and Labrador",
        "NS": "Nova Scotia",
        "NT": "Northwest Territories",
        "ON": "Ontario",
        "QC": "Quebec",
        "SK": "Saskatchewan",
    },
}

# Canada's area codes by province, from libphonenumber's geocoding data (the US ones are the
# project's table, sms_core.compliance.area_codes). Nova Scotia's codes also serve Prince
# Edward Island and 867 serves all three territories; the sandbox files each under one province.
_CANADIAN_AREA_CODES: Mapping[str, str] = {
    "AB": "368 403 587 780 825",
    "BC": "236 250 257 604 672 778",
    "MB": "204 431 584",
    "NB": "428 506",
    "NL": "709 879",
    "NS": "782 902",
    "NT": "867",
    "ON": "226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 807 942",
    "QC": "263 273 354 367 418 438 450 468 514 579 581 819 873",
    "SK": "306 474 639",
}


def _nanp_area_codes() -> dict[tuple[str, str], tuple[str, ...]]:
    """Area codes by (country, state or province): the US from the core's table, then Canada."""
    return {
        **{("US", state): codes for state, codes in US_AREA_CODES.items()},
        **{
            ("CA", province): tuple(codes.split())
            for province, codes in _CANADIAN_AREA_CODES.items()
        },
    }


# Cities the sandbox places some area codes in, with the postal codes it spreads them over.
_NANP_CITIES: Mapping[str, tuple[str, str]] = {
    "202": ("Washington", "20001 20002 20003 20004 20005"),
    "206": ("Seattle", "98101 98104 98109 98121 98122"),
    "212": ("New York", "10001 10011 10016 10019 10022"),
    "213": ("Los Angeles", "90012 90013 90014 90017 90071"),
    "214": ("Dallas", "75201 75202 75204 75205 75206"),
    "215": ("Philadelphia", "19102 19103 19104 19106 19107"),
    "303": ("Denver", "80202 80203 80204 80205 80206"),
    "305": ("Miami", "33128 33130 33131 33132 33137"),
    "312": ("Chicago", "60601 60602 60603 60604 60606"),
    "313": ("Detroit", "48201 48202 48207 48226"),
    "314": ("St. Louis", "63101 63102 63103 63104 63108"),
    "404": ("Atlanta", "30303 30305 30308 30309 30318"),
    "415": ("San Francisco", "94102 94103 94105 94107 94111"),
    "503": ("Portland", "97201 97204 97205 97209 97214"),
    "512": ("Austin", "78701 78702 78703 78704 78705"),
    "602": ("Phoenix", "85003 85004 85006 85007 85008"),
    "612": ("Minneapolis", "55401 55402 55403 55404 55405"),
    "615": ("Nashville", "37201 37203 37204 37206 37208"),
    "617": ("Boston", "02108 02109 02110 02111 02116"),
    "619": ("San Diego", "92101 92102 92103 92104 92109"),
    "702": ("Las Vegas", "89101 89102 89104 89106 89109"),
    "704": ("Charlotte", "28202 28203 28204 28205 28206"),
    "713": ("Houston", "77002 77003 77004 77006 77007"),
    "801": ("Salt Lake City", "84101 84102 84103 84111"),
    "813": ("Tampa", "33602 33603 33604 33606"),
    "204": ("Winnipeg", "R3B R3C"),
    "403": ("Calgary", "T2G T2P T2R"),
    "416": ("Toronto", "M4W M5H M5J M5V"),
    "514": ("Montreal", "H2X H2Y H3A H3B"),
    "604": ("Vancouver", "V6B V6C V6E V6Z"),
    "613": ("Ottawa", "K1P K1R K2P"),
    "780": ("Edmonton", "T5J T5K"),
    "902": ("Halifax", "B3H B3J"),
}

# US toll-free area codes; toll-free numbers have no region, city or postal code.
_TOLL_FREE_CODES = "800 833 844 855 866 877 888"

# UK geographic area codes (after the trunk 0): city, region and postal outward codes.
_GB_AREAS: tuple[tuple[str, str, str, str], ...] = (
    ("20", "London", "London", "EC1A EC2A SW1A W1D E1 N1 SE1"),
    ("121", "Birmingham", "West Midlands", "B1 B2 B3 B4"),
    ("161", "Manchester", "North West", "M1 M2 M3 M4"),
    ("151", "Liverpool", "North West", "L1 L2 L3"),
    ("113", "Leeds", "Yorkshire and the Humber", "LS1 LS2 LS3"),
    ("114", "Sheffield", "Yorkshire and the Humber", "S1 S2 S3"),
    ("115", "Nottingham", "East Midlands", "NG1 NG2"),
    ("116", "Leicester", "East Midlands", "LE1 LE2"),
    ("117", "Bristol", "South West", "BS1 BS2 BS8"),
    ("118", "Reading", "South East", "RG1 RG2"),
    ("1865", "Oxford", "South East", "OX1 OX2"),
    ("1223", "Cambridge", "East of England", "CB1 CB2"),
    ("191", "Newcastle upon Tyne", "North East", "NE1 NE2"),
    ("131", "Edinburgh", "Scotland", "EH1 EH2 EH3"),
    ("141", "Glasgow", "Scotland", "G1 G2 G3"),
    ("1224", "Aberdeen", "Scotland", "AB10 AB11"),
    ("29", "Cardiff", "Wales", "CF10 CF11"),
    ("28", "Belfast", "Northern Ireland", "BT1 BT2"),
)

_NSN_DIGITS = {"US": 10, "CA": 10, "GB": 10}
_CALLING_CODES = {"US": 1, "CA": 1, "GB": 44}


def supported_types(country: str) -> frozenset[NumberType]:
    """The kinds of number the sandbox sells in ``country``; empty for other countries."""
    return frozenset(area.number_type for area in _all_areas() if area.country == country)


def areas(country: str, number_type: NumberType) -> tuple[Area, ...]:
    """Every area of one kind of number in one country, in a fixed order."""
    return tuple(
        area for area in _all_areas() if area.country == country and area.number_type == number_type
    )


@functools.cache
def _all_areas() -> tuple[Area, ...]:
    built: list[Area] = []
    for (country, region), codes in _nanp_area_codes().items():
        for code in codes:
            locality, postal_codes = _NANP_CITIES.get(code, (None, ""))
            built.append(
                _area(country, code, region=region, locality=locality, postal_codes=postal_codes)
            )
    built.extend(
        _area("US", code, number_type=NumberType.TOLL_FREE) for code in _TOLL_FREE_CODES.split()
    )
    built.extend(
        _area("GB", code, region=region, locality=city, postal_codes=postal_codes)
        for code, city, region, postal_codes in _GB_AREAS
    )
    return tuple(built)


def _area(
    country: str,
    code: str,
    *,
    region: str | None = None,
    locality: str | None = None,
    postal_codes: str = "",
    number_type: NumberType = NumberType.LOCAL,
) -> Area:
    return Area(
        country=country,
        calling_code=_CALLING_CODES[country],
        code=code,
        subscriber_digits=_NSN_DIGITS[country] - len(code),
        number_type=number_type,
        region=region,
        locality=locality,
        postal_codes=tuple(postal_codes.split()),
    )
