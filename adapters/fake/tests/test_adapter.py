import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import attrs
import pytest

from sms_core import (
    Account,
    DeliveryStatus,
    Hooks,
    InboundCall,
    InboundMessage,
    KeywordClass,
    ManualClock,
    NumberQuery,
    NumberSettings,
    OutboundMessage,
    PhoneNumber,
    ProviderCapabilities,
    ProviderInfo,
    ProviderNotFoundError,
    ProvisionedNumber,
    RegistrationFailure,
    RegistrationStep,
    StatusUpdate,
    StepStatus,
    UnsupportedFeatureError,
    WebhookPayloadError,
    WebhookRequest,
    WebhookSignatureError,
    hookimpl,
    make_plugin_manager,
)
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import (
    BrandStatus,
    CampaignStatus,
    CarrierNumber,
    FakeAdapter,
    MessageStatus,
    SandboxCarrier,
    ServiceStatus,
    adapter,
)
from sms_fake.translation import delivery_status, step_status

_TWILIO = Account(id="northwind", name="Northwind Staffing", provider="twilio")
_LINE = PhoneNumber.parse("+1 415 555 0134")


def _request(body: bytes = b"{}") -> WebhookRequest:
    return WebhookRequest(method="POST", url="http://127.0.0.1/hooks", body=body)


_NUMBER = ProvisionedNumber(number=_LINE, provider_ref="PN1")
_MESSAGE = OutboundMessage(message_id="m", sender=_LINE, recipient=_LINE, body="hi")
_CALLS: dict[str, Callable[[Hooks], object]] = {
    "search_numbers": lambda h: h.search_numbers(_TWILIO, NumberQuery()),
    "purchase_number": lambda h: h.purchase_number(_TWILIO, _LINE, NumberSettings()),
    "release_number": lambda h: h.release_number(_TWILIO, _NUMBER),
    "configure_number": lambda h: h.configure_number(_TWILIO, _NUMBER, NumberSettings()),
    "submit_brand": lambda h: h.submit_brand(_TWILIO, sample_brand()),
    "submit_campaign": lambda h: h.submit_campaign(_TWILIO, "BN", sample_campaign()),
    "submit_messaging_service": lambda h: h.submit_messaging_service(
        _TWILIO, "QE", NumberSettings()
    ),
    "fetch_registration": lambda h: h.fetch_registration(_TWILIO, RegistrationStep.BRAND, "BN"),
    "resend_confirmation": lambda h: h.resend_confirmation(_TWILIO, RegistrationStep.BRAND, "BN"),
    "attach_number": lambda h: h.attach_number(_TWILIO, "MG", _NUMBER),
    "send_message": lambda h: h.send_message(_TWILIO, _MESSAGE),
    "fetch_message": lambda h: h.fetch_message(_TWILIO, _MESSAGE, None),
    "verify_webhook": lambda h: h.verify_webhook(_TWILIO, _request()),
    "parse_webhook": lambda h: h.parse_webhook(_TWILIO, _request()),
    "answer_call": lambda h: h.answer_call(
        _TWILIO, InboundCall(provider_call_id="CA1", caller=_LINE, called=_LINE), None
    ),
    "acknowledge_webhook": lambda h: h.acknowledge_webhook(_TWILIO, ()),
}


class IdleCarrier:
    """Another carrier's adapter that provides no feature at all."""

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        return ProviderInfo(
            name=_TWILIO.provider,
            description="a carrier that does nothing",
            capabilities=ProviderCapabilities(max_concurrent_sends=1),
        )


class TestOtherProviders:
    """Calls for accounts of other carriers never reach the sandbox (the core routes them)."""

    @pytest.mark.parametrize("call", list(_CALLS))
    def test_other_carriers_account_reaches_only_its_carrier(
        self, carrier: SandboxCarrier, call: str
    ) -> None:
        """The adapter, which no longer checks the account, does not answer another's call.

        The other carrier provides nothing, so the call is refused as unsupported by it.
        """
        sandbox = FakeAdapter(carrier=carrier)
        hooks = Hooks(
            make_plugin_manager(plugins=[sandbox, IdleCarrier()], load_entry_points=False)
        )
        with pytest.raises(UnsupportedFeatureError, match="provider 'twilio'"):
            _CALLS[call](hooks)


