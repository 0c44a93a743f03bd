"""10DLC registration: the exact requests the ``telnyx`` package makes, and Prism's verdict.

Fields, statuses and paths are those of Telnyx's OpenAPI description (``spec3.yml``:
``CreateBrandRequest``, ``TelnyxBrand``, ``CampaignBuilderRequest``, ``TelnyxCampaignCSP``,
``PhoneNumberCampaign``, ``/messaging_profiles``) and of the package's own types
(``telnyx/types/messaging_10dlc/``); brand identity statuses from
https://developers.telnyx.com/docs/messaging/10dlc/troubleshooting.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest
from telnyx_helpers import API_KEY, PROFILE, Handler, Recorder, account

from sms_core import (
    EntityType,
    NumberSettings,
    PhoneNumber,
    ProviderError,
    ProviderNotFoundError,
    ProviderTimeoutError,
    ProvisionedNumber,
    RegistrationStep,
    StepStatus,
    UnsupportedFeatureError,
)
from sms_core.domain import BrandVertical
from sms_core.testing.prism import prism_violations
from sms_core.testing.samples import sample_brand, sample_campaign
from sms_telnyx import TelnyxAdapter
from sms_telnyx.registration import BRAND_VERTICALS, brand_fields

MakeAdapter = Callable[[Handler], tuple[TelnyxAdapter, Recorder]]
BRAND_ID = "4b20017f-8da9-a992-a6c0-683072fb7729"
CAMPAIGN_ID = "4b300178-131c-d902-d54e-72d90ba1620j"
NUMBER_ID = "1293384261075731499"
URLS = NumberSettings(sms_url="https://sms.example/webhooks/acme/messages")
NUMBER = ProvisionedNumber(number=PhoneNumber.parse("+14152345678"), provider_ref=NUMBER_ID)


def _json(body: dict[str, Any], status: int = 200) -> Handler:
    def answer(_: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body)

    return answer


def _brand(status: str = "REGISTRATION_PENDING", identity: str | None = None, **extra: Any) -> Any:
    record: dict[str, Any] = {
        "brandId": BRAND_ID,
        "entityType": "PRIVATE_PROFIT",
        "displayName": "Northwind Staffing",
        "country": "US",
        "email": "dana.reyes@northwind-staffing.example.com",
        "vertical": "HUMAN_RESOURCES",
        "status": status,
    }
    if identity is not None:
        record["identityStatus"] = identity
    return record | extra


PUBLIC = attrs.evolve(
    sample_brand(),
    entity_type=EntityType.PUBLIC_PROFIT,
    stock_symbol="NWS",
    stock_exchange="NASDAQ",
    brand_contact_email="ir@northwind-staffing.example.com",
)


def _campaign(status: str = "TCR_PENDING", **extra: Any) -> dict[str, Any]:
    return {"campaignId": CAMPAIGN_ID, "brandId": BRAND_ID, "campaignStatus": status} | extra


class TestBrand:
    """``POST /10dlc/brand``, and ``PUT /10dlc/brand/{brandId}`` for a failed brand."""

    def test_the_request_maps_the_form_field_by_field(self, make_adapter: MakeAdapter) -> None:
        adapter, recorder = make_adapter(_json(_brand()))
        state = adapter.sms_submit_brand(account(), sample_brand(), None, None)
        request = recorder.requests[-1]
        assert (request.method, request.url.path) == ("POST", "/v2/10dlc/brand")
        assert request.headers["authorization"] == f"Bearer {API_KEY}"
        assert recorder.json() == {
            "entityType": "PRIVATE_PROFIT",
            "displayName": "Northwind Staffing",
            "companyName": "Northwind Staffing LLC",
            "ein": "12-3456789",
            "country": "US",
            "street": "100 Market Street",
            "city": "San Francisco",
            "state": "CA",
            "postalCode": "94105",
            "email": "dana.reyes@northwind-staffing.example.com",
            "firstName": "Dana",
            "lastName": "Reyes",
            "phone": "+14155550134",
            "website": "https://northwind-staffing.example.com",
            "vertical": "HUMAN_RESOURCES",
        }
        assert state is not None
        assert (state.step, state.provider_ref, state.status) == (
            RegistrationStep.BRAND,
            BRAND_ID,
            StepStatus.IN_PROGRESS,
        )
        assert state.raw_status == "REGISTRATION_PENDING"

    def test_a_public_company_names_its_stock_and_2fa_contact(
        self, make_adapter: MakeAdapter
    ) -> None:
        """Telnyx: "businessContactEmail: Required if entityType is PUBLIC_PROFIT"."""
        adapter, recorder = make_adapter(_json(_brand()))
        adapter.sms_submit_brand(account(), PUBLIC, None, None)
        sent = recorder.json()
        assert (sent["stockSymbol"], sent["stockExchange"]) == ("NWS", "NASDAQ")
        assert sent["businessContactEmail"] == "ir@northwind-staffing.example.com"
        assert "mobilePhone" not in sent

    def test_a_sole_proprietor_is_refused_before_anything_is_sent(
        self, make_adapter: MakeAdapter
    ) -> None:
        """Its PIN is verified through Telnyx's API, not by a reply.

        "User submits the OTP pin through this endpoint" (``PUT /10dlc/brand/{brandId}/smsOtp``
        in ``spec3.yml``); the SDK has no step for entering a PIN.
        """
        adapter, recorder = make_adapter(_json(_brand()))
        sole = attrs.evolve(sample_brand(), entity_type=EntityType.SOLE_PROPRIETOR)
        with pytest.raises(UnsupportedFeatureError, match="smsOtp"):
            adapter.sms_submit_brand(account(), sole, None, None)
        assert recorder.requests == []
        # The form itself maps as Telnyx wants it: no company or EIN, the mobile for the PIN.
        fields = brand_fields(sole)
        assert fields["mobile_phone"] == "+14155550134"
        assert "company_name" not in fields
        assert "ein" not in fields

    def test_a_failed_brand_is_corrected_in_place(self, make_adapter: MakeAdapter) -> None:
        """Update Brand (``PUT /10dlc/brand/{brandId}``); revetting is for verified ones."""
        adapter, recorder = make_adapter(_json(_brand("REGISTRATION_FAILED", "UNVERIFIED")))
        state = adapter.sms_submit_brand(account(), sample_brand(), BRAND_ID, None)
        request = recorder.requests[-1]
        assert (request.method, request.url.path) == ("PUT", f"/v2/10dlc/brand/{BRAND_ID}")
        assert recorder.json()["companyName"] == "Northwind Staffing LLC"
        assert len(recorder.requests) == 1
        # TCR has not judged the corrected brand yet: the old verdict is not read as final.
        assert state is not None
        assert state.status is StepStatus.IN_PROGRESS

    def test_the_verdict_is_read_by_fetching_not_from_the_submission(
        self, make_adapter: MakeAdapter
    ) -> None:
        """A submission is in progress whatever the answer still shows; fetching judges it."""
        adapter, _ = make_adapter(_json(_brand("OK", "VERIFIED")))
        state = adapter.sms_submit_brand(account(), sample_brand(), None, None)
        assert state is not None
        assert (state.status, state.raw_status) == (StepStatus.IN_PROGRESS, "OK/VERIFIED")

    def test_a_lost_answer_is_never_submitted_again(self, make_adapter: MakeAdapter) -> None:
        """A brand costs $4 ("an upfront, non-refundable $4 expense", ``brand.create``)."""

        def drop(request: httpx.Request) -> httpx.Response:
            raise httpx.ReadTimeout("lost", request=request)

        adapter, recorder = make_adapter(drop)
        with pytest.raises(ProviderTimeoutError):
            adapter.sms_submit_brand(account(), sample_brand(), None, None)
        assert len(recorder.requests) == 1

    @pytest.mark.parametrize(
        ("status", "identity", "expected"),
        [
            ("REGISTRATION_PENDING", None, StepStatus.IN_PROGRESS),
            ("OK", "VERIFIED", StepStatus.APPROVED),
            ("OK", "VETTED_VERIFIED", StepStatus.APPROVED),
            ("OK", "SELF_DECLARED", StepStatus.CONFIRMING),
        ],
    )
    def test_status_without_failure(
        self, make_adapter: MakeAdapter, status: str, identity: str | None, expected: StepStatus
    ) -> None:
        adapter, recorder = make_adapter(_json(_brand(status, identity)))
        state = adapter.sms_fetch_registration(account(), RegistrationStep.BRAND, BRAND_ID)
        assert state is not None
        assert state.status is expected
        assert [r.url.path for r in recorder.requests] == [f"/v2/10dlc/brand/{BRAND_ID}"]

    def test_a_failure_carries_tcr_feedback(self, make_adapter: MakeAdapter) -> None:
        """TCR's feedback (``GET /10dlc/brand/feedback/{brandId}``) gives the reasons.

        Categories have an ``id``, a ``description`` and the brand ``fields`` they are about
        (``BrandGetFeedbackResponse``).
        """

        def answer(request: httpx.Request) -> httpx.Response:
            if request.url.path.startswith("/v2/10dlc/brand/feedback/"):
                return httpx.Response(
                    200,
                    json={
                        "brandId": BRAND_ID,
                        "category": [
                            {
                                "id": "TAX_ID",
                                "displayName": "Tax ID",
                                "description": "The EIN does not match the legal name.",
                                "fields": ["ein", "companyName"],
                            }
                        ],
                    },
                )
            return httpx.Response(200, json=_brand("OK", "UNVERIFIED"))

        adapter, recorder = make_adapter(answer)
        state = adapter.sms_fetch_registration(account(), RegistrationStep.BRAND, BRAND_ID)
        assert state is not None
        assert state.status is StepStatus.FAILED
        assert state.raw_status == "OK/UNVERIFIED"
        (failure,) = state.failures
        assert (failure.code, failure.field, failure.final) == ("TAX_ID", "ein", False)
        assert failure.reason == "The EIN does not match the legal name."
        assert recorder.requests[-1].url.path == f"/v2/10dlc/brand/feedback/{BRAND_ID}"

    def test_a_public_company_unverified_without_feedback_awaits_its_2fa(
        self, make_adapter: MakeAdapter
    ) -> None:
        """A public company's new brand stays unverified until its contact confirms.

        "New brands that do not complete the verification will remain in an unverified
        state" (https://telnyx.com/release-notes/10dlc-api-authentication-update-for-brand-verification).
        """

        def answer(request: httpx.Request) -> httpx.Response:
            if "feedback" in request.url.path:
                return httpx.Response(200, json={"brandId": BRAND_ID, "category": []})
            return httpx.Response(200, json=_brand("OK", "UNVERIFIED", entityType="PUBLIC_PROFIT"))

        adapter, _ = make_adapter(answer)
        state = adapter.sms_fetch_registration(account(), RegistrationStep.BRAND, BRAND_ID)
        assert state is not None
        assert state.status is StepStatus.CONFIRMING

    def test_failure_reasons_without_feedback(self, make_adapter: MakeAdapter) -> None:
        def answer(request: httpx.Request) -> httpx.Response:
            if "feedback" in request.url.path:
                return httpx.Response(200, json={"brandId": BRAND_ID, "category": []})
            return httpx.Response(
                200, json=_brand("REGISTRATION_FAILED", failureReasons="Address not found")
            )

        adapter, _ = make_adapter(answer)
        state = adapter.sms_fetch_registration(account(), RegistrationStep.BRAND, BRAND_ID)
        assert state is not None
        assert state.status is StepStatus.FAILED
        assert [(f.reason, f.code) for f in state.failures] == [
            ("Address not found", "REGISTRATION_FAILED")
        ]

    def test_an_unknown_brand_is_not_found(self, make_adapter: MakeAdapter) -> None:
        adapter, _ = make_adapter(_json({"errors": [{"code": "10005", "title": "Not found"}]}, 404))
        with pytest.raises(ProviderNotFoundError):
            adapter.sms_fetch_registration(account(), RegistrationStep.BRAND, BRAND_ID)

    def test_verticals_are_tcrs_own(self, make_adapter: MakeAdapter) -> None:
        """Telnyx takes TCR's verticals as they are: every one the core names, no mapping."""
        adapter, _ = make_adapter(_json({}))
        capabilities = adapter.sms_provider_info().capabilities
        assert capabilities.brand_verticals == BRAND_VERTICALS
        assert {vertical.value for vertical in BrandVertical} == BRAND_VERTICALS


