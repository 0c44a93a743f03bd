"""The discovery contract: the adapter names itself, and is reached for its accounts only."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import attrs
import pytest

from sms_core.domain import (
    Account,
    BrandProfile,
    CampaignProfile,
    InboundCall,
    NumberQuery,
    NumberSettings,
    PhoneNumber,
    ProvisionedNumber,
    RegistrationStep,
    WebhookRequest,
)
from sms_core.exceptions import UnknownProviderError
from sms_core.plugins import Hooks
from sms_core.testing.contract.fixtures import HOOK_BASE_URL, CarrierFixtures, outbound_message

__all__ = ["DiscoveryContract"]

# Every provider call of the façade, each of which must refuse an account no adapter serves
# (the core refuses it before calling any adapter).
_PROVIDER_CALLS = (
    "provider_info",
    "check_provider_settings",
    "search_numbers",
    "purchase_number",
    "release_number",
    "configure_number",
    "submit_brand",
    "submit_campaign",
    "submit_messaging_service",
    "fetch_registration",
    "resend_confirmation",
    "attach_number",
    "send_message",
    "fetch_message",
    "verify_webhook",
    "parse_webhook",
    "answer_call",
    "acknowledge_webhook",
)


class DiscoveryContract(CarrierFixtures):
    """The adapter describes itself; the core routes only its own accounts' calls to it."""

    def test_provider_info_names_the_account_provider(self, hooks: Hooks, account: Account) -> None:
        """The adapter serving the account is named as the account's provider."""
        info = hooks.provider_info(account)
        assert account.provider == info.name
        assert info.description

    def test_capabilities_are_sane(
        self, hooks: Hooks, account: Account, search_query: NumberQuery
    ) -> None:
        """Capabilities allow sending, one full segment, and the searched country and type."""
        capabilities = hooks.provider_info(account).capabilities
        assert capabilities.max_concurrent_sends >= 1
        assert capabilities.max_body_characters >= 160
        assert all(re.fullmatch(r"[A-Z]{2}", country) for country in capabilities.countries)
        assert search_query.country in capabilities.countries
        assert search_query.number_type in capabilities.number_types

    @pytest.mark.parametrize("call", _PROVIDER_CALLS)
    def test_unknown_provider_is_refused(
        self,
        hooks: Hooks,
        account: Account,
        recipient: PhoneNumber,
        brand: BrandProfile,
        campaign: CampaignProfile,
        search_query: NumberQuery,
        webhook_settings: NumberSettings,
        call: str,
    ) -> None:
        """Every provider call for an account no adapter serves raises UnknownProviderError."""
        stranger = attrs.evolve(account, provider=f"no-such-carrier-{uuid.uuid4().hex[:8]}")
        number = ProvisionedNumber(number=recipient, provider_ref="unknown-number")
        message = outbound_message(number, recipient, webhook_settings)
        request = WebhookRequest(method="POST", url=f"{HOOK_BASE_URL}/sms/inbound")
        inbound = InboundCall(provider_call_id="unknown-call", caller=recipient, called=recipient)
        calls: dict[str, Callable[[], object]] = {
            "provider_info": lambda: hooks.provider_info(stranger),
            "check_provider_settings": lambda: hooks.check_provider_settings(stranger),
            "search_numbers": lambda: hooks.search_numbers(stranger, search_query),
            "purchase_number": lambda: hooks.purchase_number(stranger, recipient, webhook_settings),
            "release_number": lambda: hooks.release_number(stranger, number),
            "configure_number": lambda: hooks.configure_number(stranger, number, webhook_settings),
            "submit_brand": lambda: hooks.submit_brand(stranger, brand),
            "submit_campaign": lambda: hooks.submit_campaign(stranger, "unknown-brand", campaign),
            "submit_messaging_service": lambda: hooks.submit_messaging_service(
                stranger, "unknown-campaign", webhook_settings
            ),
            "fetch_registration": lambda: hooks.fetch_registration(
                stranger, RegistrationStep.BRAND, "unknown-brand"
            ),
            "resend_confirmation": lambda: hooks.resend_confirmation(
                stranger, RegistrationStep.BRAND, "unknown-brand"
            ),
            "attach_number": lambda: hooks.attach_number(stranger, "unknown-service", number),
            "send_message": lambda: hooks.send_message(stranger, message),
            "fetch_message": lambda: hooks.fetch_message(stranger, message, "unknown-message"),
            "verify_webhook": lambda: hooks.verify_webhook(stranger, request),
            "parse_webhook": lambda: hooks.parse_webhook(stranger, request),
            "answer_call": lambda: hooks.answer_call(stranger, inbound, None),
            "acknowledge_webhook": lambda: hooks.acknowledge_webhook(stranger, []),
        }
        with pytest.raises(UnknownProviderError):
            calls[call]()
