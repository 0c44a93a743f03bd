"""Where the sandbox sells numbers: area codes by state, province and UK region.

The North American area codes follow libphonenumber's geocoding data (each one checked to yield
valid numbers). Cities and postal codes are a small bundled sample, so a postal-code search finds
numbers only around those cities: elsewhere it finds none, as real carriers often do.

Postal codes are kept at the precision carriers search by: five-digit ZIP codes in the US, the
forward sortation area (``"M5V"``) in Canada and the outward code (``"SW1A"``) in the UK.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping

import attrs

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

# Area codes by (country, state or province). Nova Scotia's codes also serve Prince Edward
# Island and 867 serves all three territories; the sandbox files each code under one region.
_NANP_AREA_CODES: Mapping[tuple[str, str], str] = {
    ("CA", "AB"): "368 403 587 780 825",
    ("CA", "BC"): "236 250 257 604 672 778",
    ("CA", "MB"): "204 431 584",
    ("CA", "NB"): "428 506",
    ("CA", "NL"): "709 879",
    ("CA", "NS"): "782 902",
    ("CA", "NT"): "867",
    ("CA", "ON"): "226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 807 942",
    ("CA", "QC"): "263 273 354 367 418 438 450 468 514 579 581 819 873",
    ("CA", "SK"): "306 474 639",
    ("US", "AK"): "907",
    ("US", "AL"): "205 251 256 334 659 938",
    ("US", "AR"): "327 479 501 870",
    ("US", "AZ"): "480 520 602 623 928",
    ("US", "CA"): (
        "209 213 279 323 341 350 369 408 415 424 442 510 530 559 562 619 626 628 650 657 "
        "661 669 707 714 738 747 760 805 818 820 831 840 858 909 916 925 949 951"
    ),
    ("US", "CO"): "303 719 720 748 970 983",
    ("US", "CT"): "475 860 959",
    ("US", "DC"): "202 771",
    ("US", "DE"): "302",
    ("US", "FL"): (
        "239 305 321 324 352 386 407 448 561 645 656 689 727 728 754 772 786 813 850 863 "
        "904 941 954"
    ),
    ("US", "GA"): "229 404 470 478 678 706 762 770 912 943",
    ("US", "HI"): "808",
    ("US", "IA"): "319 515 563 641 712",
    ("US", "ID"): "208 986",
    ("US", "IL"): "217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 872",
    ("US", "IN"): "219 260 317 463 574 765 812 930",
    ("US", "KS"): "316 620 785 913",
    ("US", "KY"): "270 364 502 606 859",
    ("US", "LA"): "225 318 337 504 985",
    ("US", "MA"): "339 351 413 508 617 774 781 857 978",
    ("US", "MD"): "227 240 301 410 443 667",
    ("US", "ME"): "207",
    ("US", "MI"): "231 248 269 313 517 586 616 734 810 906 947 989",
    ("US", "MN"): "218 320 507 612 651 763 952",
    ("US", "MO"): "235 314 417 557 573 636 660 816 975",
    ("US", "MS"): "228 601 662 769",
    ("US", "MT"): "406",
    ("US", "NC"): "252 336 472 704 743 828 910 919 980 984",
    ("US", "ND"): "701",
    ("US", "NE"): "308 402 531",
    ("US", "NH"): "603",
    ("US", "NJ"): "201 551 609 640 732 848 856 862 908 973",
    ("US", "NM"): "505 575",
    ("US", "NV"): "702 725 775",
    ("US", "NY"): "212 315 329 332 347 363 516 518 585 607 631 646 680 716 838 845 914 917 929 934",
    ("US", "OH"): "216 220 234 283 326 330 380 419 440 513 567 614 740 937",
    ("US", "OK"): "405 539 572 580 918",
    ("US", "OR"): "458 503 541 971",
    ("US", "PA"): "215 223 267 272 412 445 484 570 582 610 717 724 814 835 878",
    ("US", "RI"): "401",
    ("US", "SC"): "803 821 839 843 854 864",
    ("US", "SD"): "605",
    ("US", "TN"): "423 615 629 731 865 901 931",
    ("US", "TX"): (
        "210 214 254 281 325 346 361 409 430 432 469 512 682 726 737 806 817 830 832 903 "
        "915 936 940 945 956 972 979"
    ),
    ("US", "UT"): "385 435 801",
    ("US", "VA"): "276 434 540 571 686 703 757 804 826 948",
    ("US", "VT"): "802",
    ("US", "WA"): "206 253 360 425 509 564",
    ("US", "WI"): "262 274 353 414 534 608 715 920",
    ("US", "WV"): "304 681",
    ("US", "WY"): "307",
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
    for (country, region), codes in _NANP_AREA_CODES.items():
        for code in codes.split():
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
