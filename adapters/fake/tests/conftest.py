"""Fixtures shared by the sandbox carrier's tests: a carrier on a real SQLite file."""

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sms_core import Account, Hooks, ManualClock, NumberSettings, PhoneNumber, make_plugin_manager
from sms_fake import CarrierNumber, FakeAdapter, SandboxCarrier
from sms_fake.testing import register_sender


@pytest.fixture
def clock() -> ManualClock:
    """The base clock: a Monday morning that only moves when a test moves it."""
    return ManualClock(datetime(2030, 1, 7, 9, 0, tzinfo=UTC))


@pytest.fixture
def state_path(tmp_path: Path) -> Path:
    """Where the carrier keeps its state."""
    return tmp_path / "sandbox-carrier.sqlite3"


@pytest.fixture
def carrier(state_path: Path, clock: ManualClock) -> Iterator[SandboxCarrier]:
    """A carrier on a fresh SQLite file, signing with a test token."""
    with SandboxCarrier(state_path, clock=clock, auth_token="test-token") as carrier:
        yield carrier


@pytest.fixture
def account_id() -> str:
    """The agency texting through the carrier."""
    return "northwind"


@pytest.fixture
def account(account_id: str) -> Account:
    """The agency as the SDK knows it."""
    return Account(id=account_id, name="Northwind Staffing", provider="fake")


@pytest.fixture
def hooks(carrier: SandboxCarrier) -> Hooks:
    """The SDK's façade with the adapter serving every fake account from ``carrier``."""
    return Hooks(
        make_plugin_manager(plugins=[FakeAdapter(carrier=carrier)], load_entry_points=False)
    )


@pytest.fixture
def hook_settings() -> NumberSettings:
    """Webhook URLs on loopback (nothing is ever posted there without a mock transport)."""
    return NumberSettings(
        sms_url="http://127.0.0.1:8765/hooks/sms",
        status_callback_url="http://127.0.0.1:8765/hooks/status",
        voice_url="http://127.0.0.1:8765/hooks/voice",
        label="Dana's line",
    )


@pytest.fixture
def sender(
    carrier: SandboxCarrier, account_id: str, hook_settings: NumberSettings
) -> CarrierNumber:
    """A number of the account attached to an active messaging service."""
    return register_sender(carrier, account_id, settings=hook_settings)


@pytest.fixture
def recipient() -> PhoneNumber:
    """A candidate's mobile number."""
    return PhoneNumber.parse("+1 206 555 0142")
