"""The façade's adoption calls: routed, typed, and refused when the carrier lacks them."""

from __future__ import annotations

import pytest

from sms_core import (
    Account,
    HeldRegistration,
    Hooks,
    PluginContractError,
    ProviderCapabilities,
    ProviderInfo,
    RegistrationState,
    RegistrationStep,
    StepStatus,
    UnsupportedFeatureError,
    hookimpl,
    make_plugin_manager,
)

_ACCOUNT = Account(id="acme", name="Acme", provider="mini")


def _held(step: RegistrationStep) -> HeldRegistration:
    state = RegistrationState(
        step=step, provider_ref=f"{step.value}-1", status=StepStatus.APPROVED, raw_status="ok"
    )
    return HeldRegistration(state=state)


class MiniCarrier:
    """A carrier adapter that implements no adoption hook."""

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        return ProviderInfo(
            name="mini",
            description="a carrier without adoption",
            capabilities=ProviderCapabilities(max_concurrent_sends=1),
        )


class ShuffledLookup(MiniCarrier):
    """Answers the registration's steps in the wrong order."""

    @hookimpl
    def sms_lookup_registration(self) -> list[HeldRegistration]:
        return [_held(step) for step in reversed(RegistrationStep)]


def _hooks(carrier: object) -> Hooks:
    return Hooks(make_plugin_manager(plugins=[carrier], load_entry_points=False))


class TestAdoptionHooks:
    """Adoption through the typed façade."""

    def test_carrier_without_adoption_is_refused_typed(self) -> None:
        """Each call names the carrier and the feature it lacks."""
        hooks = _hooks(MiniCarrier())
        with pytest.raises(UnsupportedFeatureError, match="listing the numbers held"):
            hooks.list_numbers(_ACCOUNT)
        with pytest.raises(UnsupportedFeatureError, match="adopting a registration"):
            hooks.lookup_registration(_ACCOUNT, "b", "c", "s")

    def test_steps_out_of_order_break_the_contract(self) -> None:
        """A lookup must answer brand, campaign and service in that order."""
        with pytest.raises(PluginContractError, match="in that order"):
            _hooks(ShuffledLookup()).lookup_registration(_ACCOUNT, "b", "c", "s")
