"""The number registration contract: the carrier reports each attached number's registration.

An approved campaign is not yet send-ready: the carrier registers each number attached to the
messaging service with the mobile carriers, and reports it (pending, then registered or
failed) in webhooks to the account's events URL, which parse to
:class:`~sms_core.domain.NumberRegistrationUpdate` events. A driver that can play that out
implements :class:`NumberRegistrationDriver`; without it, the suite skips these tests.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

import pytest

from sms_core.domain import (
    Account,
    CarrierRegistration,
    NumberRegistrationUpdate,
    ProvisionedNumber,
    RegistrationState,
    WebhookRequest,
)
from sms_core.exceptions import WebhookSignatureError
from sms_core.plugins import Hooks
from sms_core.testing.contract.fixtures import CarrierFixtures
from sms_core.testing.contract.webhooks import ForgingDriver
from sms_core.testing.driver import CarrierDriver

__all__ = ["NumberRegistrationContract", "NumberRegistrationDriver"]


@runtime_checkable
class NumberRegistrationDriver(Protocol):
    """A driver that can let the carrier register an attached number, or fail it."""

    def fail_next_number_registration(self, account: Account, reason: str, code: str) -> None:
        """Make the registration of the account's next attached number fail with ``code``."""
        ...

    def number_registration_failure_code(self) -> str:
        """A code the carrier fails a number's registration with."""
        ...

    def number_registration_webhooks(
        self, account: Account, number: ProvisionedNumber
    ) -> list[WebhookRequest]:
        """Let the carrier finish registering an attached number; its signed webhooks, in order."""
        ...


class NumberRegistrationContract(CarrierFixtures):
    """A number attached to the approved messaging service is reported registered or failed."""

    @pytest.fixture
    def registration_driver(self, driver: CarrierDriver) -> NumberRegistrationDriver:
        """The driver, when it can play out number registrations."""
        if not isinstance(driver, NumberRegistrationDriver):
            pytest.skip("the driver cannot play out number registrations")
        return driver

    def test_attached_number_reported_registered(
        self,
        hooks: Hooks,
        account: Account,
        registration_driver: NumberRegistrationDriver,
        sending_number: ProvisionedNumber,
    ) -> None:
        """Signed webhooks about the number end with it registered; none goes backwards."""
        updates = _updates(hooks, account, registration_driver, sending_number)
        assert CarrierRegistration.REGISTERED == updates[-1].state
        assert all(u.state is not CarrierRegistration.FAILED for u in updates)
        ranks = [update.state.rank for update in updates]
        assert sorted(ranks) == ranks

    def test_failed_registration_carries_the_code(
        self,
        hooks: Hooks,
        account: Account,
        registration_driver: NumberRegistrationDriver,
        messaging_service: RegistrationState,
        purchased_number: ProvisionedNumber,
    ) -> None:
        """A failed registration is reported failed, with the carrier's code and words."""
        code = registration_driver.number_registration_failure_code()
        registration_driver.fail_next_number_registration(
            account, "The number could not be registered", code
        )
        hooks.attach_number(account, messaging_service.provider_ref, purchased_number)
        updates = _updates(hooks, account, registration_driver, purchased_number)
        failed = updates[-1]
        assert CarrierRegistration.FAILED == failed.state
        assert code == failed.error_code
        assert failed.error_message

    def test_forged_registration_webhook_refused(
        self,
        hooks: Hooks,
        account: Account,
        registration_driver: NumberRegistrationDriver,
        sending_number: ProvisionedNumber,
    ) -> None:
        """A registration webhook signed with another secret does not verify."""
        if not isinstance(registration_driver, ForgingDriver):
            pytest.skip("the driver cannot sign with another secret")
        request = registration_driver.number_registration_webhooks(account, sending_number)[-1]
        forged = registration_driver.sign_with_other_secret(account, request)
        with pytest.raises(WebhookSignatureError):
            hooks.verify_webhook(account, forged)


def _updates(
    hooks: Hooks,
    account: Account,
    driver: NumberRegistrationDriver,
    number: ProvisionedNumber,
) -> list[NumberRegistrationUpdate]:
    """The verified, parsed updates the carrier sends about ``number``; at least one."""
    updates: list[NumberRegistrationUpdate] = []
    for request in driver.number_registration_webhooks(account, number):
        hooks.verify_webhook(account, request)
        for event in hooks.parse_webhook(account, request):
            assert isinstance(event, NumberRegistrationUpdate), f"unexpected event {event!r}"
            updates.append(event)
    assert updates, f"the carrier reported nothing about {number.number}"
    for update in updates:
        assert number.provider_ref == update.provider_ref or number.number == update.number, (
            f"{update!r} is not about {number.number} ({number.provider_ref})"
        )
    return updates