class TestProviderInfo:
    """The adapter describes itself."""

    def test_name_and_capabilities(self, hooks: Hooks) -> None:
        """It is 'fake', sends ten at a time and sells US, CA and GB numbers."""
        info = hooks.providers()["fake"]
        assert 10 == info.capabilities.max_concurrent_sends
        assert 1600 == info.capabilities.max_body_characters
        assert frozenset({"US", "CA", "GB"}) == info.capabilities.countries


class TestThroughHooks:
    """The SDK's façade drives the sandbox through the adapter."""

    def test_number_lifecycle(
        self, hooks: Hooks, account: Account, hook_settings: NumberSettings
    ) -> None:
        """Search, buy, configure and release, each shaped as the SDK expects."""
        [offer] = hooks.search_numbers(account, NumberQuery(area_code="415", limit=1))
        bought = hooks.purchase_number(account, offer.number, hook_settings)
        assert (offer.number, hook_settings) == (bought.number, bought.settings)
        assert bought.provider_ref.startswith("PN")
        forwarding = NumberSettings(forward_to=PhoneNumber.parse("+1 312 555 0175"))
        configured = hooks.configure_number(account, bought, forwarding)
        assert forwarding == configured.settings
        hooks.release_number(account, configured)
        with pytest.raises(ProviderNotFoundError):
            hooks.release_number(account, configured)

    def test_registration_states(
        self, hooks: Hooks, account: Account, carrier: SandboxCarrier
    ) -> None:
        """Raw statuses map to the SDK's steps, with the failure reasons on failure."""
        carrier.fail_next(account.id, RegistrationStep.CAMPAIGN, "Samples lack STOP", "30893")
        brand = hooks.submit_brand(account, sample_brand())
        assert (StepStatus.IN_PROGRESS, "PENDING") == (brand.status, brand.raw_status)
        carrier.complete_review(account.id, brand.provider_ref)
        approved = hooks.fetch_registration(account, RegistrationStep.BRAND, brand.provider_ref)
        assert (StepStatus.APPROVED, "APPROVED") == (approved.status, approved.raw_status)
        assert carrier.now() == approved.updated_at
        campaign = hooks.submit_campaign(account, brand.provider_ref, sample_campaign())
        carrier.complete_review(account.id, campaign.provider_ref)
        failed = hooks.fetch_registration(account, RegistrationStep.CAMPAIGN, campaign.provider_ref)
        assert (StepStatus.FAILED, "FAILED") == (failed.status, failed.raw_status)
        expected = (RegistrationFailure(reason="Samples lack STOP", code="30893"),)
        assert expected == failed.failures
        again = hooks.submit_campaign(
            account, brand.provider_ref, sample_campaign(), campaign.provider_ref
        )
        assert (campaign.provider_ref, StepStatus.IN_PROGRESS) == (again.provider_ref, again.status)

    def test_fetch_registration_checks_the_step(self, hooks: Hooks, account: Account) -> None:
        """A brand's id asked for as a campaign is not found."""
        brand = hooks.submit_brand(account, sample_brand())
        with pytest.raises(ProviderNotFoundError):
            hooks.fetch_registration(account, RegistrationStep.CAMPAIGN, brand.provider_ref)

    def test_attach_makes_a_registered_sender(
        self,
        hooks: Hooks,
        account: Account,
        carrier: SandboxCarrier,
        sender: CarrierNumber,
        recipient: PhoneNumber,
    ) -> None:
        """A second number attached through the hook can send."""
        [offer] = hooks.search_numbers(account, NumberQuery(area_code="212", limit=1))
        bought = hooks.purchase_number(account, offer.number, NumberSettings())
        hooks.attach_number(account, sender.service_sid or "", bought)
        message = OutboundMessage(
            message_id="m-1", sender=bought.number, recipient=recipient, body="Hi"
        )
        assert DeliveryStatus.QUEUED == hooks.send_message(account, message).status

    def test_send_and_fetch(
        self,
        hooks: Hooks,
        account: Account,
        carrier: SandboxCarrier,
        sender: CarrierNumber,
        recipient: PhoneNumber,
    ) -> None:
        """The receipt and later fetches carry ids, statuses, segments and the raw resource."""
        message = OutboundMessage(
            message_id="m-9", sender=sender.number, recipient=recipient, body="ê" * 80
        )
        receipt = hooks.send_message(account, message)
        assert (DeliveryStatus.QUEUED, "queued", 2) == (
            receipt.status,
            receipt.raw_status,
            receipt.segments,
        )
        assert receipt.provider_message_id == receipt.raw["sid"]
        carrier.advance(timedelta(seconds=3))
        by_id = hooks.fetch_message(account, message, receipt.provider_message_id)
        lost = hooks.fetch_message(account, message, None)
        assert by_id == lost
        assert (DeliveryStatus.DELIVERED, "m-9") == (by_id.status, by_id.message_id)
        assert carrier.now() == by_id.occurred_at

    def test_fetch_failed_message(
        self,
        hooks: Hooks,
        account: Account,
        carrier: SandboxCarrier,
        sender: CarrierNumber,
        recipient: PhoneNumber,
    ) -> None:
        """A failed text's status carries the carrier's code and words."""
        carrier.mark_recipient(recipient, "30006")
        message = OutboundMessage(
            message_id="m-3", sender=sender.number, recipient=recipient, body="Hi"
        )
        receipt = hooks.send_message(account, message)
        carrier.advance(timedelta(seconds=3))
        update = hooks.fetch_message(account, message, receipt.provider_message_id)
        assert (DeliveryStatus.UNDELIVERED, "30006", "Landline or unreachable carrier") == (
            update.status,
            update.error_code,
            update.error_message,
        )