class TestResendConfirmation:
    """``POST /10dlc/brand/{brandId}/2faEmail`` ("Resend brand 2FA email", ``spec3.yml``)."""

    def test_a_public_companys_2fa_email_is_sent_again(self, make_adapter: MakeAdapter) -> None:
        def answer(request: httpx.Request) -> httpx.Response:
            if request.method == "POST":
                return httpx.Response(200)
            return httpx.Response(200, json=_brand("OK", "UNVERIFIED", entityType="PUBLIC_PROFIT"))

        adapter, recorder = make_adapter(answer)
        state = adapter.sms_resend_confirmation(account(), RegistrationStep.BRAND, BRAND_ID)
        assert [(r.method, r.url.path) for r in recorder.requests] == [
            ("GET", f"/v2/10dlc/brand/{BRAND_ID}"),
            ("POST", f"/v2/10dlc/brand/{BRAND_ID}/2faEmail"),
        ]
        assert state is not None
        assert (state.provider_ref, state.status) == (BRAND_ID, StepStatus.CONFIRMING)

    def test_a_sole_proprietors_pin_is_not_sent(self, make_adapter: MakeAdapter) -> None:
        adapter, recorder = make_adapter(
            _json(_brand("OK", "SELF_DECLARED", entityType="SOLE_PROPRIETOR"))
        )
        with pytest.raises(UnsupportedFeatureError, match="sole proprietor"):
            adapter.sms_resend_confirmation(account(), RegistrationStep.BRAND, BRAND_ID)
        assert [r.method for r in recorder.requests] == ["GET"]

    def test_other_steps_have_nothing_to_confirm(self, make_adapter: MakeAdapter) -> None:
        adapter, recorder = make_adapter(_json({}))
        step = RegistrationStep.CAMPAIGN
        assert adapter.sms_resend_confirmation(account(), step, CAMPAIGN_ID) is None
        assert recorder.requests == []


