"""The adoption contract: the carrier lists, repoints and reads what an account already holds.

An agency that texted before it used the SDK holds numbers, and maybe a registered brand,
campaign and messaging service, at its carrier. An adapter that declares
``ProviderCapabilities.adopts_existing`` lists those numbers with their webhooks as they are
(``sms_list_numbers``), points one at the SDK without buying it (``sms_adopt_number``) and
reads a registration by the carrier's ids (``sms_lookup_registration``). A driver that can
make the carrier hold a number or a registration made outside the SDK implements
:class:`AdoptionDriver`; without it, the tests that need one are skipped. An adapter that
does not declare the capability passes by having the core refuse adoption.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Protocol, runtime_checkable

import attrs
import pytest

from sms_core.domain import (
    Account,
    NumberSettings,
    PhoneNumber,
    ProvisionedNumber,
    RegistrationState,
    RegistrationStep,
    StepStatus,
)
from sms_core.exceptions import ProviderNotFoundError, UnsupportedFeatureError
from sms_core.plugins import Hooks
from sms_core.testing.contract.fixtures import CarrierFixtures
from sms_core.testing.driver import CarrierDriver

__all__ = ["AdoptionContract", "AdoptionDriver"]


@runtime_checkable
class AdoptionDriver(Protocol):
    """A driver that can make the carrier hold what an account set up outside the SDK."""

    def hold_number(self, account: Account) -> ProvisionedNumber:
        """Buy a number for the account as its console would, its webhooks pointing elsewhere."""
        ...

    def hold_registration(self, account: Account) -> tuple[str, str, str]:
        """Register a brand, campaign and messaging service outside the SDK, all approved.

        Returns:
            Their ids as the carrier's console shows them: brand, campaign, service.
        """
        ...


class AdoptionContract(CarrierFixtures):
    """What the account holds at the carrier can be listed, adopted and looked up."""

    @pytest.fixture
    def adopting_hooks(self, hooks: Hooks, account: Account) -> Hooks:
        """The hooks, when the adapter declares that it adopts what an account holds."""
        if not hooks.provider_info(account).capabilities.adopts_existing:
            pytest.skip("the adapter does not declare adopts_existing")
        return hooks

    @pytest.fixture
    def adoption_driver(self, driver: CarrierDriver) -> AdoptionDriver:
        """The driver, when it can make the carrier hold a number or a registration."""
        if not isinstance(driver, AdoptionDriver):
            pytest.skip("the driver cannot make the carrier hold what the SDK did not make")
        return driver

    @pytest.fixture
    def held_number(
        self, adopting_hooks: Hooks, account: Account, adoption_driver: AdoptionDriver
    ) -> Iterator[ProvisionedNumber]:
        """A number the account bought outside the SDK; released afterwards if still held."""
        held = adoption_driver.hold_number(account)
        yield held
        with contextlib.suppress(ProviderNotFoundError):
            adopting_hooks.release_number(account, held)

    def test_adoption_follows_the_declaration(self, hooks: Hooks, account: Account) -> None:
        """A declaring adapter lists the numbers held; without it the core refuses, typed."""
        if hooks.provider_info(account).capabilities.adopts_existing:
            assert isinstance(hooks.list_numbers(account), list)
            return
        with pytest.raises(UnsupportedFeatureError):
            hooks.list_numbers(account)
        with pytest.raises(UnsupportedFeatureError):
            hooks.lookup_registration(account, "brand", "campaign", "service")

    def test_number_held_outside_the_sdk_is_listed(
        self, adopting_hooks: Hooks, account: Account, held_number: ProvisionedNumber
    ) -> None:
        """A number bought elsewhere is listed once, with its id and its webhooks as they are."""
        listed = [n for n in adopting_hooks.list_numbers(account) if n.number == held_number.number]
        assert 1 == len(listed)
        assert held_number.provider_ref == listed[0].provider_ref
        assert held_number.settings.sms_url == listed[0].settings.sms_url
        assert held_number.settings.voice_url == listed[0].settings.voice_url

    def test_number_bought_through_the_sdk_is_listed(
        self,
        adopting_hooks: Hooks,
        account: Account,
        purchased_number: ProvisionedNumber,
        webhook_settings: NumberSettings,
    ) -> None:
        """A number the SDK bought is held like any other, pointing at the SDK's webhooks."""
        listed = {n.number: n for n in adopting_hooks.list_numbers(account)}
        assert purchased_number.number in listed
        assert webhook_settings.sms_url == listed[purchased_number.number].settings.sms_url

    def test_adopting_repoints_the_webhooks(
        self,
        adopting_hooks: Hooks,
        account: Account,
        held_number: ProvisionedNumber,
        webhook_settings: NumberSettings,
    ) -> None:
        """Adopting points the number's texts and calls at the SDK, and the list shows it."""
        adopted = adopting_hooks.adopt_number(account, held_number, webhook_settings)
        assert held_number.number == adopted.number
        assert held_number.provider_ref == adopted.provider_ref
        assert webhook_settings.sms_url == adopted.settings.sms_url
        listed = {n.number: n for n in adopting_hooks.list_numbers(account)}
        assert webhook_settings.sms_url == listed[held_number.number].settings.sms_url
        assert webhook_settings.voice_url == listed[held_number.number].settings.voice_url

    def test_adopting_under_another_numbers_id_is_refused(
        self,
        adopting_hooks: Hooks,
        account: Account,
        held_number: ProvisionedNumber,
        recipient: PhoneNumber,
        webhook_settings: NumberSettings,
    ) -> None:
        """An id that is not the number's is not found, and the number keeps its webhooks."""
        wrong = attrs.evolve(held_number, number=recipient)
        with pytest.raises(ProviderNotFoundError):
            adopting_hooks.adopt_number(account, wrong, webhook_settings)
        listed = {n.number: n for n in adopting_hooks.list_numbers(account)}
        assert held_number.settings.sms_url == listed[held_number.number].settings.sms_url

    def test_registration_held_outside_the_sdk_is_read(
        self, adopting_hooks: Hooks, account: Account, adoption_driver: AdoptionDriver
    ) -> None:
        """An approved registration is read approved, each step tied to the one before."""
        brand_id, campaign_id, service_id = adoption_driver.hold_registration(account)
        brand, campaign, service = adopting_hooks.lookup_registration(
            account, brand_id, campaign_id, service_id
        )
        assert [StepStatus.APPROVED] * 3 == [
            brand.state.status,
            campaign.state.status,
            service.state.status,
        ]
        assert brand.state.provider_ref == campaign.parent_ref
        assert campaign.state.provider_ref == service.parent_ref
        assert all(held.fields for held in (brand, campaign, service))
        for held in (brand, campaign, service):
            fetched = adopting_hooks.fetch_registration(
                account, held.state.step, held.state.provider_ref
            )
            assert held.state.status == fetched.status

    def test_registration_made_through_the_sdk_is_read(
        self,
        adopting_hooks: Hooks,
        account: Account,
        approved_brand: RegistrationState,
        approved_campaign: RegistrationState,
        messaging_service: RegistrationState,
    ) -> None:
        """The ids the SDK's own submissions got read back as the same steps, approved."""
        found = adopting_hooks.lookup_registration(
            account,
            approved_brand.provider_ref,
            approved_campaign.provider_ref,
            messaging_service.provider_ref,
        )
        assert list(RegistrationStep) == [held.state.step for held in found]
        assert [
            approved_brand.provider_ref,
            approved_campaign.provider_ref,
            messaging_service.provider_ref,
        ] == [held.state.provider_ref for held in found]
        assert all(held.state.status is StepStatus.APPROVED for held in found)

    def test_unknown_registration_is_refused(
        self,
        adopting_hooks: Hooks,
        account: Account,
        approved_brand: RegistrationState,
    ) -> None:
        """A brand's id given as a messaging service's is not found."""
        ref = approved_brand.provider_ref
        with pytest.raises(ProviderNotFoundError):
            adopting_hooks.lookup_registration(account, ref, ref, ref)
