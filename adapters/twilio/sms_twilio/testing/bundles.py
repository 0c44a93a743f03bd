"""The Twilio stand-in's Trust Hub: customer profiles, trust products, end users, documents.

Bundles start as drafts. An evaluation reads what is assigned, as Trust Hub does: a customer
profile needs its business information (with a name, a registration number and one of
Twilio's industries and business types), an authorized representative with a first and last
name, and an address document; a trust product needs its A2P profile information (one of
Twilio's company types) and a customer profile. What is missing or invalid comes back in
Trust Hub's ``results`` shape and codes (22214 an end user missing, 22215 a field missing or
invalid, 22216 a document missing), as in the Evaluation example of twilio-oai's
``twilio_trusthub_v1.json``. Every ISV's account has an approved primary customer profile
(:meth:`BundlesMemory.primary_profile`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sms_twilio import industries
from sms_twilio.testing.memory import Memory, Resource, new_sid, not_found
from sms_twilio.testing.shapes import dated_iso, first, iso, public, snake
from sms_twilio.trusthub import SOLE_PROPRIETOR_PRODUCT_POLICY, SOLE_PROPRIETOR_PROFILE_POLICY

__all__ = ["TRUSTHUB", "BundlesMemory"]

#: Trust Hub's base URL, as its resources name themselves.
TRUSTHUB = "https://trusthub.twilio.com/v1"


class BundlesMemory(Memory):
    """Trust Hub's resources."""

    def primary_profile(self, account_sid: str) -> str:
        """The account's approved primary customer profile (made on first use)."""
        with self._lock:
            if account_sid not in self._primary:
                sid = new_sid("BU")
                self._add(
                    account_sid,
                    sid,
                    {
                        "friendly_name": "Primary customer profile",
                        "status": "twilio-approved",
                        "email": "isv@example.com",
                        "policy_sid": "RN" + "0" * 32,
                        "_kind": "CustomerProfiles",
                        "_assigned": [],
                        "url": f"{TRUSTHUB}/CustomerProfiles/{sid}",
                    },
                )
                self._primary[account_sid] = sid
            return self._primary[account_sid]

    def create_bundle(
        self, account_sid: str, kind: str, form: Mapping[str, list[str]]
    ) -> dict[str, Any]:
        """``CustomerProfiles`` or ``TrustProducts`` create, as a draft."""
        with self._lock:
            sid = new_sid("BU")
            fields: dict[str, Any] = {
                "friendly_name": first(form, "FriendlyName"),
                "email": first(form, "Email"),
                "policy_sid": first(form, "PolicySid"),
                "status_callback": first(form, "StatusCallback"),
                "status": "draft",
                "valid_until": None,
                "errors": None,
                "_kind": kind,
                "_assigned": [],
                "url": f"{TRUSTHUB}/{kind}/{sid}",
                "links": {},
            }
            return public(dated_iso(self._add(account_sid, sid, fields), self._resources[sid]))

    def bundles(
        self,
        account_sid: str,
        kind: str,
        friendly_name: str | None,
        policy_sid: str | None,
        status: str | None = None,
    ) -> list[dict[str, Any]]:
        """``CustomerProfiles`` or ``TrustProducts`` list, by friendly name, policy, status."""
        with self._lock:
            return [
                public(dated_iso(resource.fields, resource))
                for sid, resource in self._resources.items()
                if resource.account_sid == account_sid
                and resource.fields.get("_kind") == kind
                and friendly_name in (None, resource.fields.get("friendly_name"))
                and policy_sid in (None, resource.fields.get("policy_sid"))
                and status in (None, resource.fields.get("status"))
            ]

    def bundle(self, account_sid: str, kind: str, sid: str, path: str) -> dict[str, Any]:
        """``CustomerProfiles/{sid}`` or ``TrustProducts/{sid}`` fetch."""
        with self._lock:
            resource = self._bundle(account_sid, kind, sid, path)
            return public(dated_iso(resource.fields, resource))

    def update_bundle(
        self, account_sid: str, kind: str, sid: str, form: Mapping[str, list[str]], path: str
    ) -> dict[str, Any]:
        """Bundle update: a status, name, email or callback."""
        with self._lock:
            resource = self._bundle(account_sid, kind, sid, path)
            for name in ("Status", "FriendlyName", "Email", "StatusCallback"):
                if (value := first(form, name)) is not None:
                    resource.fields[snake(name)] = value
            return public(dated_iso(resource.fields, resource))

    def assign(
        self, account_sid: str, kind: str, sid: str, object_sid: str, path: str
    ) -> dict[str, Any]:
        """``{bundle}/EntityAssignments`` create: an end user, document or bundle joins it."""
        with self._lock:
            bundle = self._bundle(account_sid, kind, sid, path)
            self._get(account_sid, object_sid, path)
            assignment = new_sid("BV")
            bundle.fields["_assigned"].append((assignment, object_sid))
            return self._assignment(bundle, assignment, object_sid)

    def assignments(
        self, account_sid: str, kind: str, sid: str, object_type: str | None, path: str
    ) -> list[dict[str, Any]]:
        """``{bundle}/EntityAssignments`` list, filtered by the object's type."""
        with self._lock:
            bundle = self._bundle(account_sid, kind, sid, path)
            return [
                self._assignment(bundle, assignment, object_sid)
                for assignment, object_sid in bundle.fields["_assigned"]
                if object_type is None
                or self._resources[object_sid].fields.get("type") == object_type
            ]

    def evaluate(self, account_sid: str, kind: str, sid: str, path: str) -> dict[str, Any]:
        """``{bundle}/Evaluations`` create: the bundle's requirements, read from what it holds."""
        with self._lock:
            bundle = self._bundle(account_sid, kind, sid, path)
            assigned = [self._resources[object_sid] for _, object_sid in bundle.fields["_assigned"]]
            requirements = _REQUIREMENTS.get(
                str(bundle.fields["policy_sid"]),
                _PROFILE if kind == "CustomerProfiles" else _PRODUCT,
            )
            results = [_requirement(requirement, assigned) for requirement in requirements]
            compliant = all(result["passed"] for result in results)
            owner = "customer_profile_sid" if kind == "CustomerProfiles" else "trust_product_sid"
            evaluation = new_sid("EL")
            return {
                "sid": evaluation,
                "account_sid": account_sid,
                "policy_sid": bundle.fields["policy_sid"],
                owner: sid,
                "status": "compliant" if compliant else "noncompliant",
                "results": results,
                "date_created": iso(datetime.now(UTC)),
                "url": f"{TRUSTHUB}/{kind}/{sid}/Evaluations/{evaluation}",
            }

    def create_entity(
        self, account_sid: str, kind: str, form: Mapping[str, list[str]]
    ) -> dict[str, Any]:
        """``EndUsers`` (``IT…``) or ``SupportingDocuments`` (``RD…``) create."""
        with self._lock:
            sid = new_sid("IT" if kind == "EndUsers" else "RD")
            attributes = first(form, "Attributes")
            fields = {
                "friendly_name": first(form, "FriendlyName"),
                "type": first(form, "Type"),
                "attributes": json.loads(attributes) if attributes else {},
                "url": f"{TRUSTHUB}/{kind}/{sid}",
            }
            if kind == "SupportingDocuments":
                fields.update(status="DRAFT", mime_type=None, failure_reason=None, errors=None)
            return dated_iso(self._add(account_sid, sid, fields), self._resources[sid])

    def entity(self, account_sid: str, sid: str, path: str) -> dict[str, Any]:
        """``EndUsers/{sid}`` or ``SupportingDocuments/{sid}`` fetch."""
        with self._lock:
            resource = self._get(account_sid, sid, path)
            return dated_iso(resource.fields, resource)

    def update_entity(
        self, account_sid: str, sid: str, form: Mapping[str, list[str]], path: str
    ) -> dict[str, Any]:
        """``EndUsers/{sid}`` or ``SupportingDocuments/{sid}`` update."""
        with self._lock:
            resource = self._get(account_sid, sid, path)
            if (attributes := first(form, "Attributes")) is not None:
                resource.fields["attributes"] = json.loads(attributes)
            if (name := first(form, "FriendlyName")) is not None:
                resource.fields["friendly_name"] = name
            return dated_iso(resource.fields, resource)

    def _bundle(self, account_sid: str, kind: str, sid: str, path: str) -> Resource:
        resource = self._get(account_sid, sid, path)
        if resource.fields.get("_kind") != kind:
            raise not_found(path)
        return resource

    @staticmethod
    def _assignment(bundle: Resource, assignment: str, object_sid: str) -> dict[str, Any]:
        kind, sid = bundle.fields["_kind"], bundle.fields["sid"]
        owner = "customer_profile_sid" if kind == "CustomerProfiles" else "trust_product_sid"
        return {
            "sid": assignment,
            owner: sid,
            "account_sid": bundle.account_sid,
            "object_sid": object_sid,
            "date_created": iso(bundle.created),
            "url": f"{TRUSTHUB}/{kind}/{sid}/EntityAssignments/{assignment}",
        }


