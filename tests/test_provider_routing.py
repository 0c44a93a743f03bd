"""The core routes provider calls: each reaches the one adapter named by the account.

Adapters carry no "is this account mine?" guard: the façade reads every adapter's provider
info once, refuses managers where the names do not decide who answers, calls the account's
adapter alone and checks that its answer has the type the hook promises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sms_core import (
    Account,
    AvailableNumber,
    DeliveryStatus,
    Hooks,
    InboundCall,
    InvalidQueryError,
    ManualClock,
    NumberQuery,
    NumberSettings,
    OutboundMessage,
    PhoneNumber,
    PluginContractError,
    ProviderCapabilities,
    ProviderInfo,
    ProvisionedNumber,
    RegistrationStep,
    SearchFilter,
    SendReceipt,
    UnknownProviderError,
    UnsupportedFeatureError,
    WebhookRequest,
    hookimpl,
    make_plugin_manager,
)
from sms_core.testing.samples import sample_brand, sample_campaign
from sms_fake import FakeAdapter, SandboxCarrier

RELAY_NUMBER = PhoneNumber.parse("+1 212 555 0100")
RECIPIENT = PhoneNumber.parse("+1 206 555 0142")


def info(name: str) -> ProviderInfo:
    return ProviderInfo(
        name=name,
        description=f"{name} test adapter",
        capabilities=ProviderCapabilities(max_concurrent_sends=1),
    )


class Named:
    """An adapter that names itself and provides nothing yet."""

    def __init__(self, name: str = "relay") -> None:
        self.name = name
        self.described = 0

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        self.described += 1
        return info(self.name)


class Relay(Named):
    """A second adapter that, as every adapter now may, answers whatever it is asked."""

    def __init__(self, name: str = "relay") -> None:
        super().__init__(name)
        self.calls: list[tuple[str, str]] = []

    @hookimpl
    def sms_search_numbers(
        self, account: Account, query: NumberQuery
    ) -> list[AvailableNumber] | None:
        self.calls.append(("sms_search_numbers", account.id))
        return [AvailableNumber(number=RELAY_NUMBER, country="US")]

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt:
        self.calls.append(("sms_send_message", account.id))
        return SendReceipt(
            provider_message_id=f"{self.name}-1", status=DeliveryStatus.QUEUED, raw_status="q"
        )

    @hookimpl
    def sms_attach_number(
        self, account: Account, service_ref: str, number: ProvisionedNumber
    ) -> bool | None:
        """Declines: this adapter has no messaging services."""
        self.calls.append(("sms_attach_number", account.id))
        return None


class GuardedRelay(Relay):
    """An adapter written for the old protocol, still asking whether the account is its own."""

    @hookimpl
    def sms_search_numbers(
        self, account: Account, query: NumberQuery
    ) -> list[AvailableNumber] | None:
        if account.provider != self.name:
            return None
        return super().sms_search_numbers(account, query)


class Liar:
    """An adapter whose every provider hook answers a string."""

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        return info("liar")

    @hookimpl
    def sms_check_provider_settings(self) -> object:
        return "fine"

    @hookimpl
    def sms_search_numbers(self) -> object:
        return "+12125550100"

    @hookimpl
    def sms_purchase_number(self) -> object:
        return "PN1"

    @hookimpl
    def sms_release_number(self) -> object:
        return "released"

    @hookimpl
    def sms_configure_number(self) -> object:
        return "PN1"

    @hookimpl
    def sms_submit_brand(self) -> object:
        return "BN1"

    @hookimpl
    def sms_submit_campaign(self) -> object:
        return "CM1"

    @hookimpl
    def sms_submit_messaging_service(self) -> object:
        return "MG1"

    @hookimpl
    def sms_fetch_registration(self) -> object:
        return "APPROVED"

    @hookimpl
    def sms_resend_confirmation(self) -> object:
        return "sent"

    @hookimpl
    def sms_attach_number(self) -> object:
        return "attached"

    @hookimpl
    def sms_send_message(self) -> object:
        return "SM1"

    @hookimpl
    def sms_fetch_message(self) -> object:
        return "delivered"

    @hookimpl
    def sms_verify_webhook(self) -> object:
        return "yes"

    @hookimpl
    def sms_parse_webhook(self) -> object:
        return "events"

    @hookimpl
    def sms_answer_call(self) -> object:
        return "<Response/>"

    @hookimpl
    def sms_acknowledge_webhook(self) -> object:
        return "<Response/>"


def account(provider: str, account_id: str = "acme") -> Account:
    return Account(id=account_id, name="Acme Staffing", provider=provider)


def facade(*plugins: object) -> Hooks:
    return Hooks(make_plugin_manager(plugins=plugins, load_entry_points=False))


def message(sender: PhoneNumber = RELAY_NUMBER) -> OutboundMessage:
    return OutboundMessage(
        message_id="msg-1", sender=sender, recipient=RECIPIENT, body="Are you free Tuesday?"
    )


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[FakeAdapter]:
    """The sandbox carrier adapter on a real SQLite file and a clock that stands still."""
    clock = ManualClock(datetime(2030, 1, 7, 9, 0, tzinfo=UTC))
    with SandboxCarrier(tmp_path / "sandbox.sqlite3", clock=clock, auth_token="t") as carrier:
        yield FakeAdapter(carrier=carrier)


# Every provider call of the façade, with the hook it reaches.
_NUMBER = ProvisionedNumber(number=RELAY_NUMBER, provider_ref="PN1")
_CALLS: dict[str, tuple[str, Callable[[Hooks, Account], object]]] = {
    "check_provider_settings": (
        "sms_check_provider_settings",
        lambda h, a: h.check_provider_settings(a),
    ),
    "search_numbers": ("sms_search_numbers", lambda h, a: h.search_numbers(a, NumberQuery())),
    "purchase_number": (
        "sms_purchase_number",
        lambda h, a: h.purchase_number(a, RELAY_NUMBER, NumberSettings()),
    ),
    "release_number": ("sms_release_number", lambda h, a: h.release_number(a, _NUMBER)),
    "configure_number": (
        "sms_configure_number",
        lambda h, a: h.configure_number(a, _NUMBER, NumberSettings()),
    ),
    "submit_brand": ("sms_submit_brand", lambda h, a: h.submit_brand(a, sample_brand())),
    "submit_campaign": (
        "sms_submit_campaign",
        lambda h, a: h.submit_campaign(a, "BN1", sample_campaign()),
    ),
    "submit_messaging_service": (
        "sms_submit_messaging_service",
        lambda h, a: h.submit_messaging_service(a, "CM1", NumberSettings()),
    ),
    "fetch_registration": (
        "sms_fetch_registration",
        lambda h, a: h.fetch_registration(a, RegistrationStep.BRAND, "BN1"),
    ),
    "resend_confirmation": (
        "sms_resend_confirmation",
        lambda h, a: h.resend_confirmation(a, RegistrationStep.BRAND, "BN1"),
    ),
    "attach_number": ("sms_attach_number", lambda h, a: h.attach_number(a, "MG1", _NUMBER)),
    "send_message": ("sms_send_message", lambda h, a: h.send_message(a, message())),
    "fetch_message": ("sms_fetch_message", lambda h, a: h.fetch_message(a, message(), "SM1")),
    "verify_webhook": (
        "sms_verify_webhook",
        lambda h, a: h.verify_webhook(a, WebhookRequest(method="POST", url="https://x.example")),
    ),
    "parse_webhook": (
        "sms_parse_webhook",
        lambda h, a: h.parse_webhook(a, WebhookRequest(method="POST", url="https://x.example")),
    ),
    "answer_call": (
        "sms_answer_call",
        lambda h, a: h.answer_call(
            a, InboundCall(provider_call_id="CA1", caller=RECIPIENT, called=RELAY_NUMBER), None
        ),
    ),
    "acknowledge_webhook": ("sms_acknowledge_webhook", lambda h, a: h.acknowledge_webhook(a, [])),
}


class TestRouting:
    """Each account's calls reach its own adapter, and no other."""

    @pytest.mark.parametrize("sandbox_first", [True, False], ids=["sandbox first", "relay first"])
    def test_two_adapters_each_get_only_their_accounts(
        self, sandbox: FakeAdapter, sandbox_first: bool
    ) -> None:
        """The sandbox and an unguarded adapter side by side, in either registration order."""
        relay = Relay()
        hooks = facade(*((sandbox, relay) if sandbox_first else (relay, sandbox)))
        fake_account, relay_account = account("fake", "northwind"), account("relay", "acme")

        offered = hooks.search_numbers(fake_account, NumberQuery(country="US", area_code="415"))
        relayed = hooks.search_numbers(relay_account, NumberQuery(country="US", area_code="415"))
        receipt = hooks.send_message(relay_account, message())

        assert offered
        assert all(found.number.e164.startswith("+1415") for found in offered)
        assert [RELAY_NUMBER] == [found.number for found in relayed]
        assert "relay-1" == receipt.provider_message_id
        assert [("sms_search_numbers", "acme"), ("sms_send_message", "acme")] == relay.calls

    def test_old_guarded_adapter_keeps_working(self, sandbox: FakeAdapter) -> None:
        """An adapter still checking the account's provider answers as before; the guard is idle."""
        guarded = GuardedRelay()
        hooks = facade(sandbox, guarded)

        relayed = hooks.search_numbers(account("relay"), NumberQuery())

        assert [RELAY_NUMBER] == [found.number for found in relayed]
        assert hooks.search_numbers(account("fake"), NumberQuery(country="US", area_code="415"))

    @pytest.mark.parametrize("call", list(_CALLS))
    def test_unknown_provider_is_refused_before_any_call(self, call: str) -> None:
        """An account whose adapter is not installed reaches no adapter at all."""
        relay = Relay()
        hooks = facade(relay)

        with pytest.raises(UnknownProviderError, match=r"'twilio'.*installed: relay"):
            _CALLS[call][1](hooks, account("twilio"))

        assert [] == relay.calls

    def test_unimplemented_hook_is_unsupported(self) -> None:
        """A hook the adapter does not implement is a feature it lacks."""
        hooks = facade(Relay())

        with pytest.raises(UnsupportedFeatureError, match="'relay' does not support number"):
            hooks.purchase_number(account("relay"), RELAY_NUMBER, NumberSettings())

    def test_none_means_unsupported(self) -> None:
        """An adapter answering None lacks the feature, even with another adapter installed."""
        relay = Relay()
        hooks = facade(Relay("other"), relay)

        with pytest.raises(UnsupportedFeatureError, match="'relay' does not support attaching"):
            hooks.attach_number(account("relay"), "MG1", _NUMBER)

        assert [("sms_attach_number", "acme")] == relay.calls

    def test_provider_info_is_read_once(self) -> None:
        """Discovery and every call use the table built at start-up."""
        relay = Relay()
        hooks = facade(relay)

        for _ in range(3):
            hooks.providers()
            hooks.provider_info(account("relay"))
            hooks.installed_carriers()
            hooks.send_message(account("relay"), message())

        assert 1 == relay.described

    def test_wrappers_see_the_routed_call(self) -> None:
        """A plugin that only wraps provider hooks (tracing) is no adapter, and is allowed."""
        seen: list[str] = []

        class Tracer:
            @hookimpl(wrapper=True)
            def sms_send_message(self, account: Account) -> Iterator[None]:
                seen.append(account.provider)
                return (yield)

        hooks = facade(Relay(), Relay("other"), Tracer())

        hooks.send_message(account("relay"), message())

        assert ["relay"] == seen


