from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sms_core import ManualClock
from sms_core.plugins.defaults import ADMIN_PERMISSION
from sms_core.services import AccountAdmin, SmsAdmin

#: The admin permission of the core defaults and of both first-party hosts.
ADMIN_PERMISSIONS = (ADMIN_PERMISSION, "Marketplace Admin", "Administration")

#: A fixed moment: the tests never read the wall clock.
START = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def carrier_path(tmp_path: Path) -> Path:
    """The sandbox carrier's own state file, shared by every account of a test."""
    return tmp_path / "carrier.sqlite3"


@pytest.fixture
def host() -> str | None:
    """The host plugin to activate; the core defaults unless a test class overrides it."""
    return None


@pytest.fixture
def admin(database_url: str, clock: ManualClock, host: str | None) -> Iterator[SmsAdmin]:
    with SmsAdmin.open(
        database_url,
        host=host,
        clock=clock,
        webhook_base_url="https://sms.example.test/webhooks",
        rng=random.Random(7),
    ) as opened:
        yield opened


@pytest.fixture
def acme(admin: SmsAdmin, carrier_path: Path) -> AccountAdmin:
    """An account on the sandbox carrier with an admin and three recruiters."""
    account = admin.create_account(
        "acme",
        name="Acme Staffing",
        provider="fake",
        provider_settings={"state_path": str(carrier_path)},
    )
    account.users.upsert(
        "admin", first_name="Dana", last_name="Reyes", permissions=ADMIN_PERMISSIONS
    )
    account.users.upsert("ann", first_name="Ann", last_name="Lee")
    account.users.upsert("bob", first_name="Bob", last_name="Stone")
    account.users.upsert("cy", first_name="Cy", last_name="Young")
    return account
