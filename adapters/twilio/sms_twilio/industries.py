"""Twilio's words for a brand's industry, business type and company type.

The SDK's brand form speaks The Campaign Registry's vocabulary (``BrandProfile.vertical`` is a
:class:`~sms_core.domain.BrandVertical`, ``entity_type`` an
:class:`~sms_core.domain.EntityType`). Twilio's Trust Hub takes its own: ``business_industry``
on the ``customer_profile_business_information`` end user is one of Twilio's industries, not a
TCR vertical, and Twilio sends it on to TCR itself.

Sources:

* the industries: "A2P 10DLC - Gather the Required Business Information", ``business_industry``
  (https://www.twilio.com/docs/messaging/compliance/a2p-10dlc/collect-business-info);
* government agencies and nonprofits: "A2P 10DLC - Registration for Government and Nonprofit
  Agencies", ISV section
  (https://www.twilio.com/docs/messaging/compliance/a2p-10dlc/onboarding-for-government-and-non-profit-agencies):
  ``business_type`` must be ``Non-profit Corporation`` for both; ``business_industry`` must be
  ``GOVERNMENT`` (government) or ``NOT_FOR_PROFIT`` (nonprofit); ``company_type`` must be
  ``government`` or ``non_profit``.

The mapping is a table with one documented fallback: a vertical that already is one of
Twilio's industries (an admin who typed ``PROFESSIONAL_SERVICES``) is sent as it is. A TCR
vertical with no Twilio counterpart (``POSTAL``, ``POLITICAL``, ``GAMBLING``) is not guessed:
the adapter leaves it out of :data:`MAPPABLE_VERTICALS`, so the core's lint refuses it and
asks for one of Twilio's industries instead.
"""

from __future__ import annotations

from sms_core.domain import BrandProfile, BrandVertical, EntityType
from sms_core.exceptions import InvalidInputError

__all__ = [
    "BUSINESS_TYPES",
    "COMPANY_TYPES",
    "INDUSTRIES",
    "MAPPABLE_VERTICALS",
    "VERTICAL_INDUSTRIES",
    "business_industry",
    "business_type",
    "company_type",
]

#: Twilio's ``business_industry`` values, as its "Gather the Required Business Information"
#: page lists them.
INDUSTRIES = frozenset(
    {
        "AUTOMOTIVE",
        "AGRICULTURE",
        "BANKING",
        "CONSTRUCTION",
        "CONSUMER",
        "EDUCATION",
        "ENGINEERING",
        "ENERGY",
        "OIL_AND_GAS",
        "FAST_MOVING_CONSUMER_GOODS",
        "FINANCIAL",
        "FINTECH",
        "FOOD_AND_BEVERAGE",
        "GOVERNMENT",
        "HEALTHCARE",
        "HOSPITALITY",
        "INSURANCE",
        "LEGAL",
        "MANUFACTURING",
        "MEDIA",
        "ONLINE",
        "PROFESSIONAL_SERVICES",
        "RAW_MATERIALS",
        "REAL_ESTATE",
        "RELIGION",
        "RETAIL",
        "JEWELRY",
        "TECHNOLOGY",
        "TELECOMMUNICATIONS",
        "TRANSPORTATION",
        "TRAVEL",
        "ELECTRONICS",
        "NOT_FOR_PROFIT",
    }
)

#: Twilio's ``business_type`` values (Trust Hub business information).
BUSINESS_TYPES = frozenset(
    {
        "Sole Proprietorship",
        "Partnership",
        "Limited Liability Corporation",
        "Co-operative",
        "Non-profit Corporation",
        "Corporation",
    }
)

#: Twilio's ``company_type`` values (the A2P messaging profile end user).
COMPANY_TYPES = frozenset({"private", "public", "non_profit", "government"})