class TestWebhookParsing:
    """Verified sandbox webhooks become the SDK's events."""

    def test_status_reports(
        self,
        hooks: Hooks,
        account: Account,
        carrier: SandboxCarrier,
        sender: CarrierNumber,
        recipient: PhoneNumber,
    ) -> None:
        """Each report verifies and parses to one update with both ids."""
        message = OutboundMessage(
            message_id="m-5", sender=sender.number, recipient=recipient, body="Hi"
        )
        receipt = hooks.send_message(account, message)
        carrier.advance(timedelta(seconds=3))
        updates = []
        for request in carrier.collect_webhooks():
            hooks.verify_webhook(account, request)
            updates.extend(hooks.parse_webhook(account, request))
        assert [DeliveryStatus.SENT, DeliveryStatus.DELIVERED] == [
            update.status for update in updates if isinstance(update, StatusUpdate)
        ]
        assert {(receipt.provider_message_id, "m-5")} == {
            (update.provider_message_id, update.message_id)
            for update in updates
            if isinstance(update, StatusUpdate)
        }

    def test_inbound_text_and_call(
        self,
        hooks: Hooks,
        account: Account,
        carrier: SandboxCarrier,
        sender: CarrierNumber,
        recipient: PhoneNumber,
    ) -> None:
        """An inbound text keeps its keyword verdict; a call names caller and line."""
        carrier.inject_inbound_text(account.id, recipient, sender.number, "STOP")
        carrier.inject_inbound_call(account.id, recipient, sender.number)
        text_request, call_request = carrier.collect_webhooks()
        [text] = hooks.parse_webhook(account, text_request)
        [call] = hooks.parse_webhook(account, call_request)
        assert isinstance(text, InboundMessage)
        assert (recipient, sender.number, "STOP", KeywordClass.OPT_OUT) == (
            text.sender,
            text.recipient,
            text.body,
            text.carrier_keyword,
        )
        assert "message.inbound" == text.raw["event"]
        assert isinstance(call, InboundCall)
        assert (recipient, sender.number) == (call.caller, call.called)
        assert call.provider_call_id.startswith("CA")

    def test_unsigned_request_is_refused(
        self,
        hooks: Hooks,
        account: Account,
        carrier: SandboxCarrier,
        sender: CarrierNumber,
        recipient: PhoneNumber,
    ) -> None:
        """Without its signature header, a request raises WebhookSignatureError."""
        carrier.inject_inbound_text(account.id, recipient, sender.number, "Hi")
        [request] = carrier.collect_webhooks()
        unsigned = attrs.evolve(request, headers={"content-type": "application/json"})
        with pytest.raises(WebhookSignatureError):
            hooks.verify_webhook(account, unsigned)

    def test_report_for_another_account_is_refused(
        self, hooks: Hooks, carrier: SandboxCarrier, sender: CarrierNumber, recipient: PhoneNumber
    ) -> None:
        """A webhook about account A that reaches account B's endpoint is malformed for B."""
        carrier.inject_inbound_text(sender.account_id, recipient, sender.number, "Hi")
        [request] = carrier.collect_webhooks()
        other = Account(id="acme", name="Acme Staffing", provider="fake")
        with pytest.raises(WebhookPayloadError, match="reached the endpoint of account 'acme'"):
            hooks.parse_webhook(other, request)

    @pytest.mark.parametrize(
        "body",
        [
            b"not json",
            b"[]",
            b'{"event": "message.deleted"}',
            b'{"event": "message.status", "account_id": "northwind"}',
            b'{"event": "call.inbound", "account_id": "northwind", "call_sid": "CA1", '
            b'"from": "12", "to": "+14155550134", "occurred_at": "2030-01-07T09:00:00+00:00"}',
            b'{"event": "call.inbound", "account_id": "northwind", "call_sid": "CA1", '
            b'"from": "+14155550134", "to": "+14155550134", "occurred_at": "2030-01-07T09:00"}',
        ],
    )
    def test_malformed_body(self, hooks: Hooks, account: Account, body: bytes) -> None:
        """A body that is not a complete sandbox report raises WebhookPayloadError."""
        with pytest.raises(WebhookPayloadError):
            hooks.parse_webhook(account, _request(body))

    def test_unknown_status_word_is_unknown(self, hooks: Hooks, account: Account) -> None:
        """A status word the tables do not know parses as UNKNOWN, with the word kept."""
        body = {
            "event": "message.status",
            "account_id": "northwind",
            "message_sid": "SM1",
            "status": "partially_delivered",
            "from": "+14155550134",
            "to": "+12065550142",
            "occurred_at": "2030-01-07T09:00:00+00:00",
            "new_field": "ignored",
        }
        [update] = hooks.parse_webhook(account, _request(json.dumps(body).encode()))
        assert isinstance(update, StatusUpdate)
        assert (DeliveryStatus.UNKNOWN, "partially_delivered", None) == (
            update.status,
            update.raw_status,
            update.message_id,
        )


