"""The Twilio stand-in's Trust Hub: customer profiles, trust products, end users, documents.

Bundles start as drafts; an evaluation is compliant once anything is assigned. Every ISV's
account has an approved primary customer profile (:meth:`BundlesMemory.primary_profile`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sms_twilio.testing.memory import Memory, Resource, new_sid, not_found
from sms_twilio.testing.shapes import dated_iso, first, iso, public, snake

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
        """``{bundle}/Evaluations`` create: compliant when anything is assigned."""
        with self._lock:
            bundle = self._bundle(account_sid, kind, sid, path)
            compliant = bool(bundle.fields["_assigned"])
            owner = "customer_profile_sid" if kind == "CustomerProfiles" else "trust_product_sid"
            evaluation = new_sid("EL")
            return {
                "sid": evaluation,
                "account_sid": account_sid,
                "policy_sid": bundle.fields["policy_sid"],
                owner: sid,
                "status": "compliant" if compliant else "noncompliant",
                "results": [],
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