class TestContract:
    """Managers where the names do not decide who answers are refused when Hooks is built."""

    def test_two_adapters_with_one_name_are_refused(self) -> None:
        """Both plugins are named, with the fix."""
        pm = make_plugin_manager(load_entry_points=False)
        pm.register(Relay(), name="relay-one")
        pm.register(Relay(), name="relay-two")

        with pytest.raises(PluginContractError, match="SMS_CORE_DISABLED_PLUGINS") as refused:
            Hooks(pm)

        assert ("relay-two", "sms_provider_info") == (refused.value.plugin, refused.value.hook)
        assert "name 'relay', which plugin 'relay-one' already claims" in refused.value.problem

    def test_provider_hooks_without_provider_info_are_refused(self) -> None:
        """A plugin answering a provider hook must say which provider it is."""

        class Nameless:
            @hookimpl
            def sms_send_message(self) -> None:
                """Never reached."""

        pm = make_plugin_manager(load_entry_points=False)
        pm.register(Nameless(), name="nameless")

        with pytest.raises(PluginContractError) as refused:
            Hooks(pm)

        assert ("nameless", "sms_send_message") == (refused.value.plugin, refused.value.hook)
        assert "sms_provider_info" in refused.value.fix

    def test_provider_info_of_the_wrong_type_is_refused(self) -> None:
        """sms_provider_info must answer a ProviderInfo."""

        class Vague:
            @hookimpl
            def sms_provider_info(self) -> object:
                return "vague"

        pm = make_plugin_manager(load_entry_points=False)
        pm.register(Vague(), name="vague")

        with pytest.raises(PluginContractError, match="answered a str, not a ProviderInfo"):
            Hooks(pm)

    @pytest.mark.parametrize("call", list(_CALLS))
    def test_wrong_answer_type_names_plugin_and_hook(self, call: str) -> None:
        """An answer of the wrong type is refused at the façade, not deep in a service."""
        hook, make_call = _CALLS[call]
        pm = make_plugin_manager(load_entry_points=False)
        pm.register(Liar(), name="liar-adapter")
        hooks = Hooks(pm)

        with pytest.raises(PluginContractError, match="answered a str, not ") as refused:
            make_call(hooks, account("liar"))

        assert ("liar-adapter", hook) == (refused.value.plugin, refused.value.hook)

    @pytest.mark.parametrize(
        ("answer", "problem"),
        [
            pytest.param(
                ("+12125550100",),
                "answered a sequence holding a str, not a sequence of AvailableNumber",
                id="a sequence of strings",
            ),
            pytest.param(
                iter([AvailableNumber(number=RELAY_NUMBER, country="US")]),
                "answered a list_iterator, not a sequence of AvailableNumber",
                id="an iterator",
            ),
        ],
    )
    def test_sequence_answers_are_checked_item_by_item(self, answer: object, problem: str) -> None:
        """A sequence hook's answer is a real sequence of the promised values."""

        class Sloppy(Named):
            @hookimpl
            def sms_search_numbers(self) -> object:
                return answer

        with pytest.raises(PluginContractError) as refused:
            facade(Sloppy()).search_numbers(account("relay"), NumberQuery())

        assert problem == refused.value.problem

    def test_sequence_answer_is_copied_into_a_list(self) -> None:
        """A tuple is a fine answer; callers get a list of their own."""

        class Tupled(Named):
            @hookimpl
            def sms_search_numbers(self) -> Sequence[AvailableNumber]:
                return (AvailableNumber(number=RELAY_NUMBER, country="US"),)

        found = facade(Tupled()).search_numbers(account("relay"), NumberQuery())

        assert [AvailableNumber(number=RELAY_NUMBER, country="US")] == found


