"""Trust Hub: the customer profile and A2P trust product a Twilio brand registration needs.

Twilio's onboarding order for an ISV registering an agency (a Standard brand):

1. a **customer profile** under the secondary-profile policy, holding the business information,
   an authorized representative, the address (as a supporting document) and the ISV's own
   approved primary customer profile; evaluated, then submitted (``pending-review``);
2. an **A2P trust product** under the A2P messaging-profile policy, holding the A2P profile
   information and the customer profile; evaluated, then submitted;
3. the brand registration over both bundles (see :mod:`sms_twilio.registration`).

A resubmission after a failed brand corrects the same bundles in place: the end users and the
address are updated with the corrected form and both bundles are submitted again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sms_core.domain import BrandContact, BrandProfile, EntityType
from sms_core.exceptions import ProviderError
from sms_twilio import industries
from sms_twilio.client import TwilioClient
from sms_twilio.resources import optional_text, required_text
from sms_twilio.settings import PROVIDER, TwilioSettings
from sms_twilio.statuses import TrustHubStatus

__all__ = ["Bundles", "correct_bundles", "create_bundles"]

#: The customer profile's and the trust product's SIDs (``BU…``).
Bundles = tuple[str, str]

# End-user and supporting-document types, as Trust Hub names them.
_BUSINESS = "customer_profile_business_information"
_REPRESENTATIVE = "authorized_representative_1"
_ADDRESS = "customer_profile_address"
_A2P_PROFILE = "us_a2p_messaging_profile_information"

# The tax id kinds Trust Hub knows, by the country that issued the id.
_REGISTRATION_IDENTIFIERS = {"US": "EIN", "CA": "CBN", "GB": "VAT", "AU": "ACN"}
# The job positions Trust Hub accepts for a representative, by a word of the contact's title.
_POSITIONS = (
    ("general counsel", "General Counsel"),
    ("ceo", "CEO"),
    ("cfo", "CFO"),
    ("vp", "VP"),
    ("vice president", "VP"),
    ("director", "Director"),
    ("general manager", "GM"),
)
_FRIENDLY_NAME_LIMIT = 64


def create_bundles(
    client: TwilioClient, settings: TwilioSettings, brand: BrandProfile, primary_profile_sid: str
) -> Bundles:
    """Create, fill, evaluate and submit the customer profile and the A2P trust product.

    Args:
        primary_profile_sid: The ISV's approved primary customer profile, attached to the new one.

    Raises:
        ProviderError: When Trust Hub evaluates a bundle as noncompliant; the message lists
            the requirements it found unmet.
    """
    trusthub = client.trusthub.v1
    end_users, a2p_attributes = _profile_end_users(brand), _a2p_profile(brand)  # checks first
    email = settings.notification_email or brand.contact.email
    profile = trusthub.customer_profiles.create(
        friendly_name=_friendly_name(brand, "customer profile"),
        email=email,
        policy_sid=settings.customer_profile_policy_sid,
    )
    profile_sid = required_text(profile, "sid")
    assignments = trusthub.customer_profiles(profile_sid).customer_profiles_entity_assignments
    for end_user_type, attributes in end_users.items():
        end_user = trusthub.end_users.create(
            friendly_name=_friendly_name(brand, end_user_type.replace("_", " ")),
            type=end_user_type,
            attributes=attributes,
        )
        assignments.create(object_sid=required_text(end_user, "sid"))
    address = client.addresses.create(**_address_fields(brand))
    document = trusthub.supporting_documents.create(
        friendly_name=_friendly_name(brand, "address"),
        type=_ADDRESS,
        attributes={"address_sids": required_text(address, "sid")},
    )
    assignments.create(object_sid=required_text(document, "sid"))
    assignments.create(object_sid=primary_profile_sid)
    profile_context = trusthub.customer_profiles(profile_sid)
    _submit(
        profile_context,
        profile_context.customer_profiles_evaluations,
        settings.customer_profile_policy_sid,
    )

    product = trusthub.trust_products.create(
        friendly_name=_friendly_name(brand, "A2P messaging profile"),
        email=email,
        policy_sid=settings.a2p_profile_policy_sid,
    )
    product_sid = required_text(product, "sid")
    product_assignments = trusthub.trust_products(product_sid).trust_products_entity_assignments
    a2p_profile = trusthub.end_users.create(
        friendly_name=_friendly_name(brand, "A2P profile information"),
        type=_A2P_PROFILE,
        attributes=a2p_attributes,
    )
    product_assignments.create(object_sid=required_text(a2p_profile, "sid"))
    product_assignments.create(object_sid=profile_sid)
    product_context = trusthub.trust_products(product_sid)
    _submit(
        product_context, product_context.trust_products_evaluations, settings.a2p_profile_policy_sid
    )
    return profile_sid, product_sid


def correct_bundles(
    client: TwilioClient, settings: TwilioSettings, brand: BrandProfile, bundles: Bundles
) -> None:
    """Put the corrected ``brand`` into existing bundles and submit both again.

    An end user or address a bundle lacks (one made in the Console, say) is created and
    attached.
    """
    trusthub = client.trusthub.v1
    end_users, a2p_attributes = _profile_end_users(brand), _a2p_profile(brand)  # checks first
    profile_sid, product_sid = bundles
    profile = trusthub.customer_profiles(profile_sid)
    profile_assignments = profile.customer_profiles_entity_assignments
    for end_user_type, attributes in end_users.items():
        _update_end_user(client, brand, profile_assignments, end_user_type, attributes)
    _update_address(client, brand, profile_assignments)
    _submit(profile, profile.customer_profiles_evaluations, settings.customer_profile_policy_sid)
    product = trusthub.trust_products(product_sid)
    _update_end_user(
        client, brand, product.trust_products_entity_assignments, _A2P_PROFILE, a2p_attributes
    )
    _submit(product, product.trust_products_evaluations, settings.a2p_profile_policy_sid)


def _update_end_user(
    client: TwilioClient,
    brand: BrandProfile,
    assignments: Any,
    end_user_type: str,
    attributes: Mapping[str, object],
) -> None:
    trusthub = client.trusthub.v1
    assigned = assignments.list(object_type=end_user_type, limit=1)
    if assigned:
        trusthub.end_users(required_text(assigned[0], "object_sid")).update(attributes=attributes)
        return
    end_user = trusthub.end_users.create(
        friendly_name=_friendly_name(brand, end_user_type.replace("_", " ")),
        type=end_user_type,
        attributes=attributes,
    )
    assignments.create(object_sid=required_text(end_user, "sid"))


def _update_address(client: TwilioClient, brand: BrandProfile, assignments: Any) -> None:
    trusthub = client.trusthub.v1
    assigned = assignments.list(object_type=_ADDRESS, limit=1)
    if assigned:
        document = trusthub.supporting_documents(required_text(assigned[0], "object_sid")).fetch()
        for address_sid in _address_sids(document.attributes):
            fields = _address_fields(brand)
            del fields["iso_country"]  # an address keeps its country
            client.addresses(address_sid).update(**fields)
        return
    address = client.addresses.create(**_address_fields(brand))
    document = trusthub.supporting_documents.create(
        friendly_name=_friendly_name(brand, "address"),
        type=_ADDRESS,
        attributes={"address_sids": required_text(address, "sid")},
    )
    assignments.create(object_sid=required_text(document, "sid"))


def _submit(bundle: Any, evaluations: Any, policy_sid: str) -> None:
    """Evaluate a bundle against its policy and, when compliant, submit it for review."""
    evaluation = evaluations.create(policy_sid=policy_sid)
    if optional_text(evaluation.status) != "compliant":
        raise ProviderError(
            f"Trust Hub finds the bundle noncompliant with policy {policy_sid}: "
            f"{_unmet(evaluation.results)}; correct the brand form and submit it again",
            provider=PROVIDER,
            code=_first_code(evaluation.results),
        )
    bundle.update(status=TrustHubStatus.PENDING_REVIEW.value)


def _profile_end_users(brand: BrandProfile) -> dict[str, dict[str, object]]:
    return {_BUSINESS: _business_information(brand), _REPRESENTATIVE: _representative(brand)}


def _business_information(brand: BrandProfile) -> dict[str, object]:
    return {
        "business_name": brand.legal_name,
        # The agency is the ISV's customer, texting for itself.
        "business_identity": "direct_customer",
        "business_industry": industries.business_industry(brand),
        "business_type": industries.business_type(brand.entity_type),
        "business_registration_identifier": _REGISTRATION_IDENTIFIERS.get(
            brand.tax_id_country, "Other"
        ),
        "business_registration_number": re.sub(r"[^0-9A-Za-z]", "", brand.tax_id),
        "business_regions_of_operation": "USA_AND_CANADA",
        "website_url": brand.website,
    }


def _representative(brand: BrandProfile) -> dict[str, object]:
    contact: BrandContact = brand.contact
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "phone_number": contact.phone.e164,
        "business_title": contact.title or "Representative",
        "job_position": _position(contact.title),
    }


def _a2p_profile(brand: BrandProfile) -> dict[str, object]:
    attributes: dict[str, object] = {"company_type": industries.company_type(brand.entity_type)}
    if brand.entity_type is EntityType.PUBLIC_PROFIT:
        attributes["stock_exchange"] = brand.stock_exchange or ""
        attributes["stock_ticker"] = brand.stock_symbol or ""
    return attributes


def _address_fields(brand: BrandProfile) -> dict[str, str]:
    address = brand.address
    return {
        "customer_name": brand.legal_name,
        "street": address.street,
        "city": address.city,
        "region": address.region,
        "postal_code": address.postal_code,
        "iso_country": address.country,
    }


def _position(title: str) -> str:
    lowered = f" {title.lower()} "
    for word, position in _POSITIONS:
        if re.search(rf"\b{re.escape(word)}\b", lowered):
            return position
    return "Other"


def _friendly_name(brand: BrandProfile, what: str) -> str:
    return f"{brand.legal_name}: {what}"[:_FRIENDLY_NAME_LIMIT]


def _address_sids(attributes: object) -> list[str]:
    if not isinstance(attributes, Mapping):
        return []
    sids = attributes.get("address_sids")
    if isinstance(sids, str):
        return [sids]
    if isinstance(sids, list):
        return [str(sid) for sid in sids]
    return []


def _unmet(results: object) -> str:
    """The unmet requirements of an evaluation, in Trust Hub's words."""
    reasons: list[str] = []
    for result in results if isinstance(results, list) else []:
        if not isinstance(result, Mapping) or result.get("passed"):
            continue
        invalid = result.get("invalid")
        reasons.extend(
            str(field["failure_reason"])
            for field in (invalid if isinstance(invalid, list) else [])
            if isinstance(field, Mapping) and field.get("failure_reason")
        )
        if result.get("failure_reason"):
            reasons.append(str(result["failure_reason"]))
    return "; ".join(dict.fromkeys(reasons)) or "no reason given"


def _first_code(results: object) -> str | None:
    for result in results if isinstance(results, list) else []:
        if isinstance(result, Mapping) and not result.get("passed") and result.get("error_code"):
            return str(result["error_code"])
    return None
