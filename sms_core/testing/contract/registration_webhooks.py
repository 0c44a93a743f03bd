"""The registration webhook contract: the carrier's news about a brand or campaign it reviewed.

Some carriers post a webhook when they (or the registry) decide on a brand or campaign. Parsed,
each is a :class:`~sms_core.domain.RegistrationStepUpdate` naming the step by the id the
carrier gave it when it was submitted (``RegistrationState.provider_ref``): the core then
re-reads that step. A driver that can play such webhooks out implements
:class:`RegistrationWebhookDriver`; without it, the suite skips these tests (the core polls
the steps instead).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

import pytest

from sms_core.domain import (
    Account,
    BrandProfile,
    CampaignProfile,
    RegistrationState,
    RegistrationStep,
    RegistrationStepUpdate,
    WebhookRequest,
)
from sms_core.exceptions import WebhookSignatureError
from sms_core.plugins import Hooks
from sms_core.testing.contract.fixtures import CarrierFixtures
from sms_core.testing.contract.webhooks import ForgingDriver
from sms_core.testing.driver import CarrierDriver

__all__ = ["RegistrationWebhookContract", "RegistrationWebhookDriver"]

# The refusal the suite arranges, with a code of the driver's carrier.
_REVIEW_FAILURE = "The legal name does not match the tax id on record."


@runtime_checkable
class RegistrationWebhookDriver(Protocol):
    """A driver whose carrier posts webhooks about the brands and campaigns it reviews."""

    def registration_step_webhooks(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> list[WebhookRequest]:
        """The signed webhooks the carrier posted about the step ``ref``, in order.

        The suite ends the step's review (``complete_registration``) before it asks.
        """
        ...


class RegistrationWebhookContract(CarrierFixtures):
    """A reviewed brand or campaign is reported, signed, naming its step by the carrier's id."""

    @pytest.fixture
    def step_webhook_driver(self, driver: CarrierDriver) -> RegistrationWebhookDriver:
        """The driver, when its carrier posts webhooks about brands and campaigns."""
        if not isinstance(driver, RegistrationWebhookDriver):
            pytest.skip("the driver's carrier posts no brand or campaign webhooks")
        return driver

    @pytest.fixture(params=[RegistrationStep.BRAND, RegistrationStep.CAMPAIGN], ids=str)
    def reported_step(self, request: pytest.FixtureRequest) -> RegistrationStep:
        """A step the carrier reviews and reports on: the brand, or the campaign."""
        step: RegistrationStep = request.param
        return step

    @pytest.fixture
    def submit_reported_step(
        self,
        request: pytest.FixtureRequest,
        hooks: Hooks,
        account: Account,
        brand: BrandProfile,
        campaign: CampaignProfile,
        reported_step: RegistrationStep,
    ) -> Callable[[], RegistrationState]:
        """Submits ``reported_step`` (a campaign under an approved brand)."""
        if reported_step is RegistrationStep.BRAND:
            return lambda: hooks.submit_brand(account, brand)
        approved_brand: RegistrationState = request.getfixturevalue("approved_brand")
        return lambda: hooks.submit_campaign(account, approved_brand.provider_ref, campaign)

    def test_review_reported_for_its_step(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        step_webhook_driver: RegistrationWebhookDriver,
        submit_reported_step: Callable[[], RegistrationState],
    ) -> None:
        """An approval is reported in signed webhooks about that step, by its carrier id."""
        submitted = submit_reported_step()
        driver.complete_registration(account, submitted.step, submitted.provider_ref)
        _updates(hooks, account, step_webhook_driver, submitted)

    def test_failed_review_reported_for_its_step(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        step_webhook_driver: RegistrationWebhookDriver,
        reported_step: RegistrationStep,
        submit_reported_step: Callable[[], RegistrationState],
    ) -> None:
        """A refusal is reported the same way: the core re-reads the step for the reasons."""
        code = driver.review_failure_code(reported_step)
        driver.fail_next_registration(account, reported_step, _REVIEW_FAILURE, code)
        submitted = submit_reported_step()
        driver.complete_registration(account, submitted.step, submitted.provider_ref)
        _updates(hooks, account, step_webhook_driver, submitted)

    def test_forged_step_webhook_refused(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        step_webhook_driver: RegistrationWebhookDriver,
        submit_reported_step: Callable[[], RegistrationState],
    ) -> None:
        """A brand or campaign webhook signed with another secret does not verify."""
        if not isinstance(step_webhook_driver, ForgingDriver):
            pytest.skip("the driver cannot sign with another secret")
        submitted = submit_reported_step()
        driver.complete_registration(account, submitted.step, submitted.provider_ref)
        requests = step_webhook_driver.registration_step_webhooks(
            account, submitted.step, submitted.provider_ref
        )
        assert requests, f"the carrier posted nothing about the {submitted.step}"
        forged = step_webhook_driver.sign_with_other_secret(account, requests[-1])
        with pytest.raises(WebhookSignatureError):
            hooks.verify_webhook(account, forged)


def _updates(
    hooks: Hooks,
    account: Account,
    driver: RegistrationWebhookDriver,
    submitted: RegistrationState,
) -> list[RegistrationStepUpdate]:
    """The verified, parsed news about ``submitted``; at least one, each naming it."""
    updates: list[RegistrationStepUpdate] = []
    for request in driver.registration_step_webhooks(
        account, submitted.step, submitted.provider_ref
    ):
        hooks.verify_webhook(account, request)
        for event in hooks.parse_webhook(account, request):
            assert isinstance(event, RegistrationStepUpdate), f"unexpected event {event!r}"
            updates.append(event)
    assert updates, f"the carrier reported nothing about the {submitted.step}"
    assert [(submitted.step, submitted.provider_ref)] * len(updates) == [
        (update.step, update.provider_ref) for update in updates
    ]
    return updates