class TestRunTimeRegistration:
    """The route table follows plugins registered after the façade was built."""

    def test_register_routes_the_new_adapter(self, sandbox: FakeAdapter) -> None:
        """Hooks.register makes the adapter reachable at once, and only for its accounts."""
        hooks = facade(sandbox)
        relay = Relay()

        hooks.register(relay, name="relay")

        assert ["fake", "relay"] == sorted(hooks.providers())
        assert hooks.search_numbers(account("fake"), NumberQuery(country="US", area_code="415"))
        assert [] == relay.calls
        assert "relay-1" == hooks.send_message(account("relay"), message()).provider_message_id

    def test_register_refuses_a_duplicate_and_changes_nothing(self) -> None:
        """A second adapter named alike is refused and left unregistered."""
        first, second = Relay(), Relay()
        hooks = facade(first)

        with pytest.raises(PluginContractError, match="already claims"):
            hooks.register(second, name="relay-two")

        assert not hooks.plugin_manager.is_registered(second)
        hooks.send_message(account("relay"), message())
        assert [("sms_send_message", "acme")] == first.calls

    def test_unregister_stops_the_route(self) -> None:
        """After Hooks.unregister the provider is unknown."""
        relay = Relay()
        hooks = facade(relay)

        hooks.unregister(relay)

        with pytest.raises(UnknownProviderError):
            hooks.send_message(account("relay"), message())

    def test_direct_registration_on_the_manager_is_followed(self, sandbox: FakeAdapter) -> None:
        """A plugin registered on plugin_manager itself is routed at the next call, not stale."""
        relay = Relay()
        hooks = facade(relay)

        hooks.plugin_manager.register(sandbox, name="fake")

        assert hooks.search_numbers(account("fake"), NumberQuery(country="US", area_code="415"))
        assert [] == relay.calls

    def test_direct_duplicate_on_the_manager_is_refused_at_the_next_call(self) -> None:
        """Registering a second adapter of one name behind the façade's back is caught."""
        hooks = facade(Relay())

        hooks.plugin_manager.register(Relay(), name="relay-two")

        with pytest.raises(PluginContractError, match="already claims"):
            hooks.send_message(account("relay"), message())

    def test_direct_unregistration_is_followed(self) -> None:
        """An adapter unregistered from the manager is no longer called."""
        relay = Relay()
        hooks = facade(relay)

        hooks.plugin_manager.unregister(relay)

        with pytest.raises(UnknownProviderError):
            hooks.send_message(account("relay"), message())
        assert [] == relay.calls


