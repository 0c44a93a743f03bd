"""The adapter contract suite: the tests every carrier adapter passes.

An adapter's tests subclass :class:`CarrierContract` (or one of its groups) and override the
three fixtures that tie the suite to their carrier. The sandbox carrier's own contract test
(``adapters/fake/tests/test_contract.py``) reads::

    from collections.abc import Iterator
    from datetime import UTC, datetime

    import pytest

    from sms_core import Account, Hooks, ManualClock, make_plugin_manager
    from sms_core.testing import CarrierDriver
    from sms_core.testing.contract import CarrierContract
    from sms_fake import FakeAdapter, SandboxCarrier
    from sms_fake.testing import SandboxDriver


    class TestSandboxCarrier(CarrierContract):
        @pytest.fixture(scope="class")
        @classmethod
        def shared_carrier(
            cls, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[SandboxCarrier]:
            path = tmp_path_factory.mktemp("contract") / "sandbox-carrier.sqlite3"
            clock = ManualClock(datetime(2030, 1, 7, 9, 0, tzinfo=UTC))
            with SandboxCarrier(path, clock=clock, auth_token="contract-token") as carrier:
                yield carrier

        @pytest.fixture
        def hooks(self, shared_carrier: SandboxCarrier) -> Hooks:
            adapter = FakeAdapter(carrier=shared_carrier)
            return Hooks(make_plugin_manager(plugins=[adapter], load_entry_points=False))

        @pytest.fixture
        def account(self, account_id: str) -> Account:
            return Account(id=account_id, name="Contract Staffing", provider="fake")

        @pytest.fixture
        def driver(self, shared_carrier: SandboxCarrier) -> CarrierDriver:
            return SandboxDriver(shared_carrier)

The adapter is reached the way the core reaches it: through :class:`~sms_core.Hooks`, which
routes each provider call to the adapter named by ``account.provider`` and checks the type of
its answer. So an adapter written for the suite needs no check of whose account it is given,
and an answer of the wrong type fails the test that got it with ``PluginContractError``.

The other fixtures have defaults an adapter may override: the number searches
(``search_query``, ``region_query``, ``locality_query``, ``postal_query``,
``contains_query``, ``empty_query``),
the candidates' numbers (``recipient``, ``opted_out_recipient``), a forwarding number
(``forward_number``), the webhook URLs (``webhook_settings``) and the registration forms
(``brand``, ``campaign``), and the settings the adapter must refuse (``bad_settings``: an
unknown key by default; add a malformed value of a setting your adapter knows). A driver
that also implements :class:`ForgingDriver` lets the suite check signatures made with the
wrong secret; one that implements :class:`ReplayingDriver` (required when the adapter
declares ``ProviderCapabilities.signature_max_age``) lets it check that an old signature is
refused; and one that implements :class:`NumberRegistrationDriver`
lets it check the reports of a number's registration with the mobile carriers (sent to
``events_url``); one that implements :class:`RegistrationWebhookDriver` lets it check the
carrier's webhooks about the brands and campaigns it reviews; and one that implements
:class:`AdoptionDriver` lets it check that numbers and registrations made outside the SDK
are listed, adopted and read (for an adapter declaring
``ProviderCapabilities.adopts_existing``). Where a carrier cannot do what
a test first expects, the adapter declares it in its capabilities (``search_filters``,
``signature_covers_url``) and the test asserts the declared behaviour instead.

The suite does not assume a fresh carrier per test: an ``account`` built on ``account_id``
gives every test an account of its own, and every number a test buys is released afterwards.
A test that a carrier's stand-in cannot honour (a mock server that keeps no state) is marked
in the subclass, with the reason::

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
    "registration_webhooks",
    "settings",
    "adoption",
)
pytest.register_assert_rewrite(*(f"{__name__}.{module}" for module in _MODULES))

from sms_core.testing.contract.adoption import AdoptionContract, AdoptionDriver
from sms_core.testing.contract.delivery import DeliveryContract
from sms_core.testing.contract.discovery import DiscoveryContract
from sms_core.testing.contract.fixtures import HOOK_BASE_URL, CarrierFixtures, SentMessage
from sms_core.testing.contract.number_registration import (
    NumberRegistrationContract,
    NumberRegistrationDriver,
)
from sms_core.testing.contract.provisioning import ProvisioningContract
from sms_core.testing.contract.registration import RegistrationContract
from sms_core.testing.contract.registration_webhooks import (
    RegistrationWebhookContract,
    RegistrationWebhookDriver,
)
from sms_core.testing.contract.settings import SettingsContract
from sms_core.testing.contract.webhooks import ForgingDriver, ReplayingDriver, WebhookContract

__all__ = [
    "HOOK_BASE_URL",
    "AdoptionContract",
    "AdoptionDriver",
    "CarrierContract",
    "CarrierFixtures",
    "DeliveryContract",
    "DiscoveryContract",
    "ForgingDriver",
    "NumberRegistrationContract",
    "NumberRegistrationDriver",
    "ProvisioningContract",
    "RegistrationContract",
    "RegistrationWebhookContract",
    "RegistrationWebhookDriver",
    "ReplayingDriver",
    "SentMessage",
    "SettingsContract",
    "WebhookContract",
]


class CarrierContract(
    DiscoveryContract,
    ProvisioningContract,
    RegistrationContract,
    DeliveryContract,
    WebhookContract,
    NumberRegistrationContract,
    RegistrationWebhookContract,
    SettingsContract,
    AdoptionContract,
):
    """The whole contract; subclass it as ``TestXxx`` and override the required fixtures."""
