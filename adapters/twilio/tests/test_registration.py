import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import attrs
import httpx
import pytest

from sms_core import (
    Account,
    AuditAction,
    BrandProfile,
    CampaignUseCase,
    ConfigurationError,
    ConfirmationChannel,
    EntityType,
    InvalidInputError,
    ManualClock,
    NothingToConfirmError,
    NumberSettings,
    PhoneNumber,
    ProviderError,
    ProviderTimeoutError,
    ProvisionedNumber,
    RegistrationFailure,
    RegistrationStep,
    SmsAdmin,
    StepStatus,
)
from sms_core.domain import ANSWER_LOST_CODE
from sms_core.testing import sample_brand, sample_campaign
from sms_twilio import CampaignRef, PooledHttpClient, TwilioAdapter
from sms_twilio.industries import COMPANY_TYPES, INDUSTRIES, VERTICAL_INDUSTRIES
from sms_twilio.registration import brand_state, campaign_state
from sms_twilio.testing.state import Failure
from sms_twilio.testing.transport import ScriptedAnswers, StateAnswers

_SID = re.compile(r"\b([A-Z]{2})[0-9a-f]{32}\b")
_MG = "MG" + "7" * 32
_QE = "QE" + "8" * 32
_BN = "BN" + "9" * 32


def _calls(twilio: StateAnswers) -> list[str]:
    """The requests made, SIDs shortened to their prefix."""
    return [_SID.sub(r"\1…", call) for call in twilio.calls()]


def _form(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(request.content.decode(), keep_blank_values=True)


def _sent(twilio: StateAnswers, call: str) -> list[dict[str, list[str]]]:
    """The forms of the requests made as ``call`` (SIDs shortened)."""
    return [
        _form(request)
        for request, made in zip(twilio.requests, _calls(twilio), strict=True)
        if made == call
    ]


class _Resource:
    """A stand-in for a twilio package resource in status mapping tests."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update({"date_updated": None, "errors": []} | fields)


def _with(account: Account, **settings: str) -> Account:
    return attrs.evolve(account, provider_settings={**account.provider_settings, **settings})


class TestBrandSubmission:
    """A brand goes through Trust Hub in Twilio's ISV onboarding order."""

    def test_onboarding_order(
        self, stateful_adapter: TwilioAdapter, stateful_account: Account, twilio: StateAnswers
    ) -> None:
        """Customer profile, end users, address, evaluation, trust product, then the brand."""
        state = stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=sample_brand(), previous_ref=None
        )
        assert [
            "GET /v1/CustomerProfiles",  # a draft left by a lost answer would be taken over
            "POST /v1/CustomerProfiles",
            "POST /v1/EndUsers",
            "POST /v1/CustomerProfiles/BU…/EntityAssignments",
            "POST /v1/EndUsers",
            "POST /v1/CustomerProfiles/BU…/EntityAssignments",
            "POST /2010-04-01/Accounts/AC…/Addresses.json",
            "POST /v1/SupportingDocuments",
            "POST /v1/CustomerProfiles/BU…/EntityAssignments",
            "POST /v1/CustomerProfiles/BU…/EntityAssignments",
            "POST /v1/CustomerProfiles/BU…/Evaluations",
            "POST /v1/CustomerProfiles/BU…",
            "POST /v1/TrustProducts",
            "POST /v1/EndUsers",
            "POST /v1/TrustProducts/BU…/EntityAssignments",
            "POST /v1/TrustProducts/BU…/EntityAssignments",
            "POST /v1/TrustProducts/BU…/Evaluations",
            "POST /v1/TrustProducts/BU…",
            "POST /v1/a2p/BrandRegistrations",
        ] == _calls(twilio)
        assert state is not None
        assert (RegistrationStep.BRAND, StepStatus.IN_PROGRESS, "PENDING") == (
            state.step,
            state.status,
            state.raw_status,
        )
        assert state.provider_ref.startswith("BN")

    def test_forms(
        self, stateful_adapter: TwilioAdapter, stateful_account: Account, twilio: StateAnswers
    ) -> None:
        """Policies, end users, address and bundles are sent under Twilio's names."""
        brand = sample_brand()
        stateful_adapter.sms_submit_brand(account=stateful_account, brand=brand, previous_ref=None)
        [profile] = _sent(twilio, "POST /v1/CustomerProfiles")
        assert {
            "FriendlyName": ["Northwind Staffing LLC: customer profile"],
            "Email": [brand.contact.email],
            "PolicySid": ["RNdfbf3fae0e1107f8aded0e7cead80bf5"],
        } == profile
        business, representative, a2p = _sent(twilio, "POST /v1/EndUsers")
        assert ["customer_profile_business_information"] == business["Type"]
        assert {
            "business_name": "Northwind Staffing LLC",
            "business_identity": "direct_customer",
            "business_industry": "PROFESSIONAL_SERVICES",
            "business_type": "Corporation",
            "business_registration_identifier": "EIN",
            "business_registration_number": "123456789",
            "business_regions_of_operation": "USA_AND_CANADA",
            "website_url": "https://northwind-staffing.example.com",
        } == json.loads(business["Attributes"][0])
        assert ["authorized_representative_1"] == representative["Type"]
        assert "Director" == json.loads(representative["Attributes"][0])["job_position"]
        assert {"company_type": "private"} == json.loads(a2p["Attributes"][0])
        [address] = _sent(twilio, "POST /2010-04-01/Accounts/AC…/Addresses.json")
        assert {
            "CustomerName": ["Northwind Staffing LLC"],
            "Street": ["100 Market Street"],
            "City": ["San Francisco"],
            "Region": ["CA"],
            "PostalCode": ["94105"],
            "IsoCountry": ["US"],
        } == address
        [registration] = _sent(twilio, "POST /v1/a2p/BrandRegistrations")
        assert {"CustomerProfileBundleSid", "A2PProfileBundleSid", "BrandType"} == set(registration)
        assert ["STANDARD"] == registration["BrandType"]

    def test_mock_registrations(
        self, stateful_adapter: TwilioAdapter, stateful_account: Account, twilio: StateAnswers
    ) -> None:
        """With mock_registrations the brand is registered as a mock."""
        account = _with(stateful_account, mock_registrations="true")
        stateful_adapter.sms_submit_brand(account=account, brand=sample_brand(), previous_ref=None)
        [registration] = _sent(twilio, "POST /v1/a2p/BrandRegistrations")
        assert ["true"] == registration["Mock"]

    def test_low_volume_brand_skips_secondary_vetting(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
    ) -> None:
        """A low-volume brand is a Standard brand with SkipAutomaticSecVet=true.

        CreateBrandRegistrations in twilio-oai's twilio_messaging_v1.json: "A flag to
        disable automatic secondary vetting for brands which it would otherwise be done."
        """
        brand = attrs.evolve(sample_brand(), low_volume=True)
        state = stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=brand, previous_ref=None
        )
        [registration] = _sent(twilio, "POST /v1/a2p/BrandRegistrations")
        assert (["STANDARD"], ["true"]) == (
            registration["BrandType"],
            registration["SkipAutomaticSecVet"],
        )
        assert state is not None
        assert twilio.state.brand(account_sid, state.provider_ref, "")["skip_automatic_sec_vet"]

    def test_standard_brand_is_vetted(
        self, stateful_adapter: TwilioAdapter, stateful_account: Account, twilio: StateAnswers
    ) -> None:
        """Without low_volume, secondary vetting is left to Twilio (no flag sent)."""
        stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=sample_brand(), previous_ref=None
        )
        [registration] = _sent(twilio, "POST /v1/a2p/BrandRegistrations")
        assert "SkipAutomaticSecVet" not in registration

    def test_missing_primary_profile_sends_nothing(
        self, stateful_adapter: TwilioAdapter, twilio: StateAnswers
    ) -> None:
        """Without primary_customer_profile_sid: ConfigurationError, and no request made."""
        account = Account(id="acme", name="Acme", provider="twilio")
        with pytest.raises(ConfigurationError, match="primary_customer_profile_sid"):
            stateful_adapter.sms_submit_brand(
                account=account, brand=sample_brand(), previous_ref=None
            )
        assert [] == twilio.requests

    def test_sole_proprietor_through_the_api(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
    ) -> None:
        """A starter profile, a sole-proprietor trust product, a SOLE_PROPRIETOR brand.

        "New Sole Proprietor A2P 10DLC Registration for ISVs: API Walkthrough"
        (https://www.twilio.com/docs/messaging/compliance/a2p-10dlc/onboarding-isv-api-sole-prop-new):
        the owner's contact details in starter_customer_profile_information, the brand name
        and the mobile the OTP goes to in sole_proprietor_information; the brand then waits
        for the owner's reply (error 30752's page) and a new OTP is SmsOtp.
        """
        brand = _sole_proprietor()
        state = stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=brand, previous_ref=None
        )
        assert state is not None
        profile, product = (
            form["PolicySid"]
            for form in _sent(twilio, "POST /v1/CustomerProfiles")
            + _sent(twilio, "POST /v1/TrustProducts")
        )
        assert (["RN806dd6cd175f314e1f96a9727ee271f4"], ["RN670d5d2e282a6130ae063b234b6019c8"]) == (
            profile,
            product,
        )
        starter, sole = (
            (form["Type"][0], json.loads(form["Attributes"][0]))
            for form in _sent(twilio, "POST /v1/EndUsers")
        )
        phone = brand.contact.phone.e164
        assert (
            "starter_customer_profile_information",
            {
                "first_name": brand.contact.first_name,
                "last_name": brand.contact.last_name,
                "email": brand.contact.email,
                "phone_number": phone,
            },
        ) == starter
        assert (
            "sole_proprietor_information",
            {
                "brand_name": "Dana Reyes",
                "vertical": "HUMAN_RESOURCES",
                "mobile_phone_number": phone,
            },
        ) == sole
        [registration] = _sent(twilio, "POST /v1/a2p/BrandRegistrations")
        assert ["SOLE_PROPRIETOR"] == registration["BrandType"]
        twilio.state.complete_review(account_sid, state.provider_ref)
        fetched = stateful_adapter.sms_fetch_registration(
            account=stateful_account, step=RegistrationStep.BRAND, ref=state.provider_ref
        )
        assert fetched is not None
        assert StepStatus.CONFIRMING == fetched.status
        stateful_adapter.sms_resend_confirmation(
            account=stateful_account, step=RegistrationStep.BRAND, ref=state.provider_ref
        )
        assert "POST /v1/a2p/BrandRegistrations/BN…/SmsOtp" in _calls(twilio)
        assert ["otp"] == twilio.state.resent(account_sid, state.provider_ref)

    def test_documented_noncompliant_evaluation(
        self,
        adapter: TwilioAdapter,
        account: Account,
        recorder: ScriptedAnswers,
        twilio_oai: Path,
    ) -> None:
        """Twilio's own noncompliant Evaluation example fails the step with its reasons.

        The example is the 201 answer of CustomerProfiles Evaluations create in twilio-oai's
        ``twilio_trusthub_v1.json`` (2.6.7). The profile made stays the step's ref.
        """
        example = _documented_evaluation(twilio_oai)
        profile_sid = "BU" + "2" * 32
        no_drafts = {"results": [], "meta": {"key": "results", "next_page_url": None}}
        recorder.answer(
            httpx.Response(200, json=no_drafts),
            httpx.Response(201, json={"sid": profile_sid, "status": "draft"}),
            httpx.Response(201, json=example),
        )
        state = adapter.sms_submit_brand(account=account, brand=sample_brand(), previous_ref=None)
        assert state is not None
        assert (StepStatus.FAILED, "noncompliant", profile_sid) == (
            state.status,
            state.raw_status,
            state.provider_ref,
        )
        assert (
            RegistrationFailure(
                reason="The Business Name is missing. Please enter in a Business Name on the "
                "Business information.",
                code="22215",
                field="business_name",
            )
            == state.failures[0]
        )
        assert "22216" in {failure.code for failure in state.failures}
        assert recorder.last.url.path.endswith("/Evaluations")