# -- evaluation ---------------------------------------------------------------------------------

# Twilio's allowed values: sms_twilio.industries, which the tests hold against Twilio's docs.
_INDUSTRIES = industries.INDUSTRIES
_BUSINESS_TYPES = industries.BUSINESS_TYPES
_COMPANY_TYPES = industries.COMPANY_TYPES

#: One requirement: (requirement_name, friendly name, object type, the attributes it needs as
#: (field, friendly name, allowed values or None for "not empty")).
_Requirement = tuple[str, str, str, tuple[tuple[str, str, frozenset[str] | None], ...]]

_PROFILE: tuple[_Requirement, ...] = (
    (
        "business_info",
        "Business",
        "customer_profile_business_information",
        (
            ("business_name", "Business Name", None),
            ("business_registration_number", "Business Registration Number", None),
            ("business_industry", "Business Industry", _INDUSTRIES),
            ("business_type", "Business Type", _BUSINESS_TYPES),
        ),
    ),
    (
        "authorized_representative_1_info",
        "Authorized Representative 1",
        "authorized_representative_1",
        (("first_name", "First Name", None), ("last_name", "Last Name", None)),
    ),
    ("business_address_info", "Business Address", "customer_profile_address", ()),
)
_PRODUCT: tuple[_Requirement, ...] = (
    (
        "us_a2p_messaging_profile_info",
        "US A2P Messaging Profile Information",
        "us_a2p_messaging_profile_information",
        (("company_type", "Company Type", _COMPANY_TYPES),),
    ),
)


