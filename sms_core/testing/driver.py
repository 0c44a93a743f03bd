"""What the contract suite needs from a carrier beyond its hooks: a way to steer it."""

from __future__ import annotations

from typing import Protocol

from sms_core.domain import (
    Account,
    DeliveryStatus,
    OutboundMessage,
    PhoneNumber,
    ProvisionedNumber,
    RegistrationStep,
    SendReceipt,
    WebhookRequest,
)

__all__ = ["CarrierDriver"]


class CarrierDriver(Protocol):
    """Steers a carrier (or its stand-in) the way only a test can.

    An adapter's contract tests provide one as the ``driver`` fixture. The sandbox carrier's
    driver works on the sandbox itself; a driver for a real carrier's stand-in (a mock server)
    arranges the answers that stand-in gives.
    """

    def complete_registration(self, account: Account, step: RegistrationStep, ref: str) -> None:
        """Let the carrier finish reviewing a submitted step.

        The step is approved, or fails if a failure was arranged with
        :meth:`fail_next_registration`.
        """
        ...

    def confirm_registration(self, account: Account, step: RegistrationStep, ref: str) -> None:
        """The person a reviewed brand waits for confirms it (``StepStatus.CONFIRMING``).

        A sole proprietor's owner replies to the carrier's text, a public company's brand
        contact follows the registry's 2FA e-mail link; the brand is then approved.
        """
        ...

    def fail_next_registration(
        self, account: Account, step: RegistrationStep, reason: str, code: str
    ) -> None:
        """Arrange for the next submission of ``step`` to fail with a carrier-style reason."""
        ...

    def opt_out_at_carrier(
        self, account: Account, sender: PhoneNumber, recipient: PhoneNumber
    ) -> None:
        """Make the carrier refuse sends from ``sender`` to ``recipient`` as opted out."""
        ...

    def status_webhook(
        self,
        account: Account,
        message: OutboundMessage,
        receipt: SendReceipt,
        status: DeliveryStatus,
        error_code: str | None = None,
    ) -> WebhookRequest:
        """A correctly signed delivery report for a sent message."""
        ...

    def inbound_message_webhook(
        self, account: Account, sender: PhoneNumber, line: ProvisionedNumber, body: str
    ) -> WebhookRequest:
        """A correctly signed inbound text from ``sender`` to ``line``."""
        ...

    def inbound_call_webhook(
        self, account: Account, caller: PhoneNumber, line: ProvisionedNumber
    ) -> WebhookRequest:
        """A correctly signed inbound call from ``caller`` to ``line``."""
        ...