def _documented_evaluation(twilio_oai: Path) -> dict[str, Any]:
    """Twilio's Evaluation create example (noncompliant), from its OpenAPI description."""
    spec = json.loads((twilio_oai / "twilio_trusthub_v1.json").read_text())
    operation = spec["paths"]["/v1/CustomerProfiles/{CustomerProfileSid}/Evaluations"]["post"]
    content = operation["responses"]["201"]["content"]["application/json"]
    example: dict[str, Any] = content["examples"]["create"]["value"]
    return example


class _LoseAnswer:
    """The stand-in, except that Twilio's answer to one request is lost after it acted."""

    def __init__(self, twilio: StateAnswers, call: str) -> None:
        self.twilio, self.call = twilio, call

    def __call__(self, request: httpx.Request) -> httpx.Response:
        response = self.twilio(request)
        if self.call == _SID.sub(r"\1…", f"{request.method} {request.url.path}"):
            self.call = ""
            raise httpx.ReadTimeout("read timed out", request=request)
        return response


class TestResumableBrand:
    """A failure after the customer profile was made orphans nothing: the step resumes."""

    def test_review_reads_the_profile_then_corrected_in_place(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
    ) -> None:
        """A representative without a last name is refused; the fix edits the same profile."""
        contact = attrs.evolve(sample_brand().contact, last_name="")
        brand = attrs.evolve(sample_brand(), contact=contact)
        failed = stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=brand, previous_ref=None
        )
        assert failed is not None
        assert (StepStatus.FAILED, "22215", "last_name") == (
            failed.status,
            failed.failures[0].code,
            failed.failures[0].field,
        )
        assert failed.provider_ref.startswith("BU")
        assert "POST /v1/TrustProducts" not in _calls(twilio)
        made = len(twilio.requests)
        resubmitted = stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=sample_brand(), previous_ref=failed.provider_ref
        )
        assert resubmitted is not None
        assert (StepStatus.IN_PROGRESS, "PENDING") == (
            resubmitted.status,
            resubmitted.raw_status,
        )
        assert 1 == _calls(twilio).count("POST /v1/CustomerProfiles")  # one profile, ever
        assert "POST /v1/CustomerProfiles" not in _calls(twilio)[made:]
        updated = [
            json.loads(form["Attributes"][0]) for form in _sent(twilio, "POST /v1/EndUsers/IT…")
        ]
        assert sample_brand().contact.last_name in {a.get("last_name") for a in updated}
        [registration] = _sent(twilio, "POST /v1/a2p/BrandRegistrations")
        assert [failed.provider_ref] == registration["CustomerProfileBundleSid"]

    def test_lost_brand_answer_is_found_not_made_again(
        self, twilio: StateAnswers, stateful_account: Account, account_sid: str, auth_token: str
    ) -> None:
        """The brand made while its answer was lost is found on resubmission, not duplicated."""
        lossy = _LoseAnswer(twilio, "POST /v1/a2p/BrandRegistrations")
        environ = {"TWILIO_ACCOUNT_SID": account_sid, "TWILIO_AUTH_TOKEN": auth_token}
        with PooledHttpClient(transport=httpx.MockTransport(lossy)) as http:
            adapter = TwilioAdapter(http=http, environ=environ)
            lost = adapter.sms_submit_brand(
                account=stateful_account, brand=sample_brand(), previous_ref=None
            )
            assert lost is not None
            assert (StepStatus.FAILED, ANSWER_LOST_CODE) == (lost.status, lost.raw_status)
            assert 2 == len(lost.provider_ref.split("/"))
            again = adapter.sms_submit_brand(
                account=stateful_account, brand=sample_brand(), previous_ref=lost.provider_ref
            )
        assert again is not None
        assert (StepStatus.IN_PROGRESS, True) == (again.status, again.provider_ref.startswith("BN"))
        assert 1 == _calls(twilio).count("POST /v1/a2p/BrandRegistrations")
        assert 1 == _calls(twilio).count("POST /v1/TrustProducts")

    def test_lost_trust_product_answer_is_found_not_made_again(
        self, twilio: StateAnswers, stateful_account: Account, account_sid: str, auth_token: str
    ) -> None:
        """A trust product made while its answer was lost is found by name and profile."""
        lossy = _LoseAnswer(twilio, "POST /v1/TrustProducts")
        environ = {"TWILIO_ACCOUNT_SID": account_sid, "TWILIO_AUTH_TOKEN": auth_token}
        with PooledHttpClient(transport=httpx.MockTransport(lossy)) as http:
            adapter = TwilioAdapter(http=http, environ=environ)
            lost = adapter.sms_submit_brand(
                account=stateful_account, brand=sample_brand(), previous_ref=None
            )
            assert lost is not None
            assert (StepStatus.FAILED, ANSWER_LOST_CODE) == (lost.status, lost.raw_status)
            assert 1 == len(lost.provider_ref.split("/"))  # only the profile is known
            again = adapter.sms_submit_brand(
                account=stateful_account, brand=sample_brand(), previous_ref=lost.provider_ref
            )
        assert again is not None
        assert StepStatus.IN_PROGRESS == again.status
        assert 1 == _calls(twilio).count("POST /v1/TrustProducts")
        assert 1 == _calls(twilio).count("POST /v1/CustomerProfiles")

    def test_lost_profile_answer_is_found_not_made_again(
        self, twilio: StateAnswers, stateful_account: Account, account_sid: str, auth_token: str
    ) -> None:
        """A customer profile made while its answer was lost is taken over as a draft."""
        lossy = _LoseAnswer(twilio, "POST /v1/CustomerProfiles")
        environ = {"TWILIO_ACCOUNT_SID": account_sid, "TWILIO_AUTH_TOKEN": auth_token}
        with PooledHttpClient(transport=httpx.MockTransport(lossy)) as http:
            adapter = TwilioAdapter(http=http, environ=environ)
            with pytest.raises(ProviderTimeoutError):  # nothing known: the core keeps it lost
                adapter.sms_submit_brand(
                    account=stateful_account, brand=sample_brand(), previous_ref=None
                )
            again = adapter.sms_submit_brand(
                account=stateful_account, brand=sample_brand(), previous_ref=None
            )
        assert again is not None
        assert StepStatus.IN_PROGRESS == again.status
        assert 1 == _calls(twilio).count("POST /v1/CustomerProfiles")
        assert 1 == _calls(twilio).count("POST /v1/a2p/BrandRegistrations")
        assert 3 == _calls(twilio).count("POST /v1/EndUsers")  # two profile users, one A2P

    def test_stand_in_evaluation_has_twilio_shape(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        twilio_oai: Path,
        account_sid: str,
    ) -> None:
        """The stand-in's noncompliant results carry every key of Twilio's own example."""
        contact = attrs.evolve(sample_brand().contact, first_name="")
        failed = stateful_adapter.sms_submit_brand(
            account=stateful_account,
            brand=attrs.evolve(sample_brand(), contact=contact),
            previous_ref=None,
        )
        assert failed is not None
        evaluation = twilio.state.evaluate(
            account_sid, "CustomerProfiles", failed.provider_ref, "/v1/CustomerProfiles"
        )
        documented = _documented_evaluation(twilio_oai)
        assert set(documented) <= set(evaluation)
        failed = next(result for result in evaluation["results"] if not result["passed"])
        assert set(documented["results"][0]) <= set(failed)
        assert set(documented["results"][0]["invalid"][0]) <= set(failed["invalid"][0])


