import pytest

from sms_core import (
    Account,
    DeliveryStatus,
    Hooks,
    InboundCall,
    InboundMessage,
    KeywordClass,
    OutboundMessage,
    PhoneNumber,
    ProviderNotFoundError,
    ProvisionedNumber,
    RegistrationStep,
    StatusUpdate,
    StepStatus,
    WebhookSignatureError,
)
from sms_core.testing import CarrierDriver, sample_brand
from sms_fake import CarrierNumber, SandboxCarrier
from sms_fake.testing import FALLBACK_WEBHOOK_URL, SandboxDriver


@pytest.fixture
def driver(carrier: SandboxCarrier) -> SandboxDriver:
    return SandboxDriver(carrier)


@pytest.fixture
def line(carrier: SandboxCarrier, sender: CarrierNumber) -> ProvisionedNumber:
    return ProvisionedNumber(
        number=sender.number, provider_ref=sender.sid, settings=sender.settings
    )


class TestSandboxDriver:
    """The driver steers the sandbox for the adapter contract suite."""

    def test_is_a_carrier_driver(self, driver: SandboxDriver) -> None:
        """It implements the protocol (mypy checks the assignment)."""
        typed: CarrierDriver = driver
        assert typed is driver

    def test_complete_registration(
        self, hooks: Hooks, account: Account, driver: SandboxDriver
    ) -> None:
        """Completing a step moves the carrier to its decision."""
        brand = hooks.submit_brand(account, sample_brand())
        driver.complete_registration(account, RegistrationStep.BRAND, brand.provider_ref)
        fetched = hooks.fetch_registration(account, RegistrationStep.BRAND, brand.provider_ref)
        assert StepStatus.APPROVED == fetched.status

    def test_fail_next_registration(
        self, hooks: Hooks, account: Account, driver: SandboxDriver
    ) -> None:
        """An arranged failure shows with its reason and code."""
        driver.fail_next_registration(account, RegistrationStep.BRAND, "TAX_ID mismatch", "30794")
        brand = hooks.submit_brand(account, sample_brand())
        driver.complete_registration(account, RegistrationStep.BRAND, brand.provider_ref)
        fetched = hooks.fetch_registration(account, RegistrationStep.BRAND, brand.provider_ref)
        assert StepStatus.FAILED == fetched.status
        assert [("TAX_ID mismatch", "30794")] == [(f.reason, f.code) for f in fetched.failures]

    def test_complete_registration_checks_the_step(
        self, hooks: Hooks, account: Account, driver: SandboxDriver
    ) -> None:
        """A brand's id given as a campaign's is an error, not a silent success."""
        brand = hooks.submit_brand(account, sample_brand())
        with pytest.raises(ProviderNotFoundError, match="campaign"):
            driver.complete_registration(account, RegistrationStep.CAMPAIGN, brand.provider_ref)

    def test_opt_out_at_carrier(
        self,
        driver: SandboxDriver,
        carrier: SandboxCarrier,
        account: Account,
        sender: CarrierNumber,
        recipient: PhoneNumber,
    ) -> None:
        """The carrier refuses the pair afterwards."""
        driver.opt_out_at_carrier(account, sender.number, recipient)
        assert carrier.is_opted_out(account.id, sender.number, recipient)

    @pytest.mark.parametrize(
        ("status", "error_code"),
        [
            (DeliveryStatus.SENT, None),
            (DeliveryStatus.DELIVERED, None),
            (DeliveryStatus.UNDELIVERED, "30003"),
            (DeliveryStatus.FAILED, "30007"),
            (DeliveryStatus.CANCELED, None),
        ],
    )
    def test_status_webhook(
        self,
        hooks: Hooks,
        account: Account,
        driver: SandboxDriver,
        sender: CarrierNumber,
        recipient: PhoneNumber,
        status: DeliveryStatus,
        error_code: str | None,
    ) -> None:
        """A crafted report verifies and parses back to the status, ids and code."""
        message = OutboundMessage(
            message_id="m-1", sender=sender.number, recipient=recipient, body="Hi"
        )
        receipt = hooks.send_message(account, message)
        request = driver.status_webhook(account, message, receipt, status, error_code)
        hooks.verify_webhook(account, request)
        [update] = hooks.parse_webhook(account, request)
        assert isinstance(update, StatusUpdate)
        assert (receipt.provider_message_id, "m-1", status, error_code) == (
            update.provider_message_id,
            update.message_id,
            update.status,
            update.error_code,
        )
        assert FALLBACK_WEBHOOK_URL == request.url

    def test_status_webhook_refuses_unreportable_status(
        self,
        hooks: Hooks,
        account: Account,
        driver: SandboxDriver,
        sender: CarrierNumber,
        recipient: PhoneNumber,
    ) -> None:
        """No carrier reports a message as pending."""
        message = OutboundMessage(
            message_id="m-1", sender=sender.number, recipient=recipient, body="Hi"
        )
        receipt = hooks.send_message(account, message)
        with pytest.raises(ValueError, match="pending"):
            driver.status_webhook(account, message, receipt, DeliveryStatus.PENDING)

    def test_inbound_message_webhook_goes_through_the_carrier(
        self,
        hooks: Hooks,
        account: Account,
        driver: SandboxDriver,
        carrier: SandboxCarrier,
        line: ProvisionedNumber,
        recipient: PhoneNumber,
    ) -> None:
        """The inbound STOP is applied at the carrier and handed over, not left in the outbox."""
        request = driver.inbound_message_webhook(account, recipient, line, "STOP")
        hooks.verify_webhook(account, request)
        [inbound] = hooks.parse_webhook(account, request)
        assert isinstance(inbound, InboundMessage)
        assert (recipient, line.number, KeywordClass.OPT_OUT) == (
            inbound.sender,
            inbound.recipient,
            inbound.carrier_keyword,
        )
        assert line.settings.sms_url == request.url
        assert carrier.is_opted_out(account.id, line.number, recipient)
        assert [] == carrier.collect_webhooks()

    def test_inbound_call_webhook(
        self,
        hooks: Hooks,
        account: Account,
        driver: SandboxDriver,
        line: ProvisionedNumber,
        recipient: PhoneNumber,
    ) -> None:
        """A call from the candidate parses with caller and line."""
        request = driver.inbound_call_webhook(account, recipient, line)
        hooks.verify_webhook(account, request)
        [call] = hooks.parse_webhook(account, request)
        assert isinstance(call, InboundCall)
        assert (recipient, line.number) == (call.caller, call.called)

    def test_forged_signature_is_refused(
        self,
        hooks: Hooks,
        account: Account,
        driver: SandboxDriver,
        line: ProvisionedNumber,
        recipient: PhoneNumber,
    ) -> None:
        """A request signed with another secret fails verification."""
        request = driver.inbound_message_webhook(account, recipient, line, "Hello")
        forged = driver.sign_with_other_secret(account, request)
        with pytest.raises(WebhookSignatureError):
            hooks.verify_webhook(account, forged)