class TestCampaign:
    """``POST /10dlc/campaignBuilder`` and ``GET /10dlc/campaign/{campaignId}``."""

    def test_the_request_maps_the_form_field_by_field(self, make_adapter: MakeAdapter) -> None:
        adapter, recorder = make_adapter(_json(_campaign()))
        campaign = sample_campaign()
        state = adapter.sms_submit_campaign(account(), BRAND_ID, campaign, None, None)
        request = recorder.requests[-1]
        assert (request.method, request.url.path) == ("POST", "/v2/10dlc/campaignBuilder")
        assert recorder.json() == {
            "brandId": BRAND_ID,
            "usecase": "CUSTOMER_CARE",
            "description": campaign.description,
            "messageFlow": campaign.message_flow,
            "sample1": campaign.sample_messages[0],
            "sample2": campaign.sample_messages[1],
            "embeddedLink": False,
            "embeddedPhone": False,
            "optinKeywords": "START,YES",
            "optinMessage": campaign.opt_in_message,
            "optoutKeywords": "STOP",
            "optoutMessage": campaign.opt_out_message,
            "helpKeywords": "HELP",
            "helpMessage": campaign.help_message,
            "subscriberOptin": True,
            "subscriberOptout": True,
            "subscriberHelp": True,
            "privacyPolicyLink": "https://northwind-staffing.example.com/privacy",
            "termsAndConditionsLink": "https://northwind-staffing.example.com/terms",
            "termsAndConditions": True,
            "ageGated": False,
            "directLending": False,
        }
        assert state is not None
        assert (state.provider_ref, state.status, state.raw_status) == (
            CAMPAIGN_ID,
            StepStatus.IN_PROGRESS,
            "TCR_PENDING",
        )

    def test_a_resubmission_is_a_new_campaign(self, make_adapter: MakeAdapter) -> None:
        """Only samples can be edited after creation (the package's ``campaign_builder.submit``)."""
        adapter, recorder = make_adapter(_json(_campaign()))
        adapter.sms_submit_campaign(account(), BRAND_ID, sample_campaign(), "old-campaign", None)
        assert [(r.method, r.url.path) for r in recorder.requests] == [
            ("POST", "/v2/10dlc/campaignBuilder")
        ]

    def test_a_lost_answer_is_never_submitted_again(self, make_adapter: MakeAdapter) -> None:
        def drop(request: httpx.Request) -> httpx.Response:
            raise httpx.ReadTimeout("lost", request=request)

        adapter, recorder = make_adapter(drop)
        with pytest.raises(ProviderTimeoutError):
            adapter.sms_submit_campaign(account(), BRAND_ID, sample_campaign(), None, None)
        assert len(recorder.requests) == 1

    @pytest.mark.parametrize(
        ("status", "expected"),
        [
            ("TCR_PENDING", StepStatus.IN_PROGRESS),
            ("TCR_ACCEPTED", StepStatus.IN_PROGRESS),
            ("TELNYX_ACCEPTED", StepStatus.IN_PROGRESS),
            ("MNO_PENDING", StepStatus.IN_PROGRESS),
            ("MNO_ACCEPTED", StepStatus.IN_PROGRESS),
            ("MNO_PROVISIONED", StepStatus.APPROVED),
            ("TCR_FAILED", StepStatus.FAILED),
            ("TCR_SUSPENDED", StepStatus.FAILED),
            ("TCR_EXPIRED", StepStatus.FAILED),
            ("TELNYX_FAILED", StepStatus.FAILED),
            ("MNO_REJECTED", StepStatus.FAILED),
            ("MNO_PROVISIONING_FAILED", StepStatus.FAILED),
        ],
    )
    def test_every_documented_status_is_mapped(
        self, make_adapter: MakeAdapter, status: str, expected: StepStatus
    ) -> None:
        """Each value of the ``campaignStatus`` enum of ``TelnyxCampaignCSP``.

        Rejections may be appealed
        (https://developers.telnyx.com/api-reference/campaign/submit-campaign-appeal-for-manual-review),
        so none is final.
        """
        adapter, recorder = make_adapter(_json(_campaign(status, failureReasons="Bad samples")))
        state = adapter.sms_fetch_registration(account(), RegistrationStep.CAMPAIGN, CAMPAIGN_ID)
        assert recorder.requests[-1].url.path == f"/v2/10dlc/campaign/{CAMPAIGN_ID}"
        assert state is not None
        assert (state.status, state.raw_status) == (expected, status)
        if expected is StepStatus.FAILED:
            assert [(f.reason, f.code, f.final) for f in state.failures] == [
                ("Bad samples", status, False)
            ]
        else:
            assert state.failures == ()