# Twilio's allowed values, copied from its docs (not from the adapter) so that a typo in the
# adapter's tables fails here. business_industry, business_type and company_type:
# https://www.twilio.com/docs/messaging/compliance/a2p-10dlc/collect-business-info
DOCUMENTED_INDUSTRIES = {
    *("AUTOMOTIVE", "AGRICULTURE", "BANKING", "CONSTRUCTION", "CONSUMER", "EDUCATION"),
    *("ENGINEERING", "ENERGY", "OIL_AND_GAS", "FAST_MOVING_CONSUMER_GOODS", "FINANCIAL"),
    *("FINTECH", "FOOD_AND_BEVERAGE", "GOVERNMENT", "HEALTHCARE", "HOSPITALITY", "INSURANCE"),
    *("LEGAL", "MANUFACTURING", "MEDIA", "ONLINE", "PROFESSIONAL_SERVICES", "RAW_MATERIALS"),
    *("REAL_ESTATE", "RELIGION", "RETAIL", "JEWELRY", "TECHNOLOGY", "TELECOMMUNICATIONS"),
    *("TRANSPORTATION", "TRAVEL", "ELECTRONICS", "NOT_FOR_PROFIT"),
}
DOCUMENTED_BUSINESS_TYPES = {
    *("Sole Proprietorship", "Partnership", "Limited Liability Corporation", "Co-operative"),
    *("Non-profit Corporation", "Corporation"),
}
DOCUMENTED_COMPANY_TYPES = {"private", "public", "non_profit", "government"}


