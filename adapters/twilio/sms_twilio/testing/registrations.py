"""The Twilio stand-in's Messaging Services, brands and campaigns.

A brand or campaign is under review until a test ends the review
(:meth:`RegistrationsMemory.complete_review`), which approves it or fails it as arranged with
:meth:`RegistrationsMemory.fail_next`. A number texts as a registered sender once it is in the
pool of a service whose campaign is ``VERIFIED``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sms_twilio.testing.bundles import BundlesMemory
from sms_twilio.testing.memory import Failure, Resource, TwilioError, new_sid, not_found
from sms_twilio.testing.shapes import (
    campaign_fields,
    dated_iso,
    first,
    iso,
    service,
    service_settings,
)

__all__ = ["MESSAGING", "RegistrationsMemory"]

#: Messaging's base URL, as its resources name themselves.
MESSAGING = "https://messaging.twilio.com/v1"


class RegistrationsMemory(BundlesMemory):
    """Messaging Services with their sender pools, brands and campaigns."""

    def create_service(self, account_sid: str, form: Mapping[str, list[str]]) -> dict[str, Any]:
        """``Services`` create."""
        with self._lock:
            sid = new_sid("MG")
            fields: dict[str, Any] = {
                "friendly_name": first(form, "FriendlyName"),
                "_numbers": set(),
            }
            fields.update(service_settings(form))
            fields["url"] = f"{MESSAGING}/Services/{sid}"
            return service(dated_iso(self._add(account_sid, sid, fields), self._resources[sid]))

    def service(self, account_sid: str, sid: str, path: str) -> dict[str, Any]:
        """``Services/{sid}`` fetch."""
        with self._lock:
            resource = self._get(account_sid, sid, path)
            return service(dated_iso(resource.fields, resource))

    def update_service(
        self, account_sid: str, sid: str, form: Mapping[str, list[str]], path: str
    ) -> dict[str, Any]:
        """``Services/{sid}`` update."""
        with self._lock:
            resource = self._get(account_sid, sid, path)
            resource.fields.update(service_settings(form))
            if (name := first(form, "FriendlyName")) is not None:
                resource.fields["friendly_name"] = name
            return service(dated_iso(resource.fields, resource))

    def delete_service(self, account_sid: str, sid: str, path: str) -> None:
        """``Services/{sid}`` delete."""
        with self._lock:
            self._get(account_sid, sid, path)
            del self._resources[sid]

    def add_to_pool(
        self, account_sid: str, service_sid: str, number_sid: str, path: str
    ) -> dict[str, Any]:
        """``Services/{sid}/PhoneNumbers`` create (21710 when already in this pool)."""
        with self._lock:
            service = self._get(account_sid, service_sid, path)
            number = self._get(account_sid, number_sid, path)
            if number_sid in service.fields["_numbers"]:
                raise TwilioError(409, 21710, "Phone Number is already in the Messaging Service")
            if (other := self._service_of(account_sid, number_sid)) is not None:
                raise TwilioError(
                    409, 21712, f"Phone Number is already in Messaging Service {other}"
                )
            service.fields["_numbers"].add(number_sid)
            return self._pool_entry(account_sid, service_sid, number)

    def pool_number(
        self, account_sid: str, service_sid: str, number_sid: str, path: str
    ) -> dict[str, Any]:
        """``Services/{sid}/PhoneNumbers/{sid}`` fetch."""
        with self._lock:
            service = self._get(account_sid, service_sid, path)
            if number_sid not in service.fields["_numbers"]:
                raise not_found(path)
            return self._pool_entry(account_sid, service_sid, self._resources[number_sid])

    def _pool_entry(self, account_sid: str, service_sid: str, number: Resource) -> dict[str, Any]:
        sid = number.fields["sid"]
        return {
            "sid": sid,
            "account_sid": account_sid,
            "service_sid": service_sid,
            "phone_number": number.fields["phone_number"],
            "country_code": "US",
            "capabilities": ["SMS", "Voice", "MMS"],
            "date_created": iso(number.created),
            "date_updated": iso(number.created),
            "url": f"{MESSAGING}/Services/{service_sid}/PhoneNumbers/{sid}",
        }

    def _service_of(self, account_sid: str, number_sid: str) -> str | None:
        for pool in self._of_kind(account_sid, "MG"):
            if number_sid in pool.fields["_numbers"]:
                return str(pool.fields["sid"])
        return None

    def _verified(self, account_sid: str, service_sid: str) -> bool:
        return any(
            campaign.fields["messaging_service_sid"] == service_sid
            and campaign.fields["campaign_status"] == "VERIFIED"
            for campaign in self._of_kind(account_sid, "QE")
        )

    def fail_next(self, account_sid: str, step: str, failure: Failure) -> None:
        """The account's next submission of ``step`` (``"brand"``/``"campaign"``) will fail."""
        with self._lock:
            self._armed[(account_sid, step)] = failure

    def create_brand(self, account_sid: str, form: Mapping[str, list[str]]) -> dict[str, Any]:
        """``a2p/BrandRegistrations`` create: pending until reviewed."""
        with self._lock:
            bundles = [
                first(form, "CustomerProfileBundleSid"),
                first(form, "A2PProfileBundleSid"),
            ]
            for bundle in bundles:
                self._get(account_sid, str(bundle), f"/v1/TrustHub/{bundle}")
            sid = new_sid("BN")
            fields: dict[str, Any] = {
                "customer_profile_bundle_sid": bundles[0],
                "a2p_profile_bundle_sid": bundles[1],
                "brand_type": first(form, "BrandType") or "STANDARD",
                "status": "PENDING",
                "tcr_id": None,
                "failure_reason": None,
                "errors": [],
                "brand_score": None,
                "brand_feedback": None,
                "identity_status": None,
                "mock": (first(form, "Mock") or "false") == "true",
                "skip_automatic_sec_vet": (first(form, "SkipAutomaticSecVet") or "false") == "true",
                "url": f"{MESSAGING}/a2p/BrandRegistrations/{sid}",
                "links": {},
            }
            self._review_outcome[sid] = self._armed.pop((account_sid, "brand"), None)
            return dated_iso(self._add(account_sid, sid, fields), self._resources[sid])

    def brands(self, account_sid: str) -> list[dict[str, Any]]:
        """``a2p/BrandRegistrations`` list, oldest first."""
        with self._lock:
            return [dated_iso(r.fields, r) for r in self._of_kind(account_sid, "BN")]

    def brand(self, account_sid: str, sid: str, path: str) -> dict[str, Any]:
        """``a2p/BrandRegistrations/{sid}`` fetch."""
        with self._lock:
            resource = self._get(account_sid, sid, path)
            return dated_iso(resource.fields, resource)

    def resubmit_brand(self, account_sid: str, sid: str, path: str) -> dict[str, Any]:
        """``a2p/BrandRegistrations/{sid}`` update: a failed brand goes back to review."""
        with self._lock:
            resource = self._get(account_sid, sid, path)
            resource.fields.update(status="PENDING", errors=[], failure_reason=None)
            self._review_outcome[sid] = self._armed.pop((account_sid, "brand"), None)
            return dated_iso(resource.fields, resource)

    def _confirms(self, account_sid: str, brand: Resource) -> bool:
        if brand.fields["brand_type"] == "SOLE_PROPRIETOR":
            return True
        product = self._resources.get(str(brand.fields["a2p_profile_bundle_sid"]))
        for _, object_sid in product.fields["_assigned"] if product else ():
            attributes = self._resources[object_sid].fields.get("attributes") or {}
            if attributes.get("company_type") == "public":
                return True
        return False

    def confirm(self, account_sid: str, sid: str) -> None:
        """The brand's person confirms (follows the 2FA link, replies YES to the OTP text)."""
        with self._lock:
            resource = self._get(account_sid, sid, sid)
            resource.fields.update(identity_status="VERIFIED", _updated=datetime.now(UTC))

    def resend_confirmation(
        self, account_sid: str, sid: str, channel: str, path: str
    ) -> dict[str, Any]:
        """``…/SmsOtp`` or ``…/2fa`` create: a new OTP text or 2FA e-mail is on its way.

        A brand that failed for want of the confirmation waits for it again.
        """
        with self._lock:
            resource = self._get(account_sid, sid, path)
            resource.fields.setdefault("_resent", []).append(channel)
            if resource.fields["status"] == "FAILED":
                resource.fields.update(status="APPROVED", errors=[], failure_reason=None)
            resource.fields.update(identity_status="UNVERIFIED", _updated=datetime.now(UTC))
            return {"account_sid": account_sid, "brand_registration_sid": sid}

    def resent(self, account_sid: str, sid: str) -> list[str]:
        """The confirmations sent again for a brand (``"otp"``, ``"2fa"``), in order."""
        with self._lock:
            return list(self._get(account_sid, sid, sid).fields.get("_resent", []))

    def create_campaign(
        self, account_sid: str, service_sid: str, form: Mapping[str, list[str]], path: str
    ) -> dict[str, Any]:
        """``Services/{sid}/Compliance/Usa2p`` create: pending until reviewed."""
        with self._lock:
            self._get(account_sid, service_sid, path)
            brand_sid = str(first(form, "BrandRegistrationSid"))
            self._get(account_sid, brand_sid, path)
            sid = new_sid("QE")
            fields: dict[str, Any] = {
                "brand_registration_sid": brand_sid,
                "messaging_service_sid": service_sid,
                "campaign_status": "PENDING",
                "campaign_id": None,
                "is_externally_registered": False,
                "rate_limits": {},
                "mock": False,
                "errors": [],
                "url": f"{MESSAGING}/Services/{service_sid}/Compliance/Usa2p/{sid}",
            }
            fields.update(campaign_fields(form))
            self._review_outcome[sid] = self._armed.pop((account_sid, "campaign"), None)
            return dated_iso(self._add(account_sid, sid, fields), self._resources[sid])

    def campaign(self, account_sid: str, service_sid: str, sid: str, path: str) -> dict[str, Any]:
        """``Services/{sid}/Compliance/Usa2p/{sid}`` fetch."""
        with self._lock:
            resource = self._get(account_sid, sid, path)
            if resource.fields["messaging_service_sid"] != service_sid:
                raise not_found(path)
            return dated_iso(resource.fields, resource)

    def campaigns(self, account_sid: str, service_sid: str, path: str) -> list[dict[str, Any]]:
        """``Services/{sid}/Compliance/Usa2p`` list."""
        with self._lock:
            self._get(account_sid, service_sid, path)
            return [
                dated_iso(resource.fields, resource)
                for resource in self._of_kind(account_sid, "QE")
                if resource.fields["messaging_service_sid"] == service_sid
            ]

    def update_campaign(
        self,
        account_sid: str,
        service_sid: str,
        sid: str,
        form: Mapping[str, list[str]],
        path: str,
    ) -> dict[str, Any]:
        """``Services/{sid}/Compliance/Usa2p/{sid}`` update: the campaign is reviewed again."""
        with self._lock:
            self.campaign(account_sid, service_sid, sid, path)
            resource = self._resources[sid]
            resource.fields.update(campaign_fields(form))
            resource.fields.update(campaign_status="PENDING", errors=[])
            self._review_outcome[sid] = self._armed.pop((account_sid, "campaign"), None)
            return dated_iso(resource.fields, resource)

    def delete_campaign(self, account_sid: str, service_sid: str, sid: str, path: str) -> None:
        """``Services/{sid}/Compliance/Usa2p/{sid}`` delete."""
        with self._lock:
            self.campaign(account_sid, service_sid, sid, path)
            del self._resources[sid]

    def complete_review(self, account_sid: str, sid: str) -> None:
        """Finish the review of a brand (``BN…``) or campaign (``QE…``) as arranged."""
        with self._lock:
            resource = self._get(account_sid, sid, sid)
            failure = self._review_outcome.pop(sid, None)
            errors = (
                [{"code": int(failure.code), "description": failure.reason, "fields": []}]
                if failure
                else []
            )
            key = "status" if sid.startswith("BN") else "campaign_status"
            approved = "APPROVED" if sid.startswith("BN") else "VERIFIED"
            resource.fields.update(errors=errors)
            resource.fields[key] = "FAILED" if failure else approved
            if sid.startswith("BN"):
                resource.fields["failure_reason"] = failure.reason if failure else None
                resource.fields["tcr_id"] = resource.fields["tcr_id"] or f"B{sid[2:8].upper()}"
                if not failure:
                    # A sole proprietor's or public company's brand stays UNVERIFIED until its
                    # person confirms (OTP text, Authentication+ e-mail): see confirm().
                    waits = self._confirms(account_sid, resource)
                    resource.fields["identity_status"] = "UNVERIFIED" if waits else "VERIFIED"
            else:
                resource.fields["campaign_id"] = (
                    resource.fields["campaign_id"] or f"C{sid[2:8].upper()}"
                )
            resource.fields["_updated"] = datetime.now(UTC)