class TestMessagingProfile:
    """The messaging profile, with the SDK's webhook URL, is the step that makes lines sendable."""

    def test_without_a_profile_one_is_created(self, make_adapter: MakeAdapter) -> None:
        adapter, recorder = make_adapter(_json({"data": {"id": PROFILE, "enabled": True}}))
        state = adapter.sms_submit_messaging_service(account(), CAMPAIGN_ID, URLS)
        request = recorder.requests[-1]
        assert (request.method, request.url.path) == ("POST", "/v2/messaging_profiles")
        assert recorder.json() == {
            "name": f"smsadmin {CAMPAIGN_ID}",
            "webhook_url": "https://sms.example/webhooks/acme/messages",
            "webhook_api_version": "2",
            "whitelisted_destinations": ["US"],
            "enabled": True,
        }
        assert state is not None
        assert (state.provider_ref, state.status) == (
            f"{PROFILE}:{CAMPAIGN_ID}",
            StepStatus.APPROVED,
        )

    def test_the_accounts_profile_is_updated(self, make_adapter: MakeAdapter) -> None:
        adapter, recorder = make_adapter(_json({"data": {"id": PROFILE, "enabled": True}}))
        adapter.sms_submit_messaging_service(
            account(messaging_profile_id=PROFILE), CAMPAIGN_ID, URLS
        )
        request = recorder.requests[-1]
        assert (request.method, request.url.path) == ("PATCH", f"/v2/messaging_profiles/{PROFILE}")
        assert recorder.json()["webhook_url"] == "https://sms.example/webhooks/acme/messages"

    def test_the_campaign_reports_to_the_events_url(self, make_adapter: MakeAdapter) -> None:
        """``PUT /10dlc/campaign/{campaignId}`` sets ``webhookURL`` before the profile.

        ``UpdateCampaignRequest.webhookURL`` of ``spec3.yml``; the campaign's webhook also
        carries its numbers' events
        (https://developers.telnyx.com/docs/messaging/10dlc/event-notifications).
        """
        adapter, recorder = make_adapter(_json({"data": {"id": PROFILE, "enabled": True}}))
        events = "https://sms.example/webhooks/acme/events"
        adapter.sms_submit_messaging_service(
            account(messaging_profile_id=PROFILE),
            CAMPAIGN_ID,
            attrs.evolve(URLS, events_url=events),
        )
        first = recorder.requests[0]
        assert (first.method, first.url.path) == ("PUT", f"/v2/10dlc/campaign/{CAMPAIGN_ID}")
        assert {"webhookURL": events} == recorder.json(0)
        assert ("PATCH", f"/v2/messaging_profiles/{PROFILE}") == (
            recorder.requests[-1].method,
            recorder.requests[-1].url.path,
        )

    def test_without_an_events_url_the_campaign_is_left(self, make_adapter: MakeAdapter) -> None:
        adapter, recorder = make_adapter(_json({"data": {"id": PROFILE, "enabled": True}}))
        adapter.sms_submit_messaging_service(account(), CAMPAIGN_ID, URLS)
        assert ["/v2/messaging_profiles"] == [r.url.path for r in recorder.requests]

    def test_status_is_the_profiles(self, make_adapter: MakeAdapter) -> None:
        adapter, recorder = make_adapter(_json({"data": {"id": PROFILE, "enabled": False}}))
        ref = f"{PROFILE}:{CAMPAIGN_ID}"
        state = adapter.sms_fetch_registration(account(), RegistrationStep.MESSAGING_SERVICE, ref)
        assert recorder.requests[-1].url.path == f"/v2/messaging_profiles/{PROFILE}"
        assert state is not None
        assert state.status is StepStatus.FAILED

    def test_a_malformed_ref_is_not_found_without_asking(self, make_adapter: MakeAdapter) -> None:
        adapter, recorder = make_adapter(_json({}))
        with pytest.raises(ProviderNotFoundError):
            adapter.sms_fetch_registration(account(), RegistrationStep.MESSAGING_SERVICE, PROFILE)
        assert recorder.requests == []


