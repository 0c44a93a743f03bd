"""The sandbox carrier passes the adapter contract suite every carrier adapter must pass."""

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sms_core import Account, Hooks, ManualClock, make_plugin_manager
from sms_core.testing import CarrierDriver
from sms_core.testing.contract import CarrierContract
from sms_core.testing.contract.settings import UNKNOWN_SETTING
from sms_fake import FakeAdapter, SandboxCarrier
from sms_fake.adapter import STATE_PATH_SETTING
from sms_fake.testing import SandboxDriver


class TestSandboxCarrier(CarrierContract):
    """The shared contract, on one sandbox carrier file for the whole class."""

    @pytest.fixture(scope="class")
    @classmethod
    def shared_carrier(cls, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxCarrier]:
        """One carrier file for the class: the suite must not rely on a fresh carrier."""
        path: Path = tmp_path_factory.mktemp("contract") / "sandbox-carrier.sqlite3"
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

    @pytest.fixture
    def bad_settings(self) -> Sequence[Mapping[str, str]]:
        """An unknown key, and ``state_path`` (the sandbox's one setting) left empty."""
        return [{UNKNOWN_SETTING: "blue"}, {STATE_PATH_SETTING: " "}]