def _brand_forms(twilio: StateAnswers) -> tuple[dict[str, Any], dict[str, Any]]:
    """The business information and A2P profile attributes the adapter sent."""
    business, _, a2p = _sent(twilio, "POST /v1/EndUsers")
    return json.loads(business["Attributes"][0]), json.loads(a2p["Attributes"][0])


class TestBrandIndustry:
    """The brand's industry, business and company type are Twilio's words, not TCR's."""

    @pytest.mark.parametrize("vertical", sorted(VERTICAL_INDUSTRIES))
    @pytest.mark.parametrize(
        "entity_type",
        [EntityType.PRIVATE_PROFIT, EntityType.NON_PROFIT, EntityType.GOVERNMENT],
    )
    def test_sent_values_are_documented(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        vertical: str,
        entity_type: EntityType,
    ) -> None:
        """Every mapped vertical and entity type sends values from Twilio's own lists."""
        brand = attrs.evolve(sample_brand(), vertical=vertical, entity_type=entity_type)
        stateful_adapter.sms_submit_brand(account=stateful_account, brand=brand, previous_ref=None)
        business, a2p = _brand_forms(twilio)
        assert business["business_industry"] in DOCUMENTED_INDUSTRIES
        assert business["business_type"] in DOCUMENTED_BUSINESS_TYPES
        assert a2p["company_type"] in DOCUMENTED_COMPANY_TYPES

    def test_every_table_value_is_documented(self) -> None:
        """The adapter's tables hold Twilio's documented values only."""
        assert set(VERTICAL_INDUSTRIES.values()) <= DOCUMENTED_INDUSTRIES
        assert DOCUMENTED_INDUSTRIES == set(INDUSTRIES)
        assert DOCUMENTED_COMPANY_TYPES == set(COMPANY_TYPES)

    def test_staffing_agency(
        self, stateful_adapter: TwilioAdapter, stateful_account: Account, twilio: StateAnswers
    ) -> None:
        """HUMAN_RESOURCES (TCR's word for staffing) is PROFESSIONAL_SERVICES at Twilio."""
        stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=sample_brand(), previous_ref=None
        )
        business, a2p = _brand_forms(twilio)
        assert ("PROFESSIONAL_SERVICES", "Corporation", "private") == (
            business["business_industry"],
            business["business_type"],
            a2p["company_type"],
        )

    @pytest.mark.parametrize(
        ("entity_type", "expected"),
        [
            # "Registration for Government and Nonprofit Agencies", ISV section:
            # https://www.twilio.com/docs/messaging/compliance/a2p-10dlc/onboarding-for-government-and-non-profit-agencies
            (EntityType.GOVERNMENT, ("GOVERNMENT", "Non-profit Corporation", "government")),
            (EntityType.NON_PROFIT, ("NOT_FOR_PROFIT", "Non-profit Corporation", "non_profit")),
        ],
    )
    def test_government_and_nonprofit(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        entity_type: EntityType,
        expected: tuple[str, str, str],
    ) -> None:
        """Government and nonprofit brands follow Twilio's rules whatever their vertical."""
        brand = attrs.evolve(sample_brand(), entity_type=entity_type)
        stateful_adapter.sms_submit_brand(account=stateful_account, brand=brand, previous_ref=None)
        business, a2p = _brand_forms(twilio)
        assert expected == (
            business["business_industry"],
            business["business_type"],
            a2p["company_type"],
        )

    def test_public_company_sends_its_brand_contact(
        self, stateful_adapter: TwilioAdapter, stateful_account: Account, twilio: StateAnswers
    ) -> None:
        """Authentication+: the A2P profile carries brand_contact_email for a public company.

        "Authentication+ for Public Brand A2P 10DLC Registrations" (help.twilio.com article
        29499398652059): "add brand_contact_email as part of the us_a2p_messaging_profile_
        information" end user; error 21739's page names the same field.
        """
        brand = attrs.evolve(
            sample_brand(),
            entity_type=EntityType.PUBLIC_PROFIT,
            stock_symbol="NWS",
            stock_exchange="NYSE",
            brand_contact_email="ir@northwind-staffing.example.com",
        )
        state = stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=brand, previous_ref=None
        )
        assert {
            "company_type": "public",
            "stock_exchange": "NYSE",
            "stock_ticker": "NWS",
            "brand_contact_email": "ir@northwind-staffing.example.com",
        } == _brand_forms(twilio)[1]
        assert state is not None
        assert StepStatus.IN_PROGRESS == state.status

    def test_stand_in_refuses_a_public_company_without_contact(
        self, stateful_adapter: TwilioAdapter, stateful_account: Account
    ) -> None:
        """The stand-in's review needs the brand contact of a public company, as Twilio does."""
        brand = attrs.evolve(
            sample_brand(),
            entity_type=EntityType.PUBLIC_PROFIT,
            stock_symbol="NWS",
            stock_exchange="NYSE",
        )
        state = stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=brand, previous_ref=None
        )
        assert state is not None
        assert (StepStatus.FAILED, "brand_contact_email") == (
            state.status,
            state.failures[0].field,
        )

    def test_twilio_industry_passes_as_is(
        self, stateful_adapter: TwilioAdapter, stateful_account: Account, twilio: StateAnswers
    ) -> None:
        """The documented fallback: a vertical that is a Twilio industry is sent unchanged."""
        brand = attrs.evolve(sample_brand(), vertical="fintech")
        stateful_adapter.sms_submit_brand(account=stateful_account, brand=brand, previous_ref=None)
        assert "FINTECH" == _brand_forms(twilio)[0]["business_industry"]

    def test_unmapped_vertical_sends_nothing(
        self, stateful_adapter: TwilioAdapter, stateful_account: Account, twilio: StateAnswers
    ) -> None:
        """A vertical Twilio has no industry for is refused before the first request."""
        brand = attrs.evolve(sample_brand(), vertical="POSTAL")
        with pytest.raises(InvalidInputError, match="POSTAL"):
            stateful_adapter.sms_submit_brand(
                account=stateful_account, brand=brand, previous_ref=None
            )
        assert [] == twilio.requests

    def test_capabilities_name_the_mappable_verticals(self, adapter: TwilioAdapter) -> None:
        """The lint asks the adapter: TCR's mapped verticals and Twilio's industries pass."""
        verticals = adapter.sms_provider_info().capabilities.brand_verticals
        assert verticals is not None
        assert {"HUMAN_RESOURCES", "PROFESSIONAL_SERVICES"} <= verticals
        assert "POSTAL" not in verticals