class TestAttach:
    """The number on the profile, then ``POST /10dlc/phone_number_campaigns``."""

    def _answer(self, assignment: Handler) -> Handler:
        def answer(request: httpx.Request) -> httpx.Response:
            if request.url.path.startswith("/v2/phone_numbers/"):
                return httpx.Response(200, json={"data": {"id": NUMBER_ID}})
            return assignment(request)

        return answer

    def test_the_requests(self, make_adapter: MakeAdapter) -> None:
        assigned = {
            "phoneNumber": "+14152345678",
            "campaignId": CAMPAIGN_ID,
            "assignmentStatus": "PENDING_ASSIGNMENT",
            "createdAt": "2026-12-06T21:00:00Z",
            "updatedAt": "2026-12-06T21:00:00Z",
        }
        adapter, recorder = make_adapter(self._answer(_json(assigned)))
        ref = f"{PROFILE}:{CAMPAIGN_ID}"
        assert adapter.sms_attach_number(account(), ref, NUMBER) is True
        profile, campaign = recorder.requests
        assert (profile.method, profile.url.path) == (
            "PATCH",
            f"/v2/phone_numbers/{NUMBER_ID}/messaging",
        )
        assert recorder.json(0) == {"messaging_profile_id": PROFILE}
        assert (campaign.method, campaign.url.path) == ("POST", "/v2/10dlc/phone_number_campaigns")
        assert recorder.json(1) == {"campaignId": CAMPAIGN_ID, "phoneNumber": "+14152345678"}

    def test_already_attached_is_success(self, make_adapter: MakeAdapter) -> None:
        def assignment(request: httpx.Request) -> httpx.Response:
            if request.method == "POST":
                return httpx.Response(400, json={"errors": [{"code": "10015", "title": "Bad"}]})
            return httpx.Response(
                200,
                json={
                    "phoneNumber": "+14152345678",
                    "campaignId": CAMPAIGN_ID,
                    "assignmentStatus": "ASSIGNED",
                    "createdAt": "2026-12-06T21:00:00Z",
                    "updatedAt": "2026-12-06T21:00:00Z",
                },
            )

        adapter, recorder = make_adapter(self._answer(assignment))
        assert adapter.sms_attach_number(account(), f"{PROFILE}:{CAMPAIGN_ID}", NUMBER) is True
        assert recorder.requests[-1].url.path == "/v2/10dlc/phone_number_campaigns/+14152345678"

    def test_attached_elsewhere_is_refused(self, make_adapter: MakeAdapter) -> None:
        def assignment(request: httpx.Request) -> httpx.Response:
            if request.method == "POST":
                return httpx.Response(400, json={"errors": [{"code": "10015", "title": "Bad"}]})
            return httpx.Response(
                200,
                json={
                    "phoneNumber": "+14152345678",
                    "campaignId": "another",
                    "createdAt": "2026-12-06T21:00:00Z",
                    "updatedAt": "2026-12-06T21:00:00Z",
                },
            )

        adapter, _ = make_adapter(self._answer(assignment))
        with pytest.raises(ProviderError):
            adapter.sms_attach_number(account(), f"{PROFILE}:{CAMPAIGN_ID}", NUMBER)

    def test_a_failed_assignment_is_refused_with_its_reason(
        self, make_adapter: MakeAdapter
    ) -> None:
        """A FAILED_ASSIGNMENT answer is refused, naming Telnyx's ``failureReasons``.

        "Relevant only if the assignmentStatus is either FAILED_ASSIGNMENT or
        FAILED_UNASSIGNMENT" (``PhoneNumberCampaign``).
        """
        failed = {
            "phoneNumber": "+14152345678",
            "campaignId": CAMPAIGN_ID,
            "assignmentStatus": "FAILED_ASSIGNMENT",
            "failureReasons": "Number is not 10DLC capable",
            "createdAt": "2026-12-06T21:00:00Z",
            "updatedAt": "2026-12-06T21:00:00Z",
        }
        adapter, _ = make_adapter(self._answer(_json(failed)))
        with pytest.raises(ProviderError, match="not 10DLC capable") as raised:
            adapter.sms_attach_number(account(), f"{PROFILE}:{CAMPAIGN_ID}", NUMBER)
        assert raised.value.code == "FAILED_ASSIGNMENT"


