"""Creates racing for one id or name end in one success and typed refusals (issue 13 item 8).

Each racer has its own SDK (engine and connection pool), as separate processes would, and all
start together behind a barrier. Before the store skipped clashing rows in the ``INSERT``
itself, PostgreSQL let most racers past the existence check and then raised ``IntegrityError``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sms_core import ManualClock, SmsAdmin
from sms_core.exceptions import AlreadyExistsError
from tests.services.conftest import ADMIN_PERMISSIONS, START
from tests.services.database_dump import dump

#: Racers for one account id, and for one seat name.
ACCOUNT_RACERS = 8
SEAT_RACERS = 16


def race(
    database_url: str, host: str | None, racers: int, act: Callable[[SmsAdmin], object]
) -> list[str]:
    """Run ``act`` in ``racers`` threads at once, each on its own SDK; each outcome's name."""
    admins = [
        SmsAdmin.open(database_url, host=host, clock=ManualClock(START)) for _ in range(racers)
    ]
    start = threading.Barrier(racers)

    def run(admin: SmsAdmin) -> str:
        start.wait(timeout=60)
        try:
            act(admin)
        except Exception as err:  # every outcome is counted, typed or not
            return type(err).__name__
        return "created"

    try:
        with ThreadPoolExecutor(max_workers=racers) as pool:
            return list(pool.map(run, admins))
    finally:
        for admin in admins:
            admin.close()


class TestRacingCreates:
    """One id or name, many creators at the same moment."""

    def test_create_account(self, database_url: str, tmp_path: Path) -> None:
        """Eight racers create account 'acme': one succeeds, seven get AlreadyExistsError."""
        settings = {"state_path": str(tmp_path / "carrier.sqlite3")}
        outcomes = race(
            database_url,
            None,
            ACCOUNT_RACERS,
            lambda admin: admin.create_account(
                "acme", name="Acme Staffing", provider="fake", provider_settings=settings
            ),
        )
        assert ["AlreadyExistsError"] * (ACCOUNT_RACERS - 1) + ["created"] == sorted(outcomes)
        with SmsAdmin.open(database_url, clock=ManualClock(START)) as admin:
            assert ["acme"] == [account.id for account in admin.accounts()]

    def test_create_seat(self, database_url: str, tmp_path: Path) -> None:
        """Sixteen racers create 'Seat 1': one seat, fifteen AlreadyExistsError, one audit entry."""
        with SmsAdmin.open(database_url, host="ats_seats", clock=ManualClock(START)) as admin:
            account = admin.create_account(
                "acme",
                name="Acme Staffing",
                provider="fake",
                provider_settings={"state_path": str(tmp_path / "carrier.sqlite3")},
            )
            account.users.upsert(
                "admin", first_name="Dana", last_name="Reyes", permissions=ADMIN_PERMISSIONS
            )
        outcomes = race(
            database_url,
            "ats_seats",
            SEAT_RACERS,
            lambda admin: admin.account("acme").seats.create("admin", "Seat 1"),
        )
        assert ["AlreadyExistsError"] * (SEAT_RACERS - 1) + ["created"] == sorted(outcomes)
        with SmsAdmin.open(database_url, host="ats_seats", clock=ManualClock(START)) as admin:
            assert ["Seat 1"] == [
                summary.seat.name for summary in admin.account("acme").seats.list()
            ]
            assert 1 == len(dump(admin)["audit_log"])

    def test_upsert_user(self, database_url: str, tmp_path: Path) -> None:
        """Racing upserts of one user all succeed (one statement each); one row is left."""
        with SmsAdmin.open(database_url, clock=ManualClock(START)) as admin:
            admin.create_account(
                "acme",
                name="Acme Staffing",
                provider="fake",
                provider_settings={"state_path": str(tmp_path / "carrier.sqlite3")},
            )
        outcomes = race(
            database_url,
            None,
            ACCOUNT_RACERS,
            lambda admin: admin.account("acme").users.upsert(
                "ann", first_name="Ann", last_name="Lee"
            ),
        )
        assert ["created"] * ACCOUNT_RACERS == outcomes
        with SmsAdmin.open(database_url, clock=ManualClock(START)) as admin:
            assert ["ann"] == [user.id for user in admin.account("acme").users.list()]

    def test_error_is_typed_without_a_race(self, database_url: str, tmp_path: Path) -> None:
        """The store's skip answers a plain second create the same way."""
        settings = {"state_path": str(tmp_path / "carrier.sqlite3")}
        with SmsAdmin.open(database_url, clock=ManualClock(START)) as admin:
            admin.create_account("acme", name="Acme", provider="fake", provider_settings=settings)
            before = dump(admin)
            with pytest.raises(AlreadyExistsError, match="'acme' exists"):
                admin.create_account("acme", name="Other", provider="fake")
            assert before == dump(admin)