class TestBrandResubmission:
    """A failed brand is corrected in its bundles and resubmitted under the same id."""

    def test_corrected_and_resubmitted(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
    ) -> None:
        """The end users and address are updated, the bundles resubmitted, then the brand."""
        twilio.state.fail_next(account_sid, "brand", Failure("EIN mismatch", "30794"))
        failed = stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=sample_brand(), previous_ref=None
        )
        assert failed is not None
        twilio.state.complete_review(account_sid, failed.provider_ref)
        fetched = stateful_adapter.sms_fetch_registration(
            account=stateful_account, step=RegistrationStep.BRAND, ref=failed.provider_ref
        )
        assert fetched is not None
        assert (StepStatus.FAILED, (RegistrationFailure(reason="EIN mismatch", code="30794"),)) == (
            fetched.status,
            fetched.failures,
        )
        twilio.requests.clear()
        corrected = sample_brand("Northwind Staffing Group LLC")
        resubmitted = stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=corrected, previous_ref=failed.provider_ref
        )
        assert [
            "GET /v1/a2p/BrandRegistrations/BN…",
            "GET /v1/CustomerProfiles/BU…/EntityAssignments",
            "POST /v1/EndUsers/IT…",
            "GET /v1/CustomerProfiles/BU…/EntityAssignments",
            "POST /v1/EndUsers/IT…",
            "GET /v1/CustomerProfiles/BU…/EntityAssignments",
            "GET /v1/SupportingDocuments/RD…",
            "POST /2010-04-01/Accounts/AC…/Addresses/AD….json",
            "POST /v1/CustomerProfiles/BU…/Evaluations",
            "POST /v1/CustomerProfiles/BU…",
            "GET /v1/TrustProducts/BU…/EntityAssignments",
            "POST /v1/EndUsers/IT…",
            "GET /v1/TrustProducts/BU…/EntityAssignments",  # the profile is still assigned
            "POST /v1/TrustProducts/BU…/Evaluations",
            "POST /v1/TrustProducts/BU…",
            "POST /v1/a2p/BrandRegistrations/BN…",
        ] == _calls(twilio)
        business = json.loads(_sent(twilio, "POST /v1/EndUsers/IT…")[0]["Attributes"][0])
        assert "Northwind Staffing Group LLC" == business["business_name"]
        assert resubmitted is not None
        assert (failed.provider_ref, StepStatus.IN_PROGRESS) == (
            resubmitted.provider_ref,
            resubmitted.status,
        )

    @pytest.mark.parametrize(("code", "final"), [("30885", True), ("30794", False)])
    def test_high_risk_refusal_is_final(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
        code: str,
        final: bool,
    ) -> None:
        """Error 30885 (high risk or fraud) takes no resubmission: the failure says ``final``.

        Twilio's error catalogue (https://www.twilio.com/docs/api/errors/30885, summarised in
        /work/shared/reference/sms-rules.md section 6: "30885: high risk / fraud (no
        resubmission allowed)"); 30794 (EIN mismatch) is corrected and resubmitted. The core
        reads only the flag.
        """
        twilio.state.fail_next(account_sid, "brand", Failure("High risk brand", code))
        failed = stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=sample_brand(), previous_ref=None
        )
        assert failed is not None
        twilio.state.complete_review(account_sid, failed.provider_ref)
        fetched = stateful_adapter.sms_fetch_registration(
            account=stateful_account, step=RegistrationStep.BRAND, ref=failed.provider_ref
        )
        assert fetched is not None
        expected = RegistrationFailure(reason="High risk brand", code=code, final=final)
        assert (StepStatus.FAILED, (expected,)) == (fetched.status, fetched.failures)