# -- Prism -----------------------------------------------------------------------------------


@pytest.fixture
def prism_adapter(telnyx_api_url: str) -> Iterator[tuple[TelnyxAdapter, list[str]]]:
    """An adapter sending to Prism; every violation Prism reports is collected."""
    violations: list[str] = []

    def check(response: httpx.Response) -> None:
        response.read()
        request = response.request
        violations.extend(
            f"{request.method} {request.url.path}: {v}" for v in prism_violations(response)
        )

    http = httpx.Client(event_hooks={"response": [check]}, timeout=20)
    adapter = TelnyxAdapter(http=http, base_url=telnyx_api_url, environ={"TELNYX_API_KEY": API_KEY})
    yield adapter, violations
    adapter.close()
    http.close()


def test_every_registration_request_passes_prism(
    prism_adapter: tuple[TelnyxAdapter, list[str]],
) -> None:
    """Each request the package makes for the registration hooks passes Prism.

    Prism serves the trimmed copy of Telnyx's OpenAPI description.
    """
    adapter, violations = prism_adapter
    for brand in (sample_brand(), PUBLIC):
        adapter.sms_submit_brand(account(), brand, None, None)
    adapter.sms_resend_confirmation(account(), RegistrationStep.BRAND, BRAND_ID)
    adapter.sms_submit_brand(account(), sample_brand(), BRAND_ID, None)
    adapter.sms_submit_campaign(account(), BRAND_ID, sample_campaign(), None, None)
    adapter.sms_submit_messaging_service(account(), CAMPAIGN_ID, URLS)
    adapter.sms_submit_messaging_service(account(messaging_profile_id=PROFILE), CAMPAIGN_ID, URLS)
    with_events = attrs.evolve(URLS, events_url="https://sms.example/webhooks/acme/events")
    adapter.sms_submit_messaging_service(account(), CAMPAIGN_ID, with_events)
    for step, ref in (
        (RegistrationStep.BRAND, BRAND_ID),
        (RegistrationStep.CAMPAIGN, CAMPAIGN_ID),
        (RegistrationStep.MESSAGING_SERVICE, f"{PROFILE}:{CAMPAIGN_ID}"),
    ):
        adapter.sms_fetch_registration(account(), step, ref)
    # Prism answers with the description's example assignment, which is FAILED_ASSIGNMENT: the
    # refusal is the example's; only the requests are judged here.
    with pytest.raises(ProviderError, match="FAILED_ASSIGNMENT"):
        adapter.sms_attach_number(account(), f"{PROFILE}:{CAMPAIGN_ID}", NUMBER)
    # What attaching asks when the assignment is refused (is the number already assigned?).
    assignments = adapter.client_for(account()).messaging_10dlc.phone_number_campaigns
    assignments.retrieve(NUMBER.number.e164)
    assert violations == []


