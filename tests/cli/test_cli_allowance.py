"""``smsadmin allowance`` and the account pool under ``seats list``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sms_core import (
    AllowanceScope,
    AllowanceUnit,
    HostInfo,
    HostPolicy,
    ManualClock,
    NumberQuery,
    hookimpl,
)
from sms_core.cli.testing import SmsadminRunner
from sms_core.services import AccountAdmin, SmsAdmin
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import SandboxCarrier

#: A Tuesday afternoon in every US time zone: quiet hours allow texting everyone.
START = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
#: The sandbox's review times: a brand takes an hour, a campaign four, a service a day.
REVIEWS = (timedelta(hours=1), timedelta(hours=4), timedelta(days=1))


class AgencyPoolHost:
    """A host product selling the agency 3 texts a month for everyone, with seats for numbers."""

    name = "agency_pool"

    @hookimpl
    def sms_host_info(self) -> HostInfo:
        """Seats hold the numbers; the allowance is one pool for the account."""
        return HostInfo(
            name=self.name,
            policy=HostPolicy(
                seats_enabled=True,
                allowance_scope=AllowanceScope.ACCOUNT,
                monthly_allowance=3,
                allowance_unit=AllowanceUnit.MESSAGE,
                users_per_number=3,
            ),
        )


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def pooled(installed: None, clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> SmsadminRunner:
    """Account ``acme`` under :class:`AgencyPoolHost`, acting as its admin (``sms.admin``)."""
    cli = SmsadminRunner(clock=clock, plugins=(AgencyPoolHost(),))
    monkeypatch.setenv("SMS_HOST", AgencyPoolHost.name)
    cli.ok("accounts", "create", "acme", "--name", "Acme Staffing", "--provider", "fake")
    monkeypatch.setenv("SMS_ACCOUNT", "acme")
    monkeypatch.setenv("SMS_ACTOR", "u-admin")
    cli.ok(
        "users",
        "upsert",
        "u-admin",
        "--first",
        "Dana",
        "--last",
        "Reyes",
        "--permission",
        "sms.admin",
    )
    cli.ok("users", "upsert", "u-ada", "--first", "Ada", "--last", "Lee")
    return cli


@pytest.fixture
def acme(pooled: SmsadminRunner, environment: Path, clock: ManualClock) -> Iterator[AccountAdmin]:
    """The pooled account through the SDK: campaign approved, Ada on Seat 1's number."""
    with (
        SandboxCarrier(environment / "sandbox-carrier.sqlite3") as carrier,
        SmsAdmin.open(
            f"sqlite:///{environment / 'smsadmin.sqlite3'}",
            host=AgencyPoolHost.name,
            plugins=[AgencyPoolHost()],
            clock=clock,
        ) as sdk,
    ):
        account = sdk.account("acme")
        account.registration.register("u-admin", sample_brand(), sample_campaign())
        for review in REVIEWS:
            carrier.advance(review)
            account.registration.sync()
        seat = account.seats.create("u-admin", "Seat 1")
        [offer] = account.numbers.search("u-admin", NumberQuery(area_code="415", limit=1))
        account.seats.complete_setup("u-admin", seat.id, offer.number, accept_terms=True)
        account.seats.assign_users("u-admin", seat.id, ["u-ada"])
        yield account


class TestAllowanceCommand:
    """smsadmin allowance, for each scope."""

    def test_pool_untouched(self, pooled: SmsadminRunner) -> None:
        """A pool no text used this month reads whole, with the day it resets."""
        shown = pooled.ok("allowance").stdout

        assert (
            "Account pool: 3 / 3 messages left this month (2026-03); resets on 2026-04-01 00:00 UTC"
        ) in shown

    def test_pool_after_a_text(self, pooled: SmsadminRunner, acme: AccountAdmin) -> None:
        """A text from a seat's line comes out of the account's pool, shown by both commands."""
        pooled.ok("--as", "u-ada", "send", "--to", "+12065550142", "--body", "Hi Sam")

        expected = "Account pool: 2 / 3 messages left this month (2026-03)"
        assert expected in pooled.ok("allowance").stdout
        listed = pooled.ok("seats", "list").stdout
        assert expected in listed
        # The seat's own allowance is not what texts use under a pool.
        assert "3 / 3" in next(line for line in listed.splitlines() if "Seat 1" in line)

    def test_per_seat(self, seats: SmsadminRunner) -> None:
        """Under the ATS each seat has its own allowance: the command says where to look."""
        shown = seats.ok("allowance").stdout

        assert "Allowance: per seat" in shown
        assert "smsadmin seats list" in shown
        assert "Account pool" not in seats.ok("seats", "list").stdout

    def test_none(self, widget: SmsadminRunner) -> None:
        """Under the HCM widget nothing is metered."""
        assert "Allowance: none" in widget.ok("allowance").stdout