class TestCampaign:
    """A campaign is registered under a Messaging Service; its ref names both."""

    @pytest.fixture
    def brand_ref(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
    ) -> str:
        submitted = stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=sample_brand(), previous_ref=None
        )
        assert submitted is not None
        twilio.state.complete_review(account_sid, submitted.provider_ref)
        twilio.requests.clear()
        return submitted.provider_ref

    def test_service_then_campaign(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        brand_ref: str,
    ) -> None:
        """Without a configured service one is made; the campaign's fields use Twilio's names."""
        campaign = sample_campaign()
        state = stateful_adapter.sms_submit_campaign(
            account=stateful_account, brand_ref=brand_ref, campaign=campaign, previous_ref=None
        )
        assert ["POST /v1/Services", "POST /v1/Services/MG…/Compliance/Usa2p"] == _calls(twilio)
        service, registration = (_form(request) for request in twilio.requests)
        assert {
            "FriendlyName": ["Northwind Staffing (smsadmin)"],
            "UseInboundWebhookOnNumber": ["true"],
        } == service
        assert {
            "BrandRegistrationSid": [brand_ref],
            "Description": [campaign.description],
            "MessageFlow": [campaign.message_flow],
            "MessageSamples": list(campaign.sample_messages),
            "UsAppToPersonUsecase": ["CUSTOMER_CARE"],
            "HasEmbeddedLinks": ["false"],
            "HasEmbeddedPhone": ["false"],
            "SubscriberOptIn": ["true"],
            "AgeGated": ["false"],
            "DirectLending": ["false"],
            "OptInMessage": [campaign.opt_in_message],
            "OptOutMessage": [campaign.opt_out_message],
            "HelpMessage": [campaign.help_message],
            "OptInKeywords": ["START", "YES"],
            "OptOutKeywords": ["STOP"],
            "HelpKeywords": ["HELP"],
            "PrivacyPolicyUrl": [campaign.privacy_policy_url],
            "TermsAndConditionsUrl": [campaign.terms_and_conditions_url],
        } == registration
        assert state is not None
        ref = CampaignRef.parse(state.provider_ref)
        assert ref.service_sid in twilio.requests[1].url.path
        assert (StepStatus.IN_PROGRESS, "PENDING") == (state.status, state.raw_status)

    def test_keywords_only_with_their_messages(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        brand_ref: str,
    ) -> None:
        """Without a reply, keywords are left to Twilio's default handling and not sent.

        CreateUsAppToPerson in twilio-oai's twilio_messaging_v1.json: OptOutKeywords and
        OptOutMessage (HelpKeywords and HelpMessage alike) are "required if managing opt out
        keywords yourself (i.e. not using Twilio's Default or Advanced Opt Out features)".
        """
        campaign = attrs.evolve(sample_campaign(), opt_out_message="", help_message="")
        stateful_adapter.sms_submit_campaign(
            account=stateful_account, brand_ref=brand_ref, campaign=campaign, previous_ref=None
        )
        [registration] = _sent(twilio, "POST /v1/Services/MG…/Compliance/Usa2p")
        sent = {"OptOutKeywords", "OptOutMessage", "HelpKeywords", "HelpMessage"} & set(
            registration
        )
        assert set() == sent
        assert ["START", "YES"] == registration["OptInKeywords"]

    def test_fetch_reads_the_campaign_through_its_service(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
        brand_ref: str,
    ) -> None:
        """A campaign is fetched under its service and is approved once VERIFIED."""
        submitted = stateful_adapter.sms_submit_campaign(
            account=stateful_account,
            brand_ref=brand_ref,
            campaign=sample_campaign(),
            previous_ref=None,
        )
        assert submitted is not None
        ref = CampaignRef.parse(submitted.provider_ref)
        twilio.state.complete_review(account_sid, ref.campaign_sid)
        twilio.requests.clear()
        fetched = stateful_adapter.sms_fetch_registration(
            account=stateful_account, step=RegistrationStep.CAMPAIGN, ref=submitted.provider_ref
        )
        assert [f"GET /v1/Services/{ref.service_sid}/Compliance/Usa2p/{ref.campaign_sid}"] == (
            twilio.calls()
        )
        assert fetched is not None
        assert (StepStatus.APPROVED, "VERIFIED", ()) == (
            fetched.status,
            fetched.raw_status,
            fetched.failures,
        )

    def test_configured_service_is_used(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
        brand_ref: str,
    ) -> None:
        """With messaging_service_sid configured no service is created."""
        service = twilio.state.create_service(account_sid, {"FriendlyName": ["Acme"]})
        account = _with(stateful_account, messaging_service_sid=service["sid"])
        stateful_adapter.sms_submit_campaign(
            account=account, brand_ref=brand_ref, campaign=sample_campaign(), previous_ref=None
        )
        assert [f"POST /v1/Services/{service['sid']}/Compliance/Usa2p"] == twilio.calls()

    def test_refused_campaign_removes_the_new_service(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """When Twilio refuses the campaign, the service made for it is deleted again."""
        recorder.answer(
            httpx.Response(201, json={"sid": _MG, "friendly_name": "x"}),
            httpx.Response(400, json={"message": "Invalid use case", "status": 400}),
            httpx.Response(204),
        )
        with pytest.raises(ProviderError, match="Invalid use case"):
            adapter.sms_submit_campaign(
                account=account, brand_ref=_BN, campaign=sample_campaign(), previous_ref=None
            )
        assert ["POST", "POST", "DELETE"] == [request.method for request in recorder.requests]
        assert recorder.last.url.path == f"/v1/Services/{_MG}"

    def test_resubmission_edits_the_failed_campaign(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
        brand_ref: str,
    ) -> None:
        """Changing only editable fields updates the campaign in place, back under review."""
        twilio.state.fail_next(account_sid, "campaign", Failure("Message flow unclear", "30886"))
        failed = stateful_adapter.sms_submit_campaign(
            account=stateful_account,
            brand_ref=brand_ref,
            campaign=sample_campaign(),
            previous_ref=None,
        )
        assert failed is not None
        twilio.state.complete_review(
            account_sid, CampaignRef.parse(failed.provider_ref).campaign_sid
        )
        twilio.requests.clear()
        clearer = attrs.evolve(
            sample_campaign(), message_flow="Candidates tick an opt-in box on the application form."
        )
        resubmitted = stateful_adapter.sms_submit_campaign(
            account=stateful_account,
            brand_ref=brand_ref,
            campaign=clearer,
            previous_ref=failed.provider_ref,
        )
        assert [
            "GET /v1/Services/MG…/Compliance/Usa2p/QE…",
            "POST /v1/Services/MG…/Compliance/Usa2p/QE…",
        ] == _calls(twilio)
        assert {
            "HasEmbeddedLinks",
            "HasEmbeddedPhone",
            "MessageSamples",
            "MessageFlow",
            "Description",
            "AgeGated",
            "DirectLending",
            "PrivacyPolicyUrl",
            "TermsAndConditionsUrl",
        } == set(_form(twilio.requests[-1]))
        assert resubmitted is not None
        assert (failed.provider_ref, StepStatus.IN_PROGRESS) == (
            resubmitted.provider_ref,
            resubmitted.status,
        )

    def test_resubmission_with_a_new_use_case_replaces_the_campaign(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
        brand_ref: str,
    ) -> None:
        """A use case cannot be edited: the failed campaign is deleted and a new one made."""
        twilio.state.fail_next(account_sid, "campaign", Failure("Use case mismatch", "30896"))
        failed = stateful_adapter.sms_submit_campaign(
            account=stateful_account,
            brand_ref=brand_ref,
            campaign=sample_campaign(),
            previous_ref=None,
        )
        assert failed is not None
        twilio.requests.clear()
        mixed = attrs.evolve(sample_campaign(), use_case=CampaignUseCase.MIXED)
        resubmitted = stateful_adapter.sms_submit_campaign(
            account=stateful_account,
            brand_ref=brand_ref,
            campaign=mixed,
            previous_ref=failed.provider_ref,
        )
        assert [
            "GET /v1/Services/MG…/Compliance/Usa2p/QE…",
            "DELETE /v1/Services/MG…/Compliance/Usa2p/QE…",
            "POST /v1/Services/MG…/Compliance/Usa2p",
        ] == _calls(twilio)
        assert resubmitted is not None
        old, new = (
            CampaignRef.parse(failed.provider_ref),
            CampaignRef.parse(resubmitted.provider_ref),
        )
        assert (old.service_sid, True) == (new.service_sid, old.campaign_sid != new.campaign_sid)


class TestMessagingService:
    """The service is pointed at the webhook app and is ready once its campaign is verified."""

    @pytest.fixture
    def campaign_ref(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
    ) -> str:
        brand = stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=sample_brand(), previous_ref=None
        )
        assert brand is not None
        twilio.state.complete_review(account_sid, brand.provider_ref)
        campaign = stateful_adapter.sms_submit_campaign(
            account=stateful_account,
            brand_ref=brand.provider_ref,
            campaign=sample_campaign(),
            previous_ref=None,
        )
        assert campaign is not None
        twilio.requests.clear()
        return campaign.provider_ref

    def test_service_is_configured_and_follows_its_campaign(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
        campaign_ref: str,
    ) -> None:
        """The webhook URLs are set; the step is approved once the campaign is VERIFIED."""
        settings = NumberSettings(
            sms_url="https://sms.example.com/webhooks/northwind/messages",
            status_callback_url="https://sms.example.com/webhooks/northwind/status",
        )
        pending = stateful_adapter.sms_submit_messaging_service(
            account=stateful_account, campaign_ref=campaign_ref, settings=settings
        )
        assert ["POST /v1/Services/MG…", "GET /v1/Services/MG…/Compliance/Usa2p/QE…"] == _calls(
            twilio
        )
        assert {
            "UseInboundWebhookOnNumber": ["true"],
            "InboundRequestUrl": [settings.sms_url],
            "InboundMethod": ["POST"],
            "StatusCallback": [settings.status_callback_url],
        } == _form(twilio.requests[0])
        ref = CampaignRef.parse(campaign_ref)
        assert pending is not None
        assert (RegistrationStep.MESSAGING_SERVICE, ref.service_sid, StepStatus.IN_PROGRESS) == (
            pending.step,
            pending.provider_ref,
            pending.status,
        )
        twilio.state.complete_review(account_sid, ref.campaign_sid)
        twilio.requests.clear()
        ready = stateful_adapter.sms_fetch_registration(
            account=stateful_account, step=RegistrationStep.MESSAGING_SERVICE, ref=ref.service_sid
        )
        assert ["GET /v1/Services/MG…", "GET /v1/Services/MG…/Compliance/Usa2p"] == _calls(twilio)
        assert ready is not None
        assert (StepStatus.APPROVED, "VERIFIED") == (ready.status, ready.raw_status)


