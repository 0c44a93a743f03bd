"""The delivery contract: sending texts and looking up where they stand."""

from __future__ import annotations

import pytest

from sms_core.domain import (
    Account,
    DeliveryStatus,
    FailureReason,
    NumberSettings,
    PhoneNumber,
    ProvisionedNumber,
)
from sms_core.exceptions import (
    ProviderNotFoundError,
    RecipientOptedOutError,
    UnregisteredSenderError,
)
from sms_core.plugins import Hooks
from sms_core.testing.contract.fixtures import CarrierFixtures, SentMessage, outbound_message
from sms_core.testing.driver import CarrierDriver

__all__ = ["DeliveryContract"]

# What a carrier may answer a send with: accepted, on its way, or already delivered.
_ACCEPTED = frozenset({DeliveryStatus.QUEUED, DeliveryStatus.SENT, DeliveryStatus.DELIVERED})


class DeliveryContract(CarrierFixtures):
    """Sending texts and looking up their status."""

    def test_unregistered_sender_is_refused(
        self,
        hooks: Hooks,
        account: Account,
        purchased_number: ProvisionedNumber,
        recipient: PhoneNumber,
        webhook_settings: NumberSettings,
    ) -> None:
        """A text from a number on no approved campaign fails as ``UNREGISTERED_SENDER``.

        A carrier may refuse it at once (UnregisteredSenderError), or accept it and fail it
        afterwards: then fetching it reports FAILED. Either way the reason is
        ``UNREGISTERED_SENDER`` with the carrier's code beside it. The SDK handles both: a
        refusal frees the text's idempotency key, and a later failure reaches the message
        through the status callback or reconciliation.
        """
        message = outbound_message(purchased_number, recipient, webhook_settings)
        try:
            receipt = hooks.send_message(account, message)
        except UnregisteredSenderError as refused:
            status, reason, code = DeliveryStatus.FAILED, refused.reason, refused.code
        else:
            update = hooks.fetch_message(account, message, receipt.provider_message_id)
            status, reason, code = update.status, update.failure_reason, update.error_code
        assert (DeliveryStatus.FAILED, FailureReason.UNREGISTERED_SENDER) == (status, reason)
        assert code, "the carrier's code is kept beside the reason"

    def test_send_returns_provider_id_and_initial_status(self, sent_message: SentMessage) -> None:
        """A send from a registered number has a carrier id and is queued, sent or delivered."""
        _, receipt = sent_message
        assert receipt.provider_message_id
        assert receipt.status in _ACCEPTED

    def test_fetch_message_by_provider_id(
        self, hooks: Hooks, account: Account, sent_message: SentMessage
    ) -> None:
        """Fetching by the carrier's id gives that message's status."""
        message, receipt = sent_message
        update = hooks.fetch_message(account, message, receipt.provider_message_id)
        assert receipt.provider_message_id == update.provider_message_id

    def test_fetch_message_without_provider_id(
        self, hooks: Hooks, account: Account, sent_message: SentMessage
    ) -> None:
        """When the send's answer was lost, the message is still found by the SDK's id."""
        message, receipt = sent_message
        update = hooks.fetch_message(account, message, None)
        assert receipt.provider_message_id == update.provider_message_id

    def test_fetch_unsent_message_raises_not_found(
        self,
        hooks: Hooks,
        account: Account,
        sending_number: ProvisionedNumber,
        recipient: PhoneNumber,
        webhook_settings: NumberSettings,
    ) -> None:
        """A message that never reached the carrier raises ProviderNotFoundError."""
        never_sent = outbound_message(sending_number, recipient, webhook_settings)
        with pytest.raises(ProviderNotFoundError):
            hooks.fetch_message(account, never_sent, None)

    def test_opted_out_recipient_is_refused(
        self,
        hooks: Hooks,
        account: Account,
        driver: CarrierDriver,
        sending_number: ProvisionedNumber,
        opted_out_recipient: PhoneNumber,
        webhook_settings: NumberSettings,
    ) -> None:
        """A send to a recipient opted out at the carrier raises RecipientOptedOutError.

        Its reason is ``OPTED_OUT`` and the carrier's code is kept beside it.
        """
        driver.opt_out_at_carrier(account, sending_number.number, opted_out_recipient)
        message = outbound_message(sending_number, opted_out_recipient, webhook_settings)
        with pytest.raises(RecipientOptedOutError) as caught:
            hooks.send_message(account, message)
        assert FailureReason.OPTED_OUT is caught.value.reason
        assert caught.value.code, "the carrier's code is kept beside the reason"
