"""What the contract suite needs from a carrier beyond its hooks: a way to steer it.

The suite itself names no carrier's codes: where it must arrange a situation that only a
carrier's own code can produce (a delivery that failed for a given reason, a review that
refused a step), it asks the driver for that code, and then expects the adapter to read it
back in the SDK's words.
"""

from __future__ import annotations

from typing import Protocol

from sms_core.domain import (
    Account,
    DeliveryStatus,
    FailureReason,
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

    def review_failure_code(self, step: RegistrationStep) -> str:
        """A code the carrier refuses ``step`` with on review, one it will review again."""
        ...

    def delivery_failure_code(self, reason: FailureReason) -> str:
        """The carrier's code for a text that failed for ``reason``, for :meth:`status_webhook`.

        The suite puts it in a delivery report and expects the adapter to read ``reason``
        back from it, with the code kept beside it.
        """
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