class TestAttachNumber:
    """A number joins the service's sender pool once; attached already is fine."""

    @pytest.fixture
    def pool(self, twilio: StateAnswers, account_sid: str) -> tuple[str, ProvisionedNumber]:
        number = twilio.state.buy_number(account_sid, {"AreaCode": ["415"]})
        service = twilio.state.create_service(account_sid, {"FriendlyName": ["Acme"]})
        line = ProvisionedNumber(
            number=PhoneNumber.parse(number["phone_number"]), provider_ref=number["sid"]
        )
        return service["sid"], line

    def test_attach_then_again(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        pool: tuple[str, ProvisionedNumber],
    ) -> None:
        """The first attach looks, then adds; the second only looks."""
        service_sid, line = pool
        for _ in range(2):
            assert stateful_adapter.sms_attach_number(
                account=stateful_account, service_ref=service_sid, number=line
            )
        assert [
            "GET /v1/Services/MG…/PhoneNumbers/PN…",
            "POST /v1/Services/MG…/PhoneNumbers",
            "GET /v1/Services/MG…/PhoneNumbers/PN…",
        ] == _calls(twilio)
        assert {"PhoneNumberSid": [line.provider_ref]} == _form(twilio.requests[1])

    def test_attached_meanwhile_is_fine(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """Twilio's 21710 (already in this service) after the look counts as attached."""
        recorder.answer(
            httpx.Response(404, json={"code": 20404, "message": "not found"}),
            httpx.Response(409, json={"code": 21710, "message": "already in the service"}),
        )
        line = ProvisionedNumber(
            number=PhoneNumber.parse("+14152345678"), provider_ref="PN" + "1" * 32
        )
        assert adapter.sms_attach_number(account=account, service_ref=_MG, number=line)


class TestStatusMapping:
    """Twilio's registration words map onto the SDK's step statuses, with reasons."""

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("PENDING", StepStatus.IN_PROGRESS),
            ("IN_REVIEW", StepStatus.IN_PROGRESS),
            ("APPROVED", StepStatus.APPROVED),
            ("FAILED", StepStatus.FAILED),
            ("SUSPENDED", StepStatus.FAILED),
            ("DELETION_PENDING", StepStatus.FAILED),
            ("DELETION_FAILED", StepStatus.FAILED),
            ("DELETED", StepStatus.FAILED),
            ("SOMETHING_NEW", StepStatus.IN_PROGRESS),
        ],
    )
    def test_brand_status(self, raw: str, expected: StepStatus) -> None:
        """Every brand status has its step status; a new word is still in progress."""
        state = brand_state(_Resource(sid=_BN, status=raw, failure_reason="Tax id mismatch"))
        assert (expected, raw) == (state.status, state.raw_status)

    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("PENDING", StepStatus.IN_PROGRESS),
            ("IN_PROGRESS", StepStatus.IN_PROGRESS),
            ("VERIFIED", StepStatus.APPROVED),
            ("FAILED", StepStatus.FAILED),
            ("SUSPENDED", StepStatus.FAILED),
            (None, StepStatus.IN_PROGRESS),
        ],
    )
    def test_campaign_status(self, raw: str | None, expected: StepStatus) -> None:
        """VERIFIED is approved; campaign_status is an open string, unknown is pending."""
        state = campaign_state(_Resource(sid=_QE, campaign_status=raw), _MG)
        assert (expected, f"{_MG}/{_QE}") == (state.status, state.provider_ref)

    def test_failure_reasons_come_from_errors(self) -> None:
        """Each errors[] entry is a failure with its code, description and first field."""
        errors = [
            {"code": 30794, "description": "EIN does not match", "fields": ["TAX_ID"]},
            {"code": "30795", "description": "Address mismatch"},
        ]
        state = brand_state(_Resource(sid=_BN, status="FAILED", errors=errors))
        assert (
            RegistrationFailure(reason="EIN does not match", code="30794", field="TAX_ID"),
            RegistrationFailure(reason="Address mismatch", code="30795"),
        ) == state.failures

    def test_failure_reason_without_errors(self) -> None:
        """Without errors[] the failure_reason and brand feedback are the reason."""
        state = brand_state(
            _Resource(
                sid=_BN,
                status="FAILED",
                failure_reason="Tax id mismatch",
                brand_feedback=["TAX_ID"],
            )
        )
        assert (RegistrationFailure(reason="Tax id mismatch", field="TAX_ID"),) == state.failures

    def test_unknown_refs_are_not_asked_for(
        self, adapter: TwilioAdapter, account: Account, recorder: ScriptedAnswers
    ) -> None:
        """Refs of the wrong shape raise ProviderNotFoundError without a request."""
        for step in RegistrationStep:
            with pytest.raises(ProviderError) as caught:
                adapter.sms_fetch_registration(account=account, step=step, ref="contract-unknown")
            assert "20404" == caught.value.code
        assert [] == recorder.requests


class TestResumableBrandThroughTheSdk:
    """The core records the failed brand with its bundles, and a resubmission resumes."""

    def test_register_fails_then_resubmits_the_same_profile(
        self,
        tmp_path: Path,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
    ) -> None:
        """Noncompliant on register: FAILED with Trust Hub's reasons; the fix reuses the profile."""
        with SmsAdmin.open(
            f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}",
            plugins=[stateful_adapter],
            load_entry_points=False,
            clock=ManualClock(datetime(2026, 3, 2, 15, tzinfo=UTC)),
            webhook_base_url="https://sms.example.com/webhooks",
        ) as admin:
            account = admin.create_account(
                "northwind",
                name="Northwind Staffing",
                provider="twilio",
                provider_settings=dict(stateful_account.provider_settings),
            )
            account.users.upsert(
                "admin", first_name="Dana", last_name="Reyes", permissions=["sms.admin"]
            )
            contact = attrs.evolve(sample_brand().contact, last_name="")
            submitted = account.registration.register(
                "admin", attrs.evolve(sample_brand(), contact=contact), sample_campaign()
            )
            brand = submitted.status.brand
            assert (StepStatus.FAILED, "last_name") == (brand.status, brand.failures[0].field)
            assert brand.provider_ref is not None
            assert brand.provider_ref.startswith("BU")
            assert brand.troubleshooting is not None
            resubmitted = account.registration.resubmit(
                "admin", RegistrationStep.BRAND, brand=sample_brand()
            )
        assert StepStatus.IN_PROGRESS == resubmitted.status.brand.status
        assert resubmitted.status.brand.provider_ref.startswith("BN")  # type: ignore[union-attr]
        assert 1 == _calls(twilio).count("POST /v1/CustomerProfiles")


