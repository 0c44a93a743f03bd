"""The adoption contract: the carrier lists, repoints and reads what an account already holds.

An agency that texted before it used the SDK holds numbers, and maybe a registered brand,
campaign and messaging service, at its carrier. An adapter that declares
``ProviderCapabilities.adopts_existing`` lists those numbers with their webhooks as they are
(``sms_list_numbers``), points one at the SDK without buying it (``sms_adopt_number``) and
reads a registration by the carrier's ids (``sms_lookup_registration``). A driver that can
make the carrier hold a number or a registration made outside the SDK implements
:class:`AdoptionDriver` (required with the declaration). An adapter that does not declare the
capability passes every test by having the core refuse adoption with
``UnsupportedFeatureError``, so the group skips nothing for it.
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

__all__ = ["AdoptionContract", "AdoptionDriver", "refused"]


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
    """What the account holds at the carrier can be listed, adopted and looked up.

    Each test takes the required fixtures (``driver`` too, unused by an adapter that does not
    declare adoption) and asks for the others only once it knows the adapter declares it.
    """

    @pytest.fixture
    def adoption_driver(self, driver: CarrierDriver) -> AdoptionDriver:
        """The driver of an adapter declaring adoption, which must make the carrier hold things."""
        if not isinstance(driver, AdoptionDriver):
            pytest.fail(
                "the adapter declares adopts_existing, so its driver must implement "
                "sms_core.testing.contract.AdoptionDriver (hold_number, hold_registration)",
                pytrace=False,
            )
        return driver

    @pytest.fixture
    def held_number(
        self, hooks: Hooks, account: Account, adoption_driver: AdoptionDriver
    ) -> Iterator[ProvisionedNumber]:
        """A number the account bought outside the SDK; released afterwards if still held."""
        held = adoption_driver.hold_number(account)
        yield held
        with contextlib.suppress(ProviderNotFoundError):
            hooks.release_number(account, held)

    def test_adoption_follows_the_declaration(self, hooks: Hooks, account: Account) -> None:
        """A declaring adapter lists the numbers held; without it the core refuses, typed."""
        if refused(hooks, account):
            return
        assert isinstance(hooks.list_numbers(account), list)

    def test_number_held_outside_the_sdk_is_listed(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        request: pytest.FixtureRequest,
    ) -> None:
        """A number bought elsewhere is listed once, with its id and its webhooks as they are."""
        if refused(hooks, account):
            return
        held_number: ProvisionedNumber = request.getfixturevalue("held_number")
        listed = [n for n in hooks.list_numbers(account) if n.number == held_number.number]
        assert 1 == len(listed)
        assert held_number.provider_ref == listed[0].provider_ref
        assert held_number.settings.sms_url == listed[0].settings.sms_url
        assert held_number.settings.voice_url == listed[0].settings.voice_url

    def test_number_bought_through_the_sdk_is_listed(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        request: pytest.FixtureRequest,
    ) -> None:
        """A number the SDK bought is held like any other, pointing at the SDK's webhooks."""
        if refused(hooks, account):
            return
        purchased: ProvisionedNumber = request.getfixturevalue("purchased_number")
        settings: NumberSettings = request.getfixturevalue("webhook_settings")
        listed = {n.number: n for n in hooks.list_numbers(account)}
        assert purchased.number in listed
        assert settings.sms_url == listed[purchased.number].settings.sms_url

    def test_adopting_repoints_the_webhooks(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        request: pytest.FixtureRequest,
    ) -> None:
        """Adopting points the number's texts and calls at the SDK, and the list shows it."""
        if refused(hooks, account):
            return
        held_number: ProvisionedNumber = request.getfixturevalue("held_number")
        settings: NumberSettings = request.getfixturevalue("webhook_settings")
        adopted = hooks.adopt_number(account, held_number, settings)
        assert held_number.number == adopted.number
        assert held_number.provider_ref == adopted.provider_ref
        assert settings.sms_url == adopted.settings.sms_url
        listed = {n.number: n for n in hooks.list_numbers(account)}
        assert settings.sms_url == listed[held_number.number].settings.sms_url
        assert settings.voice_url == listed[held_number.number].settings.voice_url

    def test_adopting_under_another_numbers_id_is_refused(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        request: pytest.FixtureRequest,
    ) -> None:
        """An id that is not the number's is not found, and the number keeps its webhooks."""
        if refused(hooks, account):
            return
        held_number: ProvisionedNumber = request.getfixturevalue("held_number")
        recipient: PhoneNumber = request.getfixturevalue("recipient")
        settings: NumberSettings = request.getfixturevalue("webhook_settings")
        wrong = attrs.evolve(held_number, number=recipient)
        with pytest.raises(ProviderNotFoundError):
            hooks.adopt_number(account, wrong, settings)
        listed = {n.number: n for n in hooks.list_numbers(account)}
        assert held_number.settings.sms_url == listed[held_number.number].settings.sms_url

    def test_registration_held_outside_the_sdk_is_read(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        request: pytest.FixtureRequest,
    ) -> None:
        """An approved registration is read approved, each step tied to the one before."""
        if refused(hooks, account):
            return
        holder: AdoptionDriver = request.getfixturevalue("adoption_driver")
        brand_id, campaign_id, service_id = holder.hold_registration(account)
        brand, campaign, service = hooks.lookup_registration(
            account, brand_id, campaign_id, service_id
        )
        statuses = [brand.state.status, campaign.state.status, service.state.status]
        assert [StepStatus.APPROVED] * 3 == statuses
        assert brand.state.provider_ref == campaign.parent_ref
        assert campaign.state.provider_ref == service.parent_ref
        assert all(held.fields for held in (brand, campaign, service))
        for held in (brand, campaign, service):
            fetched = hooks.fetch_registration(account, held.state.step, held.state.provider_ref)
            assert held.state.status == fetched.status

    def test_registration_made_through_the_sdk_is_read(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        request: pytest.FixtureRequest,
    ) -> None:
        """The ids the SDK's own submissions got read back as the same steps, approved."""
        if refused(hooks, account):
            return
        made: list[RegistrationState] = [
            request.getfixturevalue(name)
            for name in ("approved_brand", "approved_campaign", "messaging_service")
        ]
        found = hooks.lookup_registration(account, *(state.provider_ref for state in made))
        assert list(RegistrationStep) == [held.state.step for held in found]
        assert [state.provider_ref for state in made] == [held.state.provider_ref for held in found]
        assert all(held.state.status is StepStatus.APPROVED for held in found)

    def test_unknown_registration_is_refused(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        request: pytest.FixtureRequest,
    ) -> None:
        """A brand's id given as a messaging service's is not found."""
        if refused(hooks, account):
            return
        brand: RegistrationState = request.getfixturevalue("approved_brand")
        ref = brand.provider_ref
        with pytest.raises(ProviderNotFoundError):
            hooks.lookup_registration(account, ref, ref, ref)


def refused(hooks: Hooks, account: Account) -> bool:
    """Whether the adapter does not declare adoption, having checked that the core refuses it.

    Nothing is arranged at the carrier first, so the refusal costs no purchase or review.
    """
    if hooks.provider_info(account).capabilities.adopts_existing:
        return False
    with pytest.raises(UnsupportedFeatureError):
        hooks.list_numbers(account)
    with pytest.raises(UnsupportedFeatureError):
        hooks.lookup_registration(account, "brand", "campaign", "service")
    return True