class NoPostalCodes(Relay):
    """An adapter whose carrier's number search has no postal-code filter."""

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        return ProviderInfo(
            name=self.name,
            description="no postal codes",
            capabilities=ProviderCapabilities(
                max_concurrent_sends=1,
                search_filters=frozenset({SearchFilter.AREA_CODE, SearchFilter.CONTAINS}),
            ),
        )


class TestSearchFilters:
    """A search using a filter the carrier does not declare is refused before it is asked."""

    def test_an_undeclared_filter_is_refused_without_calling_the_adapter(self) -> None:
        adapter = NoPostalCodes()
        hooks = Hooks(make_plugin_manager(plugins=[adapter], load_entry_points=False))
        account = Account(id="acme", name="Acme", provider="relay")
        query = NumberQuery(area_code="415", postal_code="94105", region="CA")
        with pytest.raises(InvalidQueryError, match="by postal_code, region;") as caught:
            hooks.search_numbers(account, query)
        assert "area_code, contains" in str(caught.value)  # what it can search by instead
        assert [] == adapter.calls

    def test_declared_filters_reach_the_adapter(self) -> None:
        adapter = NoPostalCodes()
        hooks = Hooks(make_plugin_manager(plugins=[adapter], load_entry_points=False))
        account = Account(id="acme", name="Acme", provider="relay")
        found = hooks.search_numbers(account, NumberQuery(area_code="415", contains="555"))
        assert [RELAY_NUMBER] == [offer.number for offer in found]
        assert [("sms_search_numbers", "acme")] == adapter.calls

    def test_every_filter_is_declared_by_default(self) -> None:
        """Adapters written before the capability keep every search they had."""
        defaults = info("relay").capabilities.search_filters
        assert frozenset(SearchFilter) - {SearchFilter.LOCALITY} == defaults
        query = NumberQuery(area_code="415", region="CA", postal_code="94105", contains="55")
        assert defaults == SearchFilter.used_by(query)

    def test_locality_is_refused_unless_declared(self) -> None:
        """An adapter written before the locality filter is not asked to search by city.

        It would ignore ``NumberQuery.locality`` and offer numbers from anywhere, so the core
        refuses the search by name instead.
        """
        adapter = Relay()
        hooks = Hooks(make_plugin_manager(plugins=[adapter], load_entry_points=False))
        account = Account(id="acme", name="Acme", provider="relay")
        with pytest.raises(InvalidQueryError, match="cannot search numbers by locality;"):
            hooks.search_numbers(account, NumberQuery(locality="Austin"))
        assert [] == adapter.calls
        assert SearchFilter.LOCALITY in SearchFilter.used_by(NumberQuery(locality="Austin"))
        assert frozenset() == SearchFilter.used_by(NumberQuery(locality="  "))