def _sole_proprietor() -> BrandProfile:
    return attrs.evolve(
        sample_brand("Dana Reyes"),
        entity_type=EntityType.SOLE_PROPRIETOR,
        tax_id="",
        display_name="",
    )


def _public_brand() -> BrandProfile:
    return attrs.evolve(
        sample_brand(),
        entity_type=EntityType.PUBLIC_PROFIT,
        stock_symbol="NWS",
        stock_exchange="NYSE",
        brand_contact_email="ir@northwind-staffing.example.com",
    )


class TestConfirmation:
    """A brand a person must confirm (Authentication+ e-mail, OTP text) says so, and resends."""

    @pytest.mark.parametrize(
        ("status", "identity", "expected"),
        [
            # Error 30752 (https://www.twilio.com/docs/api/errors/30752): the OTP goes out
            # "after the Brand reaches APPROVED. The Brand remains UNVERIFIED until the mobile
            # number owner completes the verification step"; then identity_status is VERIFIED.
            ("APPROVED", "UNVERIFIED", StepStatus.CONFIRMING),
            ("APPROVED", "VERIFIED", StepStatus.APPROVED),
            ("APPROVED", "VETTED_VERIFIED", StepStatus.APPROVED),
            ("APPROVED", None, StepStatus.APPROVED),
            ("PENDING", "UNVERIFIED", StepStatus.IN_PROGRESS),
            ("FAILED", "UNVERIFIED", StepStatus.FAILED),
        ],
    )
    def test_status_mapping(self, status: str, identity: str | None, expected: StepStatus) -> None:
        """APPROVED but still UNVERIFIED waits for the person; the rest as before."""
        resource = _Resource(sid=_BN, status=status, identity_status=identity)
        assert expected == brand_state(resource).status

    def test_public_brand_waits_for_its_contact(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
    ) -> None:
        """Approved by review, the public brand is CONFIRMING until its contact confirms."""
        state = stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=_public_brand(), previous_ref=None
        )
        assert state is not None
        twilio.state.complete_review(account_sid, state.provider_ref)

        def fetched() -> StepStatus:
            found = stateful_adapter.sms_fetch_registration(
                account=stateful_account, step=RegistrationStep.BRAND, ref=state.provider_ref
            )
            assert found is not None
            return found.status

        assert StepStatus.CONFIRMING == fetched()
        twilio.state.confirm(account_sid, state.provider_ref)
        assert StepStatus.APPROVED == fetched()

    def test_private_brand_needs_no_confirmation(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
    ) -> None:
        """A private company's approved brand is approved at once."""
        state = stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=sample_brand(), previous_ref=None
        )
        assert state is not None
        twilio.state.complete_review(account_sid, state.provider_ref)
        fetched = stateful_adapter.sms_fetch_registration(
            account=stateful_account, step=RegistrationStep.BRAND, ref=state.provider_ref
        )
        assert fetched is not None
        assert StepStatus.APPROVED == fetched.status

    def test_resend_after_the_2fa_expired(
        self,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
    ) -> None:
        """A brand failed with 21739 gets a new 2FA e-mail through Twilio's 2fa resource.

        https://www.twilio.com/docs/api/errors/21739: "Re-initiate the 2FA request in
        Console or with the Brand 2FA Verification API"
        (POST /v1/a2p/BrandRegistrations/{BrandSid}/2fa,
        https://www.twilio.com/docs/messaging/api/brand-2fa-verify).
        """
        twilio.state.fail_next(
            account_sid, "brand", Failure("2FA Verification Failed or Timed Out", "21739")
        )
        state = stateful_adapter.sms_submit_brand(
            account=stateful_account, brand=_public_brand(), previous_ref=None
        )
        assert state is not None
        twilio.state.complete_review(account_sid, state.provider_ref)
        resent = stateful_adapter.sms_resend_confirmation(
            account=stateful_account, step=RegistrationStep.BRAND, ref=state.provider_ref
        )
        assert resent is not None
        assert (StepStatus.CONFIRMING, ()) == (resent.status, resent.failures)
        assert "POST /v1/a2p/BrandRegistrations/BN…/2fa" in _calls(twilio)
        assert ["2fa"] == twilio.state.resent(account_sid, state.provider_ref)


class TestConfirmationThroughTheSdk:
    """The core shows the waiting brand with its next step and resends on request."""

    def test_public_company_confirms_by_email(
        self,
        tmp_path: Path,
        stateful_adapter: TwilioAdapter,
        stateful_account: Account,
        twilio: StateAnswers,
        account_sid: str,
    ) -> None:
        """CONFIRMING blocks the campaign; resend is audited; confirmed, the campaign follows."""
        with SmsAdmin.open(
            f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}",
            plugins=[stateful_adapter],
            load_entry_points=False,
            clock=ManualClock(datetime(2026, 3, 2, 15, tzinfo=UTC)),
            webhook_base_url="https://sms.example.com/webhooks",
        ) as admin:
            account = admin.create_account(
                "northwind",
                name="Northwind Staffing",
                provider="twilio",
                provider_settings=dict(stateful_account.provider_settings),
            )
            account.users.upsert(
                "admin", first_name="Dana", last_name="Reyes", permissions=["sms.admin"]
            )
            with pytest.raises(NothingToConfirmError, match="register first"):
                account.registration.resend_confirmation("admin")
            submitted = account.registration.register("admin", _public_brand(), sample_campaign())
            brand_ref = submitted.status.brand.provider_ref
            assert brand_ref is not None
            with pytest.raises(NothingToConfirmError, match="waits for no confirmation"):
                account.registration.resend_confirmation("admin")
            twilio.state.complete_review(account_sid, brand_ref)
            status = account.registration.sync().status
            assert StepStatus.CONFIRMING == status.brand.status
            assert StepStatus.NOT_STARTED == status.campaign.status
            assert status.in_progress
            waiting = status.confirming
            assert waiting is not None
            confirmation = waiting.confirmation
            assert confirmation is not None
            assert (ConfirmationChannel.EMAIL, "ir@northwind-staffing.example.com") == (
                confirmation.channel,
                confirmation.recipient,
            )
            assert "resend_confirmation" in confirmation.advice
            resent = account.registration.resend_confirmation("admin")
            assert StepStatus.CONFIRMING == resent.brand.status
            assert AuditAction.RESEND_CONFIRMATION in {e.action for e in account.audit.list()}
            twilio.state.confirm(account_sid, brand_ref)
            after = account.registration.sync().status
        assert StepStatus.APPROVED == after.brand.status
        assert StepStatus.IN_PROGRESS == after.campaign.status