#: A TCR vertical → the Twilio industry a brand in it is registered under.
VERTICAL_INDUSTRIES: dict[str, str] = {
    # A staffing agency is a professional service to Twilio, which has no HR industry.
    BrandVertical.HUMAN_RESOURCES: "PROFESSIONAL_SERVICES",
    BrandVertical.PROFESSIONAL: "PROFESSIONAL_SERVICES",
    BrandVertical.REAL_ESTATE: "REAL_ESTATE",
    BrandVertical.HEALTHCARE: "HEALTHCARE",
    BrandVertical.ENERGY: "ENERGY",
    BrandVertical.ENTERTAINMENT: "MEDIA",
    BrandVertical.RETAIL: "RETAIL",
    BrandVertical.TRANSPORTATION: "TRANSPORTATION",
    BrandVertical.AGRICULTURE: "AGRICULTURE",
    BrandVertical.INSURANCE: "INSURANCE",
    BrandVertical.EDUCATION: "EDUCATION",
    BrandVertical.HOSPITALITY: "HOSPITALITY",
    BrandVertical.FINANCIAL: "FINANCIAL",
    BrandVertical.LEGAL: "LEGAL",
    BrandVertical.CONSTRUCTION: "CONSTRUCTION",
    BrandVertical.NGO: "NOT_FOR_PROFIT",
    BrandVertical.MANUFACTURING: "MANUFACTURING",
    BrandVertical.GOVERNMENT: "GOVERNMENT",
    BrandVertical.TECHNOLOGY: "TECHNOLOGY",
    BrandVertical.COMMUNICATION: "TELECOMMUNICATIONS",
}

#: Every vertical the adapter can register: the table's, and Twilio's own industries.
MAPPABLE_VERTICALS = frozenset(VERTICAL_INDUSTRIES) | INDUSTRIES

# Twilio's rules for public-sector brands override the vertical, business and company type.
_INDUSTRY_BY_ENTITY = {
    EntityType.GOVERNMENT: "GOVERNMENT",
    EntityType.NON_PROFIT: "NOT_FOR_PROFIT",
}
_BUSINESS_TYPE_BY_ENTITY = {
    EntityType.PRIVATE_PROFIT: "Corporation",
    EntityType.PUBLIC_PROFIT: "Corporation",
    EntityType.NON_PROFIT: "Non-profit Corporation",
    EntityType.GOVERNMENT: "Non-profit Corporation",
    EntityType.SOLE_PROPRIETOR: "Sole Proprietorship",
}
_COMPANY_TYPE_BY_ENTITY = {
    EntityType.PRIVATE_PROFIT: "private",
    EntityType.PUBLIC_PROFIT: "public",
    EntityType.NON_PROFIT: "non_profit",
    EntityType.GOVERNMENT: "government",
}


def business_industry(brand: BrandProfile) -> str:
    """The ``business_industry`` Twilio takes for ``brand``.

    Government agencies are ``GOVERNMENT`` and nonprofits ``NOT_FOR_PROFIT`` whatever their
    vertical; otherwise the table, else the vertical itself when it is a Twilio industry.

    Raises:
        InvalidInputError: For a vertical in neither (the core's lint refuses those first).
    """
    if (industry := _INDUSTRY_BY_ENTITY.get(brand.entity_type)) is not None:
        return industry
    vertical = brand.vertical.strip().upper()
    if (industry := VERTICAL_INDUSTRIES.get(vertical)) is not None:
        return industry
    if vertical in INDUSTRIES:
        return vertical
    raise InvalidInputError(
        f"Twilio has no business_industry for the vertical {brand.vertical!r}; choose one "
        f"of {', '.join(sorted(MAPPABLE_VERTICALS))}"
    )


def business_type(entity_type: EntityType) -> str:
    """The Trust Hub ``business_type`` for an entity type."""
    return _BUSINESS_TYPE_BY_ENTITY[entity_type]


def company_type(entity_type: EntityType) -> str:
    """The A2P profile's ``company_type`` for an entity type (not for sole proprietors)."""
    return _COMPANY_TYPE_BY_ENTITY[entity_type]
