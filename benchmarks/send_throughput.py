"""How fast the SDK stores and sends texts on the sandbox carrier: single sends and mass texts.

Run it from the repository root::

    python benchmarks/send_throughput.py            # SQLite in a temporary folder
    python benchmarks/send_throughput.py --database-url postgresql://…/bench

It prints figures and asserts nothing. Beside the SDK's sends it times the same single texts
handed straight to the sandbox adapter (no checks, no store), the floor of what the SDK adds
to, and the mass texts' texts handed to it at the concurrency it declares (a thread pool per
batch, as ``mass_send.py``'s carrier requests alone): the floor of a mass text, which the
SDK's mass text is held against (not the singles, which go one after the other). ``smoke()`` (for
``benchmarks/run.py``) sends 20 singles and one mass text. Everything runs on a manual clock
(carrier time and quiet hours never depend on when it runs), moved on a second before each
send as the wall clock would move: the SDK remembers quiet-hours windows per moment, so a
clock standing still would flatter every send after the first. Only the measurement reads
the wall clock.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs

from sms_core import (
    ManualClock,
    NumberQuery,
    OutboundMessage,
    PhoneNumber,
    Recipient,
    RegistrationStep,
    SendReceipt,
    SmsAdmin,
)
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import FakeAdapter, SandboxCarrier

sys.path.insert(0, str(Path(__file__).parent))

from _runs import requests_alone  # the carrier requests alone, as the mass-text benchmarks
from figures import Row

#: 11:00 in New York on a weekday: every benchmark number may be texted.
START = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
#: How far the manual clock moves before each send (a few hundred sends stay before noon).
_BETWEEN_SENDS = timedelta(seconds=1)


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="the SDK's database (default: a temporary SQLite)")
    parser.add_argument("--singles", type=int, default=200, help="single sends to time")
    parser.add_argument("--mass", type=int, default=10, help="mass texts of 50 to time")
    args = parser.parse_args()
    figures = measure(args.database_url, singles=args.singles, mass=args.mass)
    _report("single sends", args.singles, figures.singles)
    _report("mass texts of 50", args.mass * 50, figures.mass)
    _report("the carrier alone", args.singles, figures.carrier)
    _report("carrier 50 at once", args.mass * 50, figures.mass_carrier)
    print(f"database: {figures.database}")


@attrs.frozen
class Figures:
    """Seconds taken: the single sends, the mass texts, the same texts through the adapter.

    ``carrier`` is the singles' texts handed to the adapter one after the other;
    ``mass_carrier`` the mass texts' texts handed to it at its declared concurrency, as the
    SDK's mass text hands them.
    """

    singles: float
    mass: float
    carrier: float
    mass_carrier: float
    database: str


def measure(database_url: str | None, *, singles: int, mass: int) -> Figures:
    """Send ``singles`` single texts and ``mass`` mass texts of 50 through the SDK, timed.

    The carrier's own part is timed too: ``singles`` texts handed straight to the sandbox
    adapter's ``sms_send_message``, what a program would do without the SDK's checks and store,
    and ``mass`` times 50 texts handed to it at the concurrency it declares, the floor of a
    mass text.
    """
    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        clock = ManualClock(START)
        with (
            SandboxCarrier(Path(folder) / "carrier.sqlite3", clock=clock) as carrier,
            SmsAdmin.open(
                url,
                host="hcm_widget",
                plugins=[FakeAdapter(carrier=carrier)],
                clock=clock,
                webhook_base_url="https://bench.invalid/webhooks",
                rng=random.Random(1),
            ) as admin,
        ):
            account = admin.create_account("bench", name="Bench Staffing", provider="fake")
            account.users.upsert(
                "admin", first_name="A", last_name="Dmin", permissions=["Marketplace Admin"]
            )
            account.users.upsert("rec", first_name="Re", last_name="Cruiter")
            account.registration.register("admin", sample_brand(), sample_campaign())
            for step in RegistrationStep:
                carrier.advance(carrier.review_duration(step))
                account.registration.sync()
            [offer] = account.numbers.search("admin", NumberQuery(area_code="415", limit=1))
            account.numbers.purchase("admin", offer.number, ["rec"], accept_terms=True)

            # The clock moves on between sends, as the wall clock would: the SDK remembers
            # quiet-hours windows per moment, which a clock standing still would always hit.
            started = time.perf_counter()
            for index in range(singles):
                clock.advance(_BETWEEN_SENDS)
                account.messages.send(
                    "rec", candidate_id=None, to=f"+1212555{index % 10000:04d}", body="Hi"
                )
            single_seconds = time.perf_counter() - started

            recipients = [
                Recipient(candidate_id=None, number=f"+1646555{index:04d}") for index in range(50)
            ]
            started = time.perf_counter()
            for batch in range(mass):
                clock.advance(_BETWEEN_SENDS)
                account.messages.send_mass("rec", recipients, f"Shift {batch} open")
            mass_seconds = time.perf_counter() - started

            texts = [
                OutboundMessage(
                    message_id=f"direct-{index}",
                    sender=offer.number,
                    recipient=PhoneNumber(e164=f"+1718555{index % 10000:04d}"),
                    body="Hi",
                )
                for index in range(singles)
            ]
            started = time.perf_counter()
            for text in texts:
                admin.hooks.send_message(account.account, text)
            carrier_seconds = time.perf_counter() - started

            batch_texts = [
                OutboundMessage(
                    message_id=f"direct-mass-{index}",
                    sender=offer.number,
                    recipient=PhoneNumber(e164=f"+1917555{index:04d}"),
                    body="Hi",
                )
                for index in range(50)
            ]
            capabilities = admin.hooks.provider_info(account.account).capabilities

            def send(text: OutboundMessage) -> SendReceipt:
                return admin.hooks.send_message(account.account, text)

            send_all = requests_alone(send, batch_texts, capabilities.max_concurrent_sends)
            started = time.perf_counter()
            for _ in range(mass):
                send_all()
            mass_carrier_seconds = time.perf_counter() - started
            return Figures(
                singles=single_seconds,
                mass=mass_seconds,
                carrier=carrier_seconds,
                mass_carrier=mass_carrier_seconds,
                database=str(admin.database.url),
            )


def smoke() -> list[Row]:
    """Twenty single sends and one mass text on SQLite (for ``benchmarks/run.py``)."""
    figures = measure(None, singles=20, mass=1)
    return [
        Row(
            measure="single sends, texts/s (SQLite)",
            sdk=20 / figures.singles,
            baseline=20 / figures.carrier,
            baseline_name="the sandbox adapter alone",
        ),
        Row(
            measure="mass text of 50, texts/s (SQLite)",
            sdk=50 / figures.mass,
            baseline=50 / figures.mass_carrier,
            baseline_name="the sandbox adapter alone, 50 at its concurrency",
        ),
    ]


def _report(what: str, count: int, seconds: float) -> None:
    print(f"{what:>18}: {count:5d} texts in {seconds:6.2f} s = {count / seconds:7.1f} texts/s")


if __name__ == "__main__":
    main()