# A sole proprietor's bundles (Twilio's sole-proprietor ISV walkthrough): the starter profile
# holds the owner's contact details, the trust product the brand name and OTP mobile.
_STARTER_PROFILE: tuple[_Requirement, ...] = (
    (
        "starter_customer_profile_info",
        "Starter Customer Profile Information",
        "starter_customer_profile_information",
        (
            ("first_name", "First Name", None),
            ("last_name", "Last Name", None),
            ("email", "Email", None),
            ("phone_number", "Phone Number", None),
        ),
    ),
    ("business_address_info", "Business Address", "customer_profile_address", ()),
)
_SOLE_PROPRIETOR_PRODUCT: tuple[_Requirement, ...] = (
    (
        "sole_proprietor_info",
        "Sole Proprietor Information",
        "sole_proprietor_information",
        (
            ("brand_name", "Brand Name", None),
            ("mobile_phone_number", "Mobile Phone Number", None),
        ),
    ),
)
_REQUIREMENTS = {
    SOLE_PROPRIETOR_PROFILE_POLICY: _STARTER_PROFILE,
    SOLE_PROPRIETOR_PRODUCT_POLICY: _SOLE_PROPRIETOR_PRODUCT,
}


def _requirement(requirement: _Requirement, assigned: list[Resource]) -> dict[str, Any]:
    """One ``results`` entry of an evaluation, in Trust Hub's shape."""
    name, friendly_name, object_type, fields = requirement
    found = next((r for r in assigned if r.fields.get("type") == object_type), None)
    result: dict[str, Any] = {
        "friendly_name": friendly_name,
        "object_type": object_type,
        "passed": found is not None,
        "failure_reason": None,
        "error_code": None,
        "valid": [],
        "invalid": [],
        "requirement_friendly_name": friendly_name,
        "requirement_name": name,
    }
    if found is None:
        document = object_type.endswith("address")
        what = "document" if document else "End-User"
        result.update(
            failure_reason=f"A {friendly_name} {what} is missing. Please add one to the "
            "regulatory bundle.",
            error_code=22216 if document else 22214,
        )
        return result
    attributes = found.fields.get("attributes") or {}
    if attributes.get("company_type") == "public":
        # Authentication+: a public company's profile names the brand contact for the 2FA.
        fields = (*fields, ("brand_contact_email", "Brand Contact Email", None))
    for field, label, allowed in fields:
        value = str(attributes.get(field) or "").strip()
        entry = {"friendly_name": label, "object_field": field}
        if not value:
            reason = f"The {label} is missing. Please enter in a {label} on the {friendly_name}."
        elif allowed is not None and value not in allowed:
            reason = f"The {label} {value!r} is not one of the allowed values."
        else:
            result["valid"].append({**entry, "failure_reason": None, "error_code": None})
            continue
        result["invalid"].append({**entry, "failure_reason": reason, "error_code": 22215})
    if result["invalid"]:
        result.update(
            passed=False,
            failure_reason=f"The {friendly_name} is incomplete or invalid.",
            error_code=22215,
        )
    return result
