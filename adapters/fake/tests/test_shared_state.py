import sqlite3
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sms_core import ConfigurationError, ManualClock, NumberQuery, NumberUnavailableError
from sms_fake import SandboxCarrier

_CHILD = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime, timedelta

    from sms_core import ManualClock, NumberQuery
    from sms_fake import SandboxCarrier

    clock = ManualClock(datetime(2030, 1, 7, 9, 0, tzinfo=UTC))
    with SandboxCarrier(sys.argv[1], clock=clock) as carrier:
        print(carrier.now().isoformat())
        print(" ".join(number.number.e164 for number in carrier.numbers("northwind")))
        offer = carrier.search_numbers(NumberQuery(area_code="212", limit=1))[0]
        carrier.purchase_number("northwind", offer.number)
        carrier.advance(timedelta(minutes=30))
    """
)


class TestSharedFile:
    """Every carrier opened on one file is the same carrier."""

    def test_second_instance_sees_purchases_and_clock(
        self, carrier: SandboxCarrier, state_path: Path, clock: ManualClock
    ) -> None:
        """A purchase and a clock advance made through one instance show in another."""
        offer = carrier.search_numbers(NumberQuery(area_code="415", limit=1))[0]
        carrier.purchase_number("northwind", offer.number)
        moved_to = carrier.advance(timedelta(hours=2))
        with SandboxCarrier(state_path, clock=clock) as other:
            assert moved_to == other.now()
            assert [offer.number] == [owned.number for owned in other.numbers("northwind")]
            assert offer.number not in {
                found.number for found in other.search_numbers(NumberQuery(area_code="415"))
            }

    def test_other_process_sees_and_changes_the_same_carrier(
        self, carrier: SandboxCarrier, state_path: Path
    ) -> None:
        """A separate process reads this process's state, and its changes show here."""
        offer = carrier.search_numbers(NumberQuery(area_code="415", limit=1))[0]
        carrier.purchase_number("northwind", offer.number)
        carrier.advance(timedelta(hours=1))
        child = subprocess.run(
            [sys.executable, "-c", _CHILD, str(state_path)],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        seen_now, seen_numbers = child.stdout.splitlines()
        assert "2030-01-07T10:00:00+00:00" == seen_now
        assert offer.number.e164 == seen_numbers
        assert datetime(2030, 1, 7, 10, 30, tzinfo=UTC) == carrier.now()
        assert ["415", "212"] == [owned.number.e164[2:5] for owned in carrier.numbers("northwind")]

    def test_file_uses_write_ahead_log(self, carrier: SandboxCarrier, state_path: Path) -> None:
        """The file is in WAL mode, so readers in other processes never block writers."""
        with sqlite3.connect(state_path) as conn:
            (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
        conn.close()
        assert "wal" == mode

    def test_missing_folders_are_created(self, tmp_path: Path, clock: ManualClock) -> None:
        """A state path in folders that do not exist yet works."""
        path = tmp_path / "data" / "smsadmin" / "carrier.sqlite3"
        with SandboxCarrier(path, clock=clock) as carrier:
            assert str(path) == carrier.path
        assert path.exists()

    def test_newer_schema_is_refused(self, state_path: Path, clock: ManualClock) -> None:
        """A file written by a newer sandbox is refused with advice, not misread."""
        with sqlite3.connect(state_path) as conn:
            conn.execute("PRAGMA user_version = 99")
        conn.close()
        with pytest.raises(ConfigurationError, match="newer sms-core-fake"):
            SandboxCarrier(state_path, clock=clock)


class TestConcurrentWriters:
    """Writers on one file take turns; none of their changes is lost."""

    def test_one_buyer_wins_a_contested_number(
        self, carrier: SandboxCarrier, state_path: Path, clock: ManualClock
    ) -> None:
        """Eight carriers racing for one number: one buys it, seven are refused."""
        offer = carrier.search_numbers(NumberQuery(area_code="415", limit=1))[0]

        def buy(buyer: int) -> str:
            with SandboxCarrier(state_path, clock=clock) as racer:
                try:
                    racer.purchase_number(f"agency-{buyer}", offer.number)
                except NumberUnavailableError:
                    return "refused"
                return "bought"

        with ThreadPoolExecutor(max_workers=8) as pool:
            outcomes = sorted(pool.map(buy, range(8)))
        assert ["bought"] + ["refused"] * 7 == outcomes

    def test_concurrent_advances_add_up(
        self, carrier: SandboxCarrier, state_path: Path, clock: ManualClock
    ) -> None:
        """Ten one-minute advances from ten carriers move the clock ten minutes."""

        def advance(_: int) -> None:
            with SandboxCarrier(state_path, clock=clock) as racer:
                racer.advance(timedelta(minutes=1))

        with ThreadPoolExecutor(max_workers=10) as pool:
            list(pool.map(advance, range(10)))
        assert datetime(2030, 1, 7, 9, 10, tzinfo=UTC) == carrier.now()


class TestInMemory:
    """A carrier in memory keeps its state across its own calls."""

    def test_state_persists_across_calls(self, clock: ManualClock) -> None:
        """Purchases and the clock offset survive from one call to the next."""
        with SandboxCarrier(":memory:", clock=clock) as carrier:
            offer = carrier.search_numbers(NumberQuery(area_code="415", limit=1))[0]
            carrier.purchase_number("northwind", offer.number)
            carrier.advance(timedelta(minutes=5))
            assert [offer.number] == [owned.number for owned in carrier.numbers("northwind")]
            assert datetime(2030, 1, 7, 9, 5, tzinfo=UTC) == carrier.now()

    def test_closed_carrier_refuses_calls(self, clock: ManualClock) -> None:
        """After close(), an in-memory carrier says so instead of starting afresh."""
        carrier = SandboxCarrier(":memory:", clock=clock)
        carrier.close()
        with pytest.raises(ConfigurationError, match="closed"):
            carrier.now()


class TestClock:
    """Carrier time is the injected clock plus the stored offset."""

    def test_follows_base_clock(self, carrier: SandboxCarrier, clock: ManualClock) -> None:
        """Moving the base clock moves the carrier too."""
        carrier.advance(timedelta(hours=1))
        clock.advance(timedelta(minutes=1))
        assert datetime(2030, 1, 7, 10, 1, tzinfo=UTC) == carrier.now()

    def test_never_moves_backwards(self, carrier: SandboxCarrier) -> None:
        """A negative advance is refused."""
        with pytest.raises(ValueError, match="only moves forward"):
            carrier.advance(timedelta(seconds=-1))
