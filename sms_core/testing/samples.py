"""Ready-made, valid registration forms for tests and demos."""

from __future__ import annotations

from sms_core.domain import (
    BrandContact,
    BrandProfile,
    CampaignProfile,
    CampaignUseCase,
    EntityType,
    PhoneNumber,
    PostalAddress,
)

__all__ = ["sample_brand", "sample_campaign"]


def sample_brand(legal_name: str = "Northwind Staffing LLC") -> BrandProfile:
    """A complete brand form for a small private staffing agency."""
    return BrandProfile(
        legal_name=legal_name,
        display_name="Northwind Staffing",
        entity_type=EntityType.PRIVATE_PROFIT,
        tax_id="12-3456789",
        address=PostalAddress(
            street="100 Market Street",
            city="San Francisco",
            region="CA",
            postal_code="94105",
        ),
        website="https://northwind-staffing.example.com",
        vertical="HUMAN_RESOURCES",
        contact=BrandContact(
            first_name="Dana",
            last_name="Reyes",
            email="dana.reyes@northwind-staffing.example.com",
            phone=PhoneNumber.parse("+1 415 555 0134"),
            title="Operations Director",
        ),
    )


def sample_campaign(brand_name: str = "Northwind Staffing") -> CampaignProfile:
    """A complete recruiting campaign form whose samples name the brand and opt-out."""
    return CampaignProfile(
        use_case=CampaignUseCase.CUSTOMER_CARE,
        description=(
            f"{brand_name} recruiters text candidates who applied to a job about interviews, "
            "shift offers, onboarding paperwork and assignment updates."
        ),
        message_flow=(
            "Candidates opt in when they apply on the careers site or in person by ticking an "
            "unchecked box that says they agree to receive recruiting texts from "
            f"{brand_name}; message and data rates may apply; reply STOP to opt out."
        ),
        sample_messages=(
            f"Hi [first name], this is [recruiter] from {brand_name}. Are you free for an "
            "interview on [date]? Reply STOP to opt out.",
            f"{brand_name}: a [shift] shift at [client] is open on [date]. Reply YES if you "
            "want it. Reply STOP to opt out.",
        ),
        has_embedded_links=False,
        has_embedded_phone=False,
        privacy_policy_url="https://northwind-staffing.example.com/privacy",
        terms_and_conditions_url="https://northwind-staffing.example.com/terms",
        opt_in_message=(
            f"{brand_name}: you are now subscribed to recruiting texts. Msg & data rates may "
            "apply. Reply HELP for help, STOP to opt out."
        ),
        opt_out_message=(
            f"{brand_name}: you are unsubscribed and will receive no more texts. Reply START "
            "to subscribe again."
        ),
        help_message=(
            f"{brand_name}: for help call your recruiter or email help@example.com. Reply STOP "
            "to opt out."
        ),
        opt_in_keywords=("START", "YES"),
    )