class TestAnswers:
    """What the adapter answers the sandbox."""

    @pytest.fixture
    def call(self) -> InboundCall:
        return InboundCall(
            provider_call_id="CA1", caller=PhoneNumber.parse("+1 206 555 0142"), called=_LINE
        )

    def test_forwarding_call(self, hooks: Hooks, account: Account, call: InboundCall) -> None:
        """A forwarding line answers with a forward action to its number."""
        forward_to = PhoneNumber.parse("+1 312 555 0175")
        response = hooks.answer_call(account, call, forward_to)
        assert (200, "application/json") == (response.status, response.content_type)
        assert {"action": "forward", "to": "+13125550175"} == json.loads(response.body)

    def test_declining_call(self, hooks: Hooks, account: Account, call: InboundCall) -> None:
        """A line without forwarding declines with a polite message."""
        response = hooks.answer_call(account, call, None)
        answer = json.loads(response.body)
        assert "decline" == answer["action"]
        assert "send a text message" in answer["say"]

    def test_acknowledge(self, hooks: Hooks, account: Account) -> None:
        """Other webhooks are answered 204 with an empty body."""
        response = hooks.acknowledge_webhook(account, [])
        assert (204, b"") == (response.status, response.body)


class TestStatusTables:
    """Raw words map through tables, with safe fallbacks."""

    @pytest.mark.parametrize("raw", [*BrandStatus, *CampaignStatus, *ServiceStatus])
    def test_every_registration_word_is_mapped(self, raw: str) -> None:
        """Each word the sandbox uses has its own step status."""
        expected = {"APPROVED", "VERIFIED", "ACTIVE"}, {"FAILED"}, {"UNCONFIRMED"}
        status = step_status(raw)
        if raw in expected[0]:
            assert StepStatus.APPROVED == status
        elif raw in expected[1]:
            assert StepStatus.FAILED == status
        elif raw in expected[2]:
            assert StepStatus.CONFIRMING == status
        else:
            assert StepStatus.IN_PROGRESS == status

    @pytest.mark.parametrize("raw", list(MessageStatus))
    def test_every_message_word_is_mapped(self, raw: MessageStatus) -> None:
        """Each message word maps to the normalized status of the same name."""
        assert DeliveryStatus(raw.value) == delivery_status(raw)

    def test_unknown_words(self) -> None:
        """Unknown words are never taken for approval or delivery."""
        assert StepStatus.IN_PROGRESS == step_status("SUSPENDED_MAYBE")
        assert DeliveryStatus.UNKNOWN == delivery_status("read")


