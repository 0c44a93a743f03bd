"""Steering the sandbox from tests: the :class:`CarrierDriver` the adapter contract suite uses.

Example::

    carrier = SandboxCarrier(tmp_path / "carrier.sqlite3", clock=ManualClock(start))
    driver = SandboxDriver(carrier)
    driver.complete_registration(account, RegistrationStep.BRAND, state.provider_ref)
"""

from __future__ import annotations

import secrets

from sms_core.domain import (
    Account,
    DeliveryStatus,
    FailureReason,
    NumberQuery,
    NumberSettings,
    OutboundMessage,
    PhoneNumber,
    ProvisionedNumber,
    RegistrationStep,
    SendReceipt,
    WebhookRequest,
)
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import translation
from sms_fake.carrier import SandboxCarrier
from sms_fake.errors import delivery_error_message, failure_code
from sms_fake.payloads import StatusReport, encode_report
from sms_fake.records import CarrierNumber
from sms_fake.signing import WebhookSigner
from sms_fake.translation import DELIVERY_STATUSES

__all__ = ["FALLBACK_WEBHOOK_URL", "SandboxDriver", "register_sender"]

#: Where crafted webhooks claim to go when neither the message nor the line names a URL.
FALLBACK_WEBHOOK_URL = "https://sandbox.invalid/webhooks"

# Where a number bought outside the SDK sends its webhooks: another system the agency used.
_ELSEWHERE = "https://previous-system.invalid/hooks"

_RAW_STATUSES = {status: raw for raw, status in DELIVERY_STATUSES.items()}


def register_sender(
    carrier: SandboxCarrier,
    account_id: str,
    *,
    query: NumberQuery | None = None,
    settings: NumberSettings | None = None,
    service_sid: str | None = None,
) -> CarrierNumber:
    """Buy a number that can text at once, advancing the carrier clock through the reviews.

    Args:
        query: Which number to buy (the first one offered); a 415 number by default.
        settings: The number's webhook URLs and forwarding.
        service_sid: An active messaging service of the account to attach the number to;
            without one, the sample brand, campaign and a messaging service are registered.

    Returns:
        The number, attached to an active messaging service.
    """
    offer = carrier.search_numbers(query or NumberQuery(area_code="415", limit=1))[0]
    number = carrier.purchase_number(account_id, offer.number, settings)
    if service_sid is None:
        brand = carrier.submit_brand(account_id, sample_brand())
        carrier.complete_review(account_id, brand.sid)
        campaign = carrier.submit_campaign(account_id, brand.sid, sample_campaign())
        carrier.complete_review(account_id, campaign.sid)
        service = carrier.submit_messaging_service(account_id, campaign.sid)
        service_sid = carrier.complete_review(account_id, service.sid).sid
    return carrier.attach_number(account_id, service_sid, number.sid)