# -- through the core ------------------------------------------------------------------------


class _Telnyx10dlc:
    """Just enough of Telnyx's 10DLC API for the core's registration to run through it."""

    def __init__(self) -> None:
        self.reviewed = False
        self.calls: list[tuple[str, str]] = []
        self.campaign_webhook: str | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:  # noqa: PLR0911 - one return per route
        path = request.url.path.removeprefix("/v2")
        self.calls.append((request.method, path))
        if (request.method, path) == ("POST", "/10dlc/brand"):
            return httpx.Response(200, json=_brand())
        if (request.method, path) == ("GET", f"/10dlc/brand/{BRAND_ID}"):
            return httpx.Response(200, json=_brand(*(("OK", "VERIFIED") if self.reviewed else ())))
        if (request.method, path) == ("POST", "/10dlc/campaignBuilder"):
            return httpx.Response(200, json=_campaign())
        if (request.method, path) == ("GET", f"/10dlc/campaign/{CAMPAIGN_ID}"):
            return httpx.Response(200, json=_campaign("MNO_PROVISIONED"))
        if (request.method, path) == ("PUT", f"/10dlc/campaign/{CAMPAIGN_ID}"):
            self.campaign_webhook = json.loads(request.content)["webhookURL"]
            return httpx.Response(200, json=_campaign("MNO_PROVISIONED"))
        if path in {"/messaging_profiles", f"/messaging_profiles/{PROFILE}"}:
            return httpx.Response(200, json={"data": {"id": PROFILE, "enabled": True}})
        return httpx.Response(404, json={"errors": [{"code": "10005", "title": "Not found"}]})