class TestCarrierLocation:
    """Where the adapter finds an account's carrier."""

    @pytest.fixture
    def opened(self) -> Iterator[list[FakeAdapter]]:
        adapters: list[FakeAdapter] = []
        yield adapters
        for each in adapters:
            each.close()

    def _adapter(
        self, opened: list[FakeAdapter], clock: ManualClock, environ: dict[str, str]
    ) -> FakeAdapter:
        built = FakeAdapter(clock=clock, environ=environ)
        opened.append(built)
        return built

    def test_account_setting_wins(
        self, tmp_path: Path, clock: ManualClock, opened: list[FakeAdapter]
    ) -> None:
        """state_path in the account's provider settings names the file."""
        built = self._adapter(opened, clock, {"SMS_FAKE_STATE": str(tmp_path / "env.sqlite3")})
        account = Account(
            id="a",
            name="A",
            provider="fake",
            provider_settings={"state_path": str(tmp_path / "account.sqlite3")},
        )
        assert str(tmp_path / "account.sqlite3") == built.carrier_for(account).path

    def test_environment_next(
        self, tmp_path: Path, clock: ManualClock, opened: list[FakeAdapter]
    ) -> None:
        """SMS_FAKE_STATE names the file when the account does not."""
        built = self._adapter(opened, clock, {"SMS_FAKE_STATE": str(tmp_path / "env.sqlite3")})
        account = Account(id="a", name="A", provider="fake")
        assert str(tmp_path / "env.sqlite3") == built.carrier_for(account).path

    def test_default_under_xdg_data_home(
        self, tmp_path: Path, clock: ManualClock, opened: list[FakeAdapter]
    ) -> None:
        """Without either, the file lives under $XDG_DATA_HOME/smsadmin/."""
        built = self._adapter(opened, clock, {"XDG_DATA_HOME": str(tmp_path)})
        account = Account(id="a", name="A", provider="fake")
        expected = tmp_path / "smsadmin" / "sandbox-carrier.sqlite3"
        assert str(expected) == built.carrier_for(account).path
        assert expected.exists()

    def test_one_carrier_per_file(
        self, tmp_path: Path, clock: ManualClock, opened: list[FakeAdapter]
    ) -> None:
        """Accounts on one file share a carrier; another file is another carrier."""
        built = self._adapter(opened, clock, {"SMS_FAKE_STATE": str(tmp_path / "shared.sqlite3")})
        first = built.carrier_for(Account(id="a", name="A", provider="fake"))
        second = built.carrier_for(Account(id="b", name="B", provider="fake"))
        third = built.carrier_for(
            Account(id="c", name="C", provider="fake", provider_settings={"state_path": ":memory:"})
        )
        assert first is second
        assert first is not third
        assert ":memory:" == third.path

    def test_token_from_adapter_environment(
        self, tmp_path: Path, clock: ManualClock, opened: list[FakeAdapter]
    ) -> None:
        """The carriers the adapter opens sign with SMS_FAKE_AUTH_TOKEN from its environment."""
        environ = {"SMS_FAKE_STATE": str(tmp_path / "s.sqlite3"), "SMS_FAKE_AUTH_TOKEN": "tok"}
        built = self._adapter(opened, clock, environ)
        request = built.carrier_for(Account(id="a", name="A", provider="fake")).signed_request(
            "http://127.0.0.1/x", b"{}"
        )
        with SandboxCarrier(":memory:", clock=clock, auth_token="tok") as same_token:
            assert same_token.verify_webhook(request)


class TestEntryPoint:
    """The distribution publishes the adapter the way a third party would."""

    def test_installed_plugin_is_the_adapter(self) -> None:
        """Loading entry points registers sms_fake.adapter:adapter as 'fake'."""
        pm = make_plugin_manager(environ={})
        assert adapter is pm.get_plugin("fake")
        assert "fake" in Hooks(pm).providers()