class SandboxDriver:
    """A :class:`sms_core.testing.CarrierDriver` that steers a :class:`SandboxCarrier`.

    It can also forge signatures (``sign_with_other_secret``), for the contract suite's
    ``ForgingDriver`` check.

    Webhooks for inbound texts and calls go through the carrier, so it also applies their
    effects (a STOP opts out at the carrier); they are taken out of its outbox and returned.
    """

    def __init__(self, carrier: SandboxCarrier) -> None:
        self._carrier = carrier

    @property
    def carrier(self) -> SandboxCarrier:
        """The steered carrier."""
        return self._carrier

    def complete_registration(self, account: Account, step: RegistrationStep, ref: str) -> None:
        """Advance the carrier clock to the end of the step's review."""
        self._carrier.registration(account.id, ref, step)  # the ref must be of that step
        self._carrier.complete_review(account.id, ref)

    def confirm_registration(self, account: Account, step: RegistrationStep, ref: str) -> None:
        """The brand's person confirms it (replies to the OTP text, follows the 2FA link)."""
        if step is RegistrationStep.BRAND:
            self._carrier.confirm_brand(account.id, ref)

    def hold_number(self, account: Account) -> ProvisionedNumber:
        """Buy a number outside the SDK (as in the carrier's console), webhooks elsewhere."""
        offer = self._carrier.search_numbers(NumberQuery(area_code="415", limit=1))[0]
        elsewhere = NumberSettings(
            sms_url=f"{_ELSEWHERE}/sms", voice_url=f"{_ELSEWHERE}/voice", label="Front desk"
        )
        bought = self._carrier.purchase_number(account.id, offer.number, elsewhere)
        return translation.provisioned(bought)

    def hold_registration(self, account: Account) -> tuple[str, str, str]:
        """Register and approve a brand, campaign and service outside the SDK; their ids."""
        carrier, account_id = self._carrier, account.id
        brand = carrier.submit_brand(account_id, sample_brand())
        carrier.complete_review(account_id, brand.sid)
        campaign = carrier.submit_campaign(account_id, brand.sid, sample_campaign())
        carrier.complete_review(account_id, campaign.sid)
        service = carrier.submit_messaging_service(account_id, campaign.sid)
        carrier.complete_review(account_id, service.sid)
        return brand.sid, campaign.sid, service.sid

    def fail_next_registration(
        self, account: Account, step: RegistrationStep, reason: str, code: str
    ) -> None:
        """Make the next submission of ``step`` fail with ``reason`` and ``code``."""
        self._carrier.fail_next(account.id, step, reason, code)

    def review_failure_code(self, step: RegistrationStep) -> str:
        """A code the sandbox refuses a step with and reviews again: ``30893``, any step."""
        return "30893"

    def delivery_failure_code(self, reason: FailureReason) -> str:
        """The sandbox's code for a text that failed for ``reason``."""
        return failure_code(reason)

    def fail_next_number_registration(self, account: Account, reason: str, code: str) -> None:
        """The registration of the next number the account attaches fails with ``code``."""
        self._carrier.fail_next_number_registration(account.id, reason, code=code)

    def number_registration_failure_code(self) -> str:
        """The sandbox's code for a number whose registration failed: ``30126``."""
        return "30126"

    def number_registration_webhooks(
        self, account: Account, number: ProvisionedNumber
    ) -> list[WebhookRequest]:
        """Let a number registration time pass; the webhooks about the number, in order."""
        self._carrier.advance(self._carrier.number_registration_duration())
        return self._carrier.collect_webhooks(subject_sid=number.provider_ref)

    def opt_out_at_carrier(
        self, account: Account, sender: PhoneNumber, recipient: PhoneNumber
    ) -> None:
        """Block texts from ``sender`` to ``recipient`` at the carrier."""
        self._carrier.opt_out(account.id, sender, recipient)

    def status_webhook(
        self,
        account: Account,
        message: OutboundMessage,
        receipt: SendReceipt,
        status: DeliveryStatus,
        error_code: str | None = None,
    ) -> WebhookRequest:
        """A signed report that ``message`` reached ``status``, whatever its real progress.

        Raises:
            ValueError: For ``PENDING`` or ``UNKNOWN``, which no carrier reports.
        """
        if status not in _RAW_STATUSES:
            raise ValueError(f"the sandbox never reports a message as {status.value!r}")
        report = StatusReport(
            account_id=account.id,
            message_sid=receipt.provider_message_id,
            message_id=message.message_id,
            status=_RAW_STATUSES[status],
            sender=message.sender,
            recipient=message.recipient,
            occurred_at=self._carrier.now(),
            error_code=error_code,
            error_message=delivery_error_message(error_code) if error_code else None,
        )
        url = message.status_callback_url or FALLBACK_WEBHOOK_URL
        return self._carrier.signed_request(url, encode_report(report))

    def inbound_message_webhook(
        self, account: Account, sender: PhoneNumber, line: ProvisionedNumber, body: str
    ) -> WebhookRequest:
        """Have ``sender`` text ``line`` and return the carrier's signed webhook for it."""
        text = self._carrier.inject_inbound_text(
            account.id,
            sender,
            line.number,
            body,
            webhook_url=line.settings.sms_url or FALLBACK_WEBHOOK_URL,
        )
        return self._take(text.sid)

    def inbound_call_webhook(
        self, account: Account, caller: PhoneNumber, line: ProvisionedNumber
    ) -> WebhookRequest:
        """Have ``caller`` call ``line`` and return the carrier's signed webhook for it."""
        call = self._carrier.inject_inbound_call(
            account.id,
            caller,
            line.number,
            webhook_url=line.settings.voice_url or FALLBACK_WEBHOOK_URL,
        )
        return self._take(call.sid)

    def sign_with_other_secret(self, account: Account, request: WebhookRequest) -> WebhookRequest:
        """The same request signed the sandbox's way, but with a random token."""
        forger = WebhookSigner(secrets.token_hex(16))
        return forger.request(request.url, request.body, self._carrier.now())

    def _take(self, subject_sid: str) -> WebhookRequest:
        # An inbound event is due at once and always has a URL here: exactly one webhook.
        [request] = self._carrier.collect_webhooks(subject_sid=subject_sid)
        return request
