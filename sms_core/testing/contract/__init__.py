"""The adapter contract suite: the tests every carrier adapter passes.

An adapter's tests subclass :class:`CarrierContract` (or one of its groups) and override the
three fixtures that tie the suite to their carrier::

    from sms_core.testing.contract import CarrierContract


    class TestFakeCarrier(CarrierContract):
        @pytest.fixture
        def hooks(self, carrier: FakeCarrier) -> Hooks:
            return Hooks(make_plugin_manager(plugins=[carrier], load_entry_points=False))

        @pytest.fixture
        def account(self, account_id: str) -> Account:
            return Account(id=account_id, name="Contract tests", provider="fake")

        @pytest.fixture
        def driver(self, carrier: FakeCarrier) -> CarrierDriver:
            return FakeDriver(carrier)

The other fixtures have defaults an adapter may override: the number searches
(``search_query``, ``region_query``, ``postal_query``, ``contains_query``, ``empty_query``),
the candidates' numbers (``recipient``, ``opted_out_recipient``), a forwarding number
(``forward_number``), the webhook URLs (``webhook_settings``) and the registration forms
(``brand``, ``campaign``). A driver that also implements :class:`ForgingDriver` lets the suite
check signatures made with the wrong secret, and one that implements
:class:`NumberRegistrationDriver` lets it check the reports of a number's registration with
the mobile carriers (sent to ``events_url``).

The suite calls the carrier only through :class:`~sms_core.Hooks`, as the core does. It does
not assume a fresh carrier per test: an ``account`` built on ``account_id`` gives every test
an account of its own, and every number a test buys is released afterwards. A test that a
carrier's stand-in cannot honour (a mock server that keeps no state) is marked in the
subclass, with the reason::

    test_bought_number_leaves_search = pytest.mark.xfail(reason="Prism keeps no state")(
        CarrierContract.test_bought_number_leaves_search
    )
"""

# ruff: noqa: E402 - the groups are imported after their asserts are registered for rewriting.

import pytest

# Registered before the groups are imported, so a failed check explains itself as in a test.
_MODULES = (
    "fixtures",
    "discovery",
    "provisioning",
    "registration",
    "delivery",
    "webhooks",
    "number_registration",
)
pytest.register_assert_rewrite(*(f"{__name__}.{module}" for module in _MODULES))

from sms_core.testing.contract.delivery import DeliveryContract
from sms_core.testing.contract.discovery import DiscoveryContract
from sms_core.testing.contract.fixtures import HOOK_BASE_URL, CarrierFixtures, SentMessage
from sms_core.testing.contract.number_registration import (
    NumberRegistrationContract,
    NumberRegistrationDriver,
)
from sms_core.testing.contract.provisioning import ProvisioningContract
from sms_core.testing.contract.registration import RegistrationContract
from sms_core.testing.contract.webhooks import ForgingDriver, WebhookContract

__all__ = [
    "HOOK_BASE_URL",
    "CarrierContract",
    "CarrierFixtures",
    "DeliveryContract",
    "DiscoveryContract",
    "ForgingDriver",
    "NumberRegistrationContract",
    "NumberRegistrationDriver",
    "ProvisioningContract",
    "RegistrationContract",
    "SentMessage",
    "WebhookContract",
]


class CarrierContract(
    DiscoveryContract,
    ProvisioningContract,
    RegistrationContract,
    DeliveryContract,
    WebhookContract,
    NumberRegistrationContract,
):
    """The whole contract; subclass it as ``TestXxx`` and override the required fixtures."""
