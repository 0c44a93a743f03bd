from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

import pytest

from sms_core import (
    Account,
    InboundCall,
    NumberQuery,
    NumberSettings,
    NumberType,
    OutboundMessage,
    PhoneNumber,
    ProvisionedNumber,
    RegistrationStep,
    WebhookRequest,
    make_plugin_manager,
)
from sms_core.hookspecs import PROJECT_NAME
from sms_core.testing import sample_brand, sample_campaign
from sms_twilio import PROVIDER, TwilioAdapter, adapter
from sms_twilio.testing.transport import ScriptedAnswers

_FAKE = Account(id="acme", name="Acme", provider="fake")
_LINE = PhoneNumber.parse("+1 415 234 5678")
_NUMBER = ProvisionedNumber(number=_LINE, provider_ref="PN" + "1" * 32)
_MESSAGE = OutboundMessage(message_id="m", sender=_LINE, recipient=_LINE, body="hi")
_REQUEST = WebhookRequest(method="POST", url="https://sms.example.com/hooks")
_CALL = InboundCall(provider_call_id="CA1", caller=_LINE, called=_LINE)

_HOOKS: dict[str, Callable[[TwilioAdapter], Any]] = {
    "search_numbers": lambda a: a.sms_search_numbers(account=_FAKE, query=NumberQuery()),
    "purchase_number": lambda a: a.sms_purchase_number(
        account=_FAKE, number=_LINE, settings=NumberSettings()
    ),
    "release_number": lambda a: a.sms_release_number(account=_FAKE, number=_NUMBER),
    "configure_number": lambda a: a.sms_configure_number(
        account=_FAKE, number=_NUMBER, settings=NumberSettings()
    ),
    "submit_brand": lambda a: a.sms_submit_brand(
        account=_FAKE, brand=sample_brand(), previous_ref=None
    ),
    "submit_campaign": lambda a: a.sms_submit_campaign(
        account=_FAKE, brand_ref="BN", campaign=sample_campaign(), previous_ref=None
    ),
    "submit_messaging_service": lambda a: a.sms_submit_messaging_service(
        account=_FAKE, campaign_ref="QE", settings=NumberSettings()
    ),
    "fetch_registration": lambda a: a.sms_fetch_registration(
        account=_FAKE, step=RegistrationStep.BRAND, ref="BN"
    ),
    "resend_confirmation": lambda a: a.sms_resend_confirmation(
        account=_FAKE, step=RegistrationStep.BRAND, ref="BN"
    ),
    "attach_number": lambda a: a.sms_attach_number(account=_FAKE, service_ref="MG", number=_NUMBER),
    "send_message": lambda a: a.sms_send_message(account=_FAKE, message=_MESSAGE),
    "fetch_message": lambda a: a.sms_fetch_message(
        account=_FAKE, message=_MESSAGE, provider_message_id=None
    ),
    "verify_webhook": lambda a: a.sms_verify_webhook(account=_FAKE, request=_REQUEST),
    "parse_webhook": lambda a: a.sms_parse_webhook(account=_FAKE, request=_REQUEST),
    "answer_call": lambda a: a.sms_answer_call(account=_FAKE, call=_CALL, forward_to=None),
    "acknowledge_webhook": lambda a: a.sms_acknowledge_webhook(account=_FAKE, events=()),
}


class TestOtherProviders:
    """Every provider hook is silent for accounts of other carriers."""

    def test_every_provider_hook_is_covered(self) -> None:
        """The table below names every provider hook of the spec."""
        pm = make_plugin_manager(load_entry_points=False)
        provider_hooks = {
            name.removeprefix("sms_")
            for name in dir(pm.hook)
            if name.startswith("sms_")
            and name
            not in {
                "sms_provider_info",
                "sms_host_policy",
                "sms_authorize",
                "sms_record_activity",
            }
        }
        assert provider_hooks == set(_HOOKS)

    @pytest.mark.parametrize("hook", list(_HOOKS))
    def test_returns_none_without_a_request(
        self, adapter: TwilioAdapter, recorder: ScriptedAnswers, hook: str
    ) -> None:
        """The hook answers None and sends nothing."""
        assert None is _HOOKS[hook](adapter)
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
