# Over 400 lines: Twilio's Trust Hub onboarding is one resumable sequence (customer profile, then
# trust product), each step keeping the SID Twilio answered before the next.
"""Trust Hub: the customer profile and A2P trust product a Twilio brand registration needs.

Twilio's onboarding order for an ISV registering an agency (a Standard brand):

1. a **customer profile** under the secondary-profile policy, holding the business information,
   an authorized representative, the address (as a supporting document) and the ISV's own
   approved primary customer profile; evaluated, then submitted (``pending-review``);
2. an **A2P trust product** under the A2P messaging-profile policy, holding the A2P profile
   information and the customer profile; evaluated, then submitted;
3. the brand registration over both bundles (see :mod:`sms_twilio.registration`).

The step is resumable: every SID is kept the moment Twilio answers (:class:`Bundles`), and a
resubmission after a failure corrects the same bundles in place (end users and address updated
with the corrected form, what is missing created) and submits them again, so a failure after
the customer profile was made never leaves orphaned Trust Hub objects behind.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from sms_core.domain import BrandContact, BrandProfile, EntityType, RegistrationFailure
from sms_twilio import industries
from sms_twilio.client import TwilioClient
from sms_twilio.resources import optional_text, required_text
from sms_twilio.settings import TwilioSettings
from sms_twilio.statuses import TrustHubStatus

__all__ = ["Bundles", "prepare_bundles", "unmet_requirements"]

# End-user and supporting-document types, as Trust Hub names them.
_BUSINESS = "customer_profile_business_information"
_REPRESENTATIVE = "authorized_representative_1"
_ADDRESS = "customer_profile_address"
_A2P_PROFILE = "us_a2p_messaging_profile_information"
# A sole proprietor's bundles ("New Sole Proprietor A2P 10DLC Registration for ISVs: API
# Walkthrough", https://www.twilio.com/docs/messaging/compliance/a2p-10dlc/onboarding-isv-api-sole-prop-new):
# a starter customer profile with the owner's contact details, and a sole-proprietor A2P
# trust product with the brand name, vertical and the mobile number the OTP is texted to.
_STARTER_PROFILE = "starter_customer_profile_information"
_SOLE_PROPRIETOR = "sole_proprietor_information"
#: The starter customer profile and sole-proprietor A2P trust product policies (Twilio's
#: walkthrough above; not in the OpenAPI files, see ../shared/reference/twilio.md §2.7).
SOLE_PROPRIETOR_PROFILE_POLICY = "RN806dd6cd175f314e1f96a9727ee271f4"
SOLE_PROPRIETOR_PRODUCT_POLICY = "RN670d5d2e282a6130ae063b234b6019c8"


@attrs.frozen
class _Plan:
    """What a brand's bundles hold: policies, end users and the A2P end user's type."""

    profile_policy: str
    product_policy: str
    profile_end_users: dict[str, dict[str, object]]
    product_end_user: str
    product_attributes: dict[str, object]


def _plan(settings: TwilioSettings, brand: BrandProfile) -> _Plan:
    if brand.entity_type is EntityType.SOLE_PROPRIETOR:
        contact = brand.contact
        return _Plan(
            profile_policy=SOLE_PROPRIETOR_PROFILE_POLICY,
            product_policy=SOLE_PROPRIETOR_PRODUCT_POLICY,
            profile_end_users={
                _STARTER_PROFILE: {
                    "first_name": contact.first_name,
                    "last_name": contact.last_name,
                    "email": contact.email,
                    "phone_number": contact.phone.e164,
                }
            },
            product_end_user=_SOLE_PROPRIETOR,
            product_attributes={
                "brand_name": brand.display_name.strip() or brand.legal_name,
                # The Campaign Registry's vertical, as the sole-proprietor bundle takes it.
                "vertical": brand.vertical.strip().upper(),
                "mobile_phone_number": contact.phone.e164,
            },
        )
    return _Plan(
        profile_policy=settings.customer_profile_policy_sid,
        product_policy=settings.a2p_profile_policy_sid,
        profile_end_users=_profile_end_users(brand),
        product_end_user=_A2P_PROFILE,
        product_attributes=_a2p_profile(brand),
    )


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
_SID = re.compile(r"BU[0-9a-fA-F]{32}")


@attrs.define
class Bundles:
    """The brand's Trust Hub bundles, as far as they exist; filled in as they are created.

    Its :meth:`ref` is the brand step's ``provider_ref`` until the brand registration exists,
    so that a failure after the customer profile was made (a noncompliant evaluation, a lost
    answer) leaves the step resumable from what Twilio already holds, never orphaned.
    """

    profile_sid: str | None = None
    product_sid: str | None = None

    @classmethod
    def parse(cls, ref: str) -> Bundles | None:
        """Read ``"BU…"`` or ``"BU…/BU…"``; ``None`` for any other ref (a brand's ``BN…``)."""
        sids = ref.split("/")
        if not 1 <= len(sids) <= 2 or not all(_SID.fullmatch(sid) for sid in sids):
            return None
        return cls(sids[0], sids[1] if len(sids) == 2 else None)

    def ref(self) -> str:
        """``"BU…"`` (profile only) or ``"BU…/BU…"`` (profile and trust product)."""
        return "/".join(sid for sid in (self.profile_sid, self.product_sid) if sid)


def prepare_bundles(
    client: TwilioClient,
    settings: TwilioSettings,
    brand: BrandProfile,
    bundles: Bundles,
    *,
    primary_profile_sid: str | None,
) -> tuple[RegistrationFailure, ...]:
    """Make or correct, then evaluate and submit, the customer profile and A2P trust product.

    A bundle ``bundles`` already names is corrected in place (its end users and address
    updated, what it lacks created and attached); a missing one is created, and its SID is
    put into ``bundles`` the moment Twilio answers, so a caller that sees an error knows what
    exists.

    Args:
        primary_profile_sid: The ISV's approved primary customer profile, attached to a new
            customer profile.

    Returns:
        Trust Hub's unmet requirements when it evaluates a bundle as noncompliant (nothing
        after that bundle is made); empty when both were submitted for review.
    """
    trusthub = client.trusthub.v1
    plan = _plan(settings, brand)  # checks the form first
    end_users = plan.profile_end_users
    email = settings.notification_email or brand.contact.email
    if bundles.profile_sid is None:
        # A draft left by an attempt whose answer was lost is taken over, not duplicated.
        bundles.profile_sid = _draft_profile(client, brand, plan)
    resuming = bundles.profile_sid is not None
    if bundles.profile_sid is None:
        profile = trusthub.customer_profiles.create(
            friendly_name=_friendly_name(brand, "customer profile"),
            email=email,
            policy_sid=plan.profile_policy,
        )
        bundles.profile_sid = required_text(profile, "sid")
        assignments = trusthub.customer_profiles(bundles.profile_sid)
        _fill_profile(client, brand, assignments.customer_profiles_entity_assignments, end_users)
        if primary_profile_sid is not None:
            assignments.customer_profiles_entity_assignments.create(object_sid=primary_profile_sid)
    else:
        profile_assignments = trusthub.customer_profiles(
            bundles.profile_sid
        ).customer_profiles_entity_assignments
        for end_user_type, attributes in end_users.items():
            _update_end_user(client, brand, profile_assignments, end_user_type, attributes)
        _update_address(client, brand, profile_assignments)
        if primary_profile_sid is not None and primary_profile_sid not in {
            optional_text(a.object_sid) for a in profile_assignments.list()
        }:
            profile_assignments.create(object_sid=primary_profile_sid)
    profile_context = trusthub.customer_profiles(bundles.profile_sid)
    if unmet := _submit(
        profile_context,
        profile_context.customer_profiles_evaluations,
        plan.profile_policy,
    ):
        return unmet

    if bundles.product_sid is None and resuming:
        bundles.product_sid = _made_before(client, brand, plan, bundles.profile_sid)
    if bundles.product_sid is None:
        product = trusthub.trust_products.create(
            friendly_name=_friendly_name(brand, "A2P messaging profile"),
            email=email,
            policy_sid=plan.product_policy,
        )
        bundles.product_sid = required_text(product, "sid")
        product_assignments = trusthub.trust_products(
            bundles.product_sid
        ).trust_products_entity_assignments
        a2p_profile = trusthub.end_users.create(
            friendly_name=_friendly_name(brand, "A2P profile information"),
            type=plan.product_end_user,
            attributes=plan.product_attributes,
        )
        product_assignments.create(object_sid=required_text(a2p_profile, "sid"))
        product_assignments.create(object_sid=bundles.profile_sid)
    else:
        product_assignments = trusthub.trust_products(
            bundles.product_sid
        ).trust_products_entity_assignments
        _update_end_user(
            client, brand, product_assignments, plan.product_end_user, plan.product_attributes
        )
        held = {optional_text(a.object_sid) for a in product_assignments.list()}
        if bundles.profile_sid not in held:
            product_assignments.create(object_sid=bundles.profile_sid)
    product_context = trusthub.trust_products(bundles.product_sid)
    return _submit(product_context, product_context.trust_products_evaluations, plan.product_policy)


def _draft_profile(client: TwilioClient, brand: BrandProfile, plan: _Plan) -> str | None:
    """A draft customer profile of this brand, left by an attempt whose answer was lost.

    Listed by friendly name, policy and status (ListCustomerProfile's ``FriendlyName``,
    ``PolicySid`` and ``Status`` in twilio_trusthub_v1.json): a draft was never submitted,
    so it is this brand's unfinished one.
    """
    drafts = client.trusthub.v1.customer_profiles.list(
        friendly_name=_friendly_name(brand, "customer profile"),
        policy_sid=plan.profile_policy,
        status=TrustHubStatus.DRAFT.value,
        limit=1,
    )
    return required_text(drafts[0], "sid") if drafts else None


def _made_before(
    client: TwilioClient, brand: BrandProfile, plan: _Plan, profile_sid: str
) -> str | None:
    """The trust product an earlier attempt made for this profile, if its answer was lost.

    Trust Hub lists trust products by friendly name and policy (ListTrustProduct's
    ``FriendlyName`` and ``PolicySid`` in twilio_trusthub_v1.json). Ours holds our customer
    profile, or, when the answer to its creation was lost before anything was assigned, is
    a draft holding nothing yet.
    """
    trusthub = client.trusthub.v1
    empty: str | None = None
    for product in trusthub.trust_products.list(
        friendly_name=_friendly_name(brand, "A2P messaging profile"),
        policy_sid=plan.product_policy,
    ):
        sid = required_text(product, "sid")
        assigned = trusthub.trust_products(sid).trust_products_entity_assignments.list()
        if any(optional_text(a.object_sid) == profile_sid for a in assigned):
            return sid
        if not assigned and optional_text(product.status) == TrustHubStatus.DRAFT.value:
            empty = empty or sid
    return empty


def _fill_profile(
    client: TwilioClient,
    brand: BrandProfile,
    assignments: Any,
    end_users: Mapping[str, Mapping[str, object]],
) -> None:
    """Create the new customer profile's end users and address and attach them."""
    trusthub = client.trusthub.v1
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


def _submit(bundle: Any, evaluations: Any, policy_sid: str) -> tuple[RegistrationFailure, ...]:
    """Evaluate a bundle against its policy and, when compliant, submit it for review.

    Returns:
        The unmet requirements of a noncompliant evaluation (the bundle stays a draft).
    """
    evaluation = evaluations.create(policy_sid=policy_sid)
    if optional_text(evaluation.status) != "compliant":
        return unmet_requirements(evaluation.results)
    bundle.update(status=TrustHubStatus.PENDING_REVIEW.value)
    return ()


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
        # Authentication+: TCR sends its 2FA e-mail here ("Authentication+ for Public Brand
        # A2P 10DLC Registrations", help.twilio.com article 29499398652059).
        attributes["brand_contact_email"] = brand.brand_contact_email.strip()
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


def unmet_requirements(results: object) -> tuple[RegistrationFailure, ...]:
    """An evaluation's unmet requirements, in Trust Hub's words, codes and fields.

    Each failed result's invalid fields are one failure each (``error_code`` 22215, 22217…,
    ``object_field``); a failed result without invalid fields is one failure itself (22214
    "A Business End-User is missing", 22216 "… is missing"). Shape: the ``results`` of
    Twilio's Evaluation resource (twilio_trusthub_v1.json, CustomerProfiles Evaluations
    create example).
    """
    found: list[RegistrationFailure] = []
    for result in results if isinstance(results, list) else []:
        if not isinstance(result, Mapping) or result.get("passed"):
            continue
        invalid = [
            field
            for field in (result.get("invalid") or [])
            if isinstance(field, Mapping) and field.get("failure_reason")
        ]
        found.extend(
            RegistrationFailure(
                reason=str(field["failure_reason"]),
                code=optional_text(field.get("error_code")),
                field=optional_text(field.get("object_field")),
            )
            for field in invalid
        )
        if not invalid:
            found.append(
                RegistrationFailure(
                    reason=str(result.get("failure_reason") or "Trust Hub gave no reason"),
                    code=optional_text(result.get("error_code")),
                    field=optional_text(result.get("object_type")),
                )
            )
    return tuple(dict.fromkeys(found)) or (
        RegistrationFailure(reason="Trust Hub finds the bundle noncompliant and gave no reason"),
    )
