from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

import pytest

from sms_core import (
    Account,
    Hooks,
    InboundCall,
    NumberQuery,
    NumberSettings,
    NumberType,
    OutboundMessage,
    PhoneNumber,
    ProviderCapabilities,
    ProviderInfo,
    ProvisionedNumber,
    RegistrationStep,
    UnsupportedFeatureError,
    WebhookRequest,
    hookimpl,
    make_plugin_manager,
)
from sms_core.hookspecs import PROJECT_NAME
from sms_core.plugins.routing import PROVIDER_HOOKS
from sms_core.testing import sample_brand, sample_campaign
from sms_twilio import PROVIDER, TwilioAdapter, adapter
from sms_twilio.testing.transport import ScriptedAnswers

_FAKE = Account(id="acme", name="Acme", provider="fake")
_LINE = PhoneNumber.parse("+1 415 234 5678")
_NUMBER = ProvisionedNumber(number=_LINE, provider_ref="PN" + "1" * 32)
_MESSAGE = OutboundMessage(message_id="m", sender=_LINE, recipient=_LINE, body="hi")
_REQUEST = WebhookRequest(method="POST", url="https://sms.example.com/hooks")
_CALL = InboundCall(provider_call_id="CA1", caller=_LINE, called=_LINE)

# Every provider call of the façade, for an account of another carrier.
_CALLS: dict[str, Callable[[Hooks], Any]] = {
    "search_numbers": lambda h: h.search_numbers(_FAKE, NumberQuery()),
    "purchase_number": lambda h: h.purchase_number(_FAKE, _LINE, NumberSettings()),
    "release_number": lambda h: h.release_number(_FAKE, _NUMBER),
    "configure_number": lambda h: h.configure_number(_FAKE, _NUMBER, NumberSettings()),
    "list_numbers": lambda h: h.list_numbers(_FAKE),
    "adopt_number": lambda h: h.adopt_number(_FAKE, _NUMBER, NumberSettings()),
    "lookup_registration": lambda h: h.lookup_registration(_FAKE, "BN", "QE", "MG"),
    "submit_brand": lambda h: h.submit_brand(_FAKE, sample_brand()),
    "submit_campaign": lambda h: h.submit_campaign(_FAKE, "BN", sample_campaign()),
    "submit_messaging_service": lambda h: h.submit_messaging_service(_FAKE, "QE", NumberSettings()),
    "fetch_registration": lambda h: h.fetch_registration(_FAKE, RegistrationStep.BRAND, "BN"),
    "resend_confirmation": lambda h: h.resend_confirmation(_FAKE, RegistrationStep.BRAND, "BN"),
    "attach_number": lambda h: h.attach_number(_FAKE, "MG", _NUMBER),
    "send_message": lambda h: h.send_message(_FAKE, _MESSAGE),
    "fetch_message": lambda h: h.fetch_message(_FAKE, _MESSAGE, None),
    "verify_webhook": lambda h: h.verify_webhook(_FAKE, _REQUEST),
    "parse_webhook": lambda h: h.parse_webhook(_FAKE, _REQUEST),
    "answer_call": lambda h: h.answer_call(_FAKE, _CALL, None),
    "acknowledge_webhook": lambda h: h.acknowledge_webhook(_FAKE, ()),
}


class IdleCarrier:
    """Another carrier's adapter that provides no feature at all."""

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        return ProviderInfo(
            name=_FAKE.provider,
            description="a carrier that does nothing",
            capabilities=ProviderCapabilities(max_concurrent_sends=1),
        )


class TestOtherProviders:
    """Calls for accounts of other carriers never reach the adapter (the core routes them)."""

    def test_every_provider_hook_is_covered(self) -> None:
        """The table below names every hook the core routes to an adapter."""
        # The settings check is optional: it is covered on its own below.
        routed = {hook.removeprefix("sms_") for hook in PROVIDER_HOOKS}
        assert routed == {*_CALLS, "check_provider_settings"}

    def test_other_carriers_settings_are_not_checked_here(self, adapter: TwilioAdapter) -> None:
        """Settings the Twilio check would refuse are left to the account's own carrier.

        The other carrier has no check, so they are kept (``False``) rather than refused.
        """
        hooks = Hooks(
            make_plugin_manager(plugins=[adapter, IdleCarrier()], load_entry_points=False)
        )
        account = Account(
            id="acme", name="Acme", provider="fake", provider_settings={"colour": "blue"}
        )
        assert hooks.check_provider_settings(account) is False

    @pytest.mark.parametrize("call", list(_CALLS))
    def test_other_carriers_account_reaches_only_its_carrier(
        self, adapter: TwilioAdapter, recorder: ScriptedAnswers, call: str
    ) -> None:
        """The adapter, which no longer checks the account, is not called and sends nothing.

        The other carrier provides nothing, so the call is refused as unsupported by it.
        """
        hooks = Hooks(
            make_plugin_manager(plugins=[adapter, IdleCarrier()], load_entry_points=False)
        )
        with pytest.raises(UnsupportedFeatureError, match=f"provider '{_FAKE.provider}'"):
            _CALLS[call](hooks)
        assert [] == recorder.requests


class TestPlugin:
    """The adapter is published as the twilio entry point and describes itself."""

    def test_entry_point(self) -> None:
        """The sms_core group's twilio entry point loads the shared adapter."""
        [point] = [p for p in entry_points(group=PROJECT_NAME) if p.name == PROVIDER]
        assert adapter is point.load()

    def test_provider_info(self) -> None:
        """Its capabilities: bounded concurrent sends, 1,600 characters, US and CA numbers."""
        info = TwilioAdapter(max_concurrent_sends=8).sms_provider_info()
        assert (PROVIDER, 8, 1600) == (
            info.name,
            info.capabilities.max_concurrent_sends,
            info.capabilities.max_body_characters,
        )
        assert frozenset({"US", "CA"}) == info.capabilities.countries
        # Toll-free numbers need toll-free verification, which the SDK does not run yet.
        assert frozenset({NumberType.LOCAL}) == info.capabilities.number_types

    def test_connection_pool_is_made_on_first_use_and_closed(self) -> None:
        """An adapter without an HTTP client opens one when needed and closes it on close()."""
        environ = {"TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "t"}
        with TwilioAdapter(environ=environ) as own:
            client = own.client_for(Account(id="a", name="A", provider="twilio"))
            assert client is own.client_for(Account(id="b", name="B", provider="twilio"))