def test_the_core_registers_an_account_through_telnyx(tmp_path: Path) -> None:
    """``register`` then ``sync``: brand, campaign and messaging profile, to send-ready."""
    from sms_core import SmsAdmin  # noqa: PLC0415 - only this test needs the whole SDK

    telnyx_api = _Telnyx10dlc()
    http = httpx.Client(transport=httpx.MockTransport(telnyx_api))
    adapter = TelnyxAdapter(
        http=http, base_url="http://127.0.0.1:9/v2", environ={"TELNYX_API_KEY": API_KEY}
    )
    database = f"sqlite:///{tmp_path / 'sms.sqlite3'}"
    hooks_at = "https://sms.example/webhooks"
    with SmsAdmin.open(
        database_url=database, plugins=[adapter], webhook_base_url=hooks_at
    ) as admin:
        northwind = admin.create_account("northwind", name="Northwind", provider="telnyx")
        northwind.users.upsert(
            "dana", first_name="Dana", last_name="Reyes", permissions=["sms.admin"]
        )
        northwind.registration.register("dana", sample_brand(), sample_campaign())
        assert StepStatus.IN_PROGRESS == northwind.registration.sync().status.overall
        telnyx_api.reviewed = True
        for _ in range(3):
            status = northwind.registration.sync().status
        assert StepStatus.APPROVED == status.overall
        assert f"{PROFILE}:{CAMPAIGN_ID}" == status.messaging_service.provider_ref
    http.close()
    assert ("POST", "/10dlc/brand") in telnyx_api.calls
    assert ("POST", "/10dlc/campaignBuilder") in telnyx_api.calls
    assert ("POST", "/messaging_profiles") in telnyx_api.calls
    # The campaign's 10DLC webhooks (and its numbers') go to the account's events URL.
    assert f"{hooks_at}/northwind/events" == telnyx_api.campaign_webhook
