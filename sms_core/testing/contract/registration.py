"""The registration contract: brand, campaign and messaging service (A2P 10DLC)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

import attrs
import pytest

from sms_core.domain import (
    Account,
    BrandProfile,
    CampaignProfile,
    EntityType,
    NumberSettings,
    ProvisionedNumber,
    RegistrationState,
    RegistrationStep,
    StepStatus,
)
from sms_core.exceptions import ProviderNotFoundError
from sms_core.plugins import Hooks
from sms_core.testing.contract.fixtures import CarrierFixtures, review_step
from sms_core.testing.driver import CarrierDriver

__all__ = ["RegistrationContract"]

# The refusal the suite arranges, with a code of the driver's carrier.
_REVIEW_FAILURE = "The legal name does not match the tax id on record."

# Submits the step under test, given the failed submission's ref when resubmitting.
_Submit = Callable[[str | None], RegistrationState]


class RegistrationContract(CarrierFixtures):
    """Brand, campaign and messaging service registration (A2P 10DLC)."""

    @pytest.fixture(params=[RegistrationStep.BRAND, RegistrationStep.CAMPAIGN], ids=str)
    def reviewed_step(self, request: pytest.FixtureRequest) -> RegistrationStep:
        """A step the carrier reviews: the brand, or the campaign under an approved brand."""
        step: RegistrationStep = request.param
        return step

    @pytest.fixture
    def submit_step(
        self,
        request: pytest.FixtureRequest,
        hooks: Hooks,
        account: Account,
        brand: BrandProfile,
        campaign: CampaignProfile,
        reviewed_step: RegistrationStep,
    ) -> _Submit:
        """Submits ``reviewed_step``, given the failed submission's ref for a resubmission."""
        if reviewed_step is RegistrationStep.BRAND:
            return lambda previous_ref: hooks.submit_brand(account, brand, previous_ref)
        approved_brand: RegistrationState = request.getfixturevalue("approved_brand")
        return lambda previous_ref: hooks.submit_campaign(
            account, approved_brand.provider_ref, campaign, previous_ref
        )

    def test_submission_is_reviewed_then_approved(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        reviewed_step: RegistrationStep,
        submit_step: _Submit,
    ) -> None:
        """A submission is in progress with a carrier id, then approved once reviewed."""
        submitted = submit_step(None)
        assert reviewed_step == submitted.step
        assert StepStatus.IN_PROGRESS == submitted.status
        assert submitted.provider_ref
        reviewed = review_step(hooks, driver, account, submitted)
        assert StepStatus.APPROVED == reviewed.status
        assert submitted.provider_ref == reviewed.provider_ref
        assert () == reviewed.failures

    def test_failed_review_reports_reasons(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        reviewed_step: RegistrationStep,
        submit_step: _Submit,
    ) -> None:
        """A refused step is failed with at least one reason that has a carrier code."""
        driver.fail_next_registration(
            account, reviewed_step, _REVIEW_FAILURE, driver.review_failure_code(reviewed_step)
        )
        reviewed = review_step(hooks, driver, account, submit_step(None))
        assert StepStatus.FAILED == reviewed.status
        assert any(failure.reason.strip() and failure.code for failure in reviewed.failures), (
            f"no failure with a reason and a code in {reviewed.failures}"
        )

    def test_resubmission_after_failure_is_approved(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        reviewed_step: RegistrationStep,
        submit_step: _Submit,
    ) -> None:
        """A failed step resubmitted goes back in progress, then is approved."""
        driver.fail_next_registration(
            account, reviewed_step, _REVIEW_FAILURE, driver.review_failure_code(reviewed_step)
        )
        failed = review_step(hooks, driver, account, submit_step(None))
        assert StepStatus.FAILED == failed.status
        resubmitted = submit_step(failed.provider_ref)
        assert StepStatus.IN_PROGRESS == resubmitted.status
        assert StepStatus.APPROVED == review_step(hooks, driver, account, resubmitted).status

    def test_public_company_brand_is_confirmed_by_its_contact(
        self, hooks: Hooks, account: Account, driver: CarrierDriver, brand: BrandProfile
    ) -> None:
        """A public company's reviewed brand is CONFIRMING; resent and confirmed, approved.

        The Campaign Registry's Authentication+ has the brand contact confirm by e-mail (2FA)
        before the brand may carry campaigns.
        """
        public = attrs.evolve(
            brand,
            entity_type=EntityType.PUBLIC_PROFIT,
            stock_symbol="NWS",
            stock_exchange="NYSE",
            brand_contact_email=f"ir@{_domain(brand.website)}",
        )
        submitted = hooks.submit_brand(account, public, None)
        reviewed = review_step(hooks, driver, account, submitted)
        assert (StepStatus.CONFIRMING, ()) == (reviewed.status, reviewed.failures)
        assert reviewed.provider_ref == submitted.provider_ref
        resent = hooks.resend_confirmation(account, RegistrationStep.BRAND, reviewed.provider_ref)
        assert StepStatus.CONFIRMING == resent.status
        driver.confirm_registration(account, RegistrationStep.BRAND, reviewed.provider_ref)
        confirmed = hooks.fetch_registration(account, RegistrationStep.BRAND, reviewed.provider_ref)
        assert StepStatus.APPROVED == confirmed.status

    def test_messaging_service_is_approved(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        approved_campaign: RegistrationState,
        webhook_settings: NumberSettings,
    ) -> None:
        """A messaging service for an approved campaign gets a carrier id and is approved."""
        submitted = hooks.submit_messaging_service(
            account, approved_campaign.provider_ref, webhook_settings
        )
        assert RegistrationStep.MESSAGING_SERVICE == submitted.step
        assert submitted.provider_ref
        assert StepStatus.APPROVED == review_step(hooks, driver, account, submitted).status

    def test_attaching_a_number_twice_succeeds(
        self,
        hooks: Hooks,
        account: Account,
        messaging_service: RegistrationState,
        purchased_number: ProvisionedNumber,
    ) -> None:
        """A bought number attaches to the approved service, and attaching again succeeds."""
        hooks.attach_number(account, messaging_service.provider_ref, purchased_number)
        hooks.attach_number(account, messaging_service.provider_ref, purchased_number)

    @pytest.mark.parametrize("step", list(RegistrationStep), ids=str)
    def test_fetching_an_unknown_ref_raises_not_found(
        self, hooks: Hooks, account: Account, step: RegistrationStep
    ) -> None:
        """Fetching a step the carrier never saw raises ProviderNotFoundError."""
        with pytest.raises(ProviderNotFoundError):
            hooks.fetch_registration(account, step, f"contract-unknown-{uuid.uuid4().hex}")


def _domain(website: str) -> str:
    host = urlsplit(website).hostname or "example.com"
    return host.removeprefix("www.")
