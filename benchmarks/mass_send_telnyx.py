"""The Telnyx column of ``mass_send.py``: a mass text through the SDK on Telnyx, against a loop.

A sibling of ``benchmarks/mass_send.py`` (which measures Twilio), with the same sides, the same
figures and the same latency. Run it from the repository root (with ``sms-core`` and
``sms-core-telnyx`` installed)::

    python benchmarks/mass_send_telnyx.py                  # 50 recipients, 100 ms per answer
    python benchmarks/mass_send_telnyx.py --latency 0.05 --recipients 20 --rounds 5

Both sides talk to the same Telnyx stand-in (``sms_telnyx.testing.TelnyxStandIn``) served on
a loopback socket (``sms_telnyx.testing.server.StandInServer``), which holds back every answer
by ``--latency`` seconds, as the network to Telnyx would:

* **SDK**: ``AccountAdmin.messages.send_mass`` with the Telnyx adapter: every text checked,
  stored, sent with ``POST /v2/messages`` and updated, up to the adapter's concurrency at once
  over one pooled ``httpx.Client``;
* **loop**: what a developer writes without the SDK:
  ``telnyx.Telnyx(api_key=...).messages.send(from_=..., to=..., text=...)`` once per recipient,
  one after the other, on the package's stock HTTP client.

Each side runs in a process of its own (the stand-in's work is not counted), after one warm-up
text, ``--rounds`` times; medians are shown. Besides both wall times and their ratio it prints
CPU time per text: the loop's, the SDK's, the part of the SDK's that the carrier requests take
(the same texts sent through the adapter's hook alone, in runs taking turns with the SDK's),
and the SDK's overhead on top of those requests. It asserts nothing. The SDK runs on a manual
clock, so quiet hours never depend on when it runs; webhook signatures are not involved.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import telnyx

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
from sms_telnyx import TelnyxAdapter
from sms_telnyx.testing.server import StandInServer
from sms_telnyx.testing.standin import API_KEY, TelnyxStandIn, TelnyxState

sys.path.insert(0, str(Path(__file__).parent))

from _runs import (
    OVERHEAD_AIM_MS,
    Figures,
    Run,
    median,
    requests_alone,
    timed,
)  # the mass-text benchmarks' timing
from figures import Row  # the folder's shared row type (see run.py)

#: 13:00 in New York on a weekday: every benchmark number may be texted.
START = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
#: The text sent.
BODY = "Hi, a forklift shift at Northwind opens Monday 7am. Reply YES to take it, STOP to opt out."
_ENVIRON = {"TELNYX_API_KEY": API_KEY}
_HOOKS_URL = "https://bench.invalid/webhooks"


def main() -> None:
    """Set up, measure both sides and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=50, help="candidates (at most 50)")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per answer")
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of each side")
    args = parser.parse_args()
    recipients = [f"+1212555{index:04d}" for index in range(1, args.recipients + 1)]
    spawn = multiprocessing.get_context("spawn")
    stand_in = TelnyxStandIn(TelnyxState())
    with tempfile.TemporaryDirectory() as folder, StandInServer(stand_in) as server:
        database = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        line = _texting_account(database, server.base_url, stand_in.state)
        stand_in.latency = args.latency
        with spawn.Pool(1) as pool:
            sdk_runs, adapter_runs = pool.apply(
                _sdk_side, (database, server.base_url, line, recipients, args.rounds)
            )
        with spawn.Pool(1) as pool:
            loop_runs = pool.apply(_loop_side, (server.base_url, line, recipients, args.rounds))
    n = len(recipients)
    sdk, adapter, loop = median(sdk_runs, n), median(adapter_runs, n), median(loop_runs, n)
    print(
        f"{n} texts, each answered after {args.latency * 1000:.0f} ms by a Telnyx stand-in on "
        f"loopback (medians of {args.rounds} runs)"
    )
    print(f"{'':41}{'wall':>9}{'CPU per text':>15}")
    print(f"  {'telnyx Telnyx().messages.send loop':39}{_row(loop)}")
    print(f"  {'SDK send_mass, Telnyx adapter':39}{_row(sdk)}   {loop.wall / sdk.wall:.1f}x faster")
    print(f"    {'its carrier requests alone':37}{_row(adapter)}")
    overhead = (sdk.cpu - adapter.cpu) * 1000
    aim = f"(aim: {OVERHEAD_AIM_MS} ms)"
    print(f"    {'SDK overhead on top of them':37}{'':9}{overhead:12.3f} ms   {aim}")
    print(f"  sent: loop {loop.sent}, SDK {sdk.sent}, carrier requests alone {adapter.sent}")


def _row(figures: Figures) -> str:
    return f"{figures.wall:7.3f} s{figures.cpu * 1000:12.3f} ms"


def _texting_account(database: str, base_url: str, state: TelnyxState) -> str:
    """An agency on Telnyx with an approved campaign and an assigned line; its number."""
    with _sdk(database, base_url) as admin:
        profile = state.profile({"name": "Bench Staffing", "webhook_url": None})
        account = admin.create_account(
            "bench",
            name="Bench Staffing",
            provider="telnyx",
            provider_settings={"messaging_profile_id": str(profile["id"])},
        )
        account.users.upsert("admin", first_name="A", last_name="Dmin", permissions=["sms.admin"])
        account.users.upsert("rec", first_name="Re", last_name="Cruiter")
        account.registration.register("admin", sample_brand(), sample_campaign())
        for _ in RegistrationStep:  # Telnyx and the registry review; told to finish at once
            with state.lock:
                pending = [
                    *(ref for ref, brand in state.brands.items() if brand.get("status") != "OK"),
                    *(
                        ref
                        for ref, campaign in state.campaigns.items()
                        if campaign.get("campaignStatus") != "MNO_PROVISIONED"
                    ),
                ]
            for ref in pending:
                state.review(ref)
            account.registration.sync()
        if not account.registration.status().send_ready:
            raise SystemExit(f"the registration did not finish: {account.registration.status()}")
        [offer] = account.numbers.search("admin", NumberQuery(area_code="415", limit=1))
        account.numbers.purchase("admin", offer.number, ["rec"], accept_terms=True)
        account.registration.sync()
        assignment = state.assignments.get(offer.number.e164) or {}
        if assignment.get("assignmentStatus") != "ASSIGNED":
            raise SystemExit(f"the line was not assigned to the campaign: {assignment}")
        return offer.number.e164


def _sdk(database: str, base_url: str) -> SmsAdmin:
    return SmsAdmin.open(
        database,
        plugins=[TelnyxAdapter(base_url=base_url, environ=_ENVIRON, sleep=lambda _: None)],
        load_entry_points=False,
        clock=ManualClock(START),
        webhook_base_url=_HOOKS_URL,
        rng=random.Random(1),
    )


def _sdk_side(
    database: str, base_url: str, line: str, recipients: list[str], rounds: int
) -> tuple[list[Run], list[Run]]:
    """The SDK's mass texts, taking turns with the same texts through the adapter's hook alone."""
    with _sdk(database, base_url) as admin:
        account = admin.account("bench")
        warm_up = [Recipient(candidate_id=None, number="+12125559999")]
        account.messages.send_mass("rec", warm_up, BODY)
        batch = [Recipient(candidate_id=None, number=number) for number in recipients]
        texts = [
            OutboundMessage(
                message_id=f"bench-{index}",
                sender=PhoneNumber(e164=line),
                recipient=PhoneNumber(e164=number),
                body=BODY,
                status_callback_url=f"{_HOOKS_URL}/bench/status",
            )
            for index, number in enumerate(recipients)
        ]
        hooks = admin.hooks
        concurrency = hooks.provider_info(account.account).capabilities.max_concurrent_sends

        def send(text: OutboundMessage) -> SendReceipt:
            return hooks.send_message(account.account, text)

        send_all = requests_alone(send, texts, concurrency)
        sdk, adapter = [], []
        for _ in range(rounds):  # in turns, so both see the machine alike
            sdk.append(timed(lambda: account.messages.send_mass("rec", batch, BODY).sent))
            adapter.append(timed(send_all))
        return sdk, adapter


def _loop_side(base_url: str, line: str, recipients: list[str], rounds: int) -> list[Run]:
    """The sequential ``messages.send`` loops, after a warm-up (in its own process)."""
    # The stand-in instead of https://api.telnyx.com/v2; otherwise the package's defaults.
    client = telnyx.Telnyx(api_key=API_KEY, base_url=base_url)
    client.messages.send(from_=line, to="+12125559998", text=BODY)

    def loop() -> int:
        sent = (client.messages.send(from_=line, to=n, text=BODY) for n in recipients)
        return sum(1 for answer in sent if answer.data is not None and answer.data.id)

    return [timed(loop) for _ in range(rounds)]


def smoke() -> list[Row]:
    """Ten recipients at 20 ms per answer, two rounds (for ``benchmarks/run.py``).

    The same sides as :func:`main`, at sizes that take seconds.
    """
    recipients = [f"+1212555{index:04d}" for index in range(1, 11)]
    spawn = multiprocessing.get_context("spawn")
    stand_in = TelnyxStandIn(TelnyxState())
    with tempfile.TemporaryDirectory() as folder, StandInServer(stand_in) as server:
        database = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        line = _texting_account(database, server.base_url, stand_in.state)
        stand_in.latency = 0.02
        with spawn.Pool(1) as pool:
            sdk_runs, adapter_runs = pool.apply(
                _sdk_side, (database, server.base_url, line, recipients, 2)
            )
        with spawn.Pool(1) as pool:
            loop_runs = pool.apply(_loop_side, (server.base_url, line, recipients, 2))
    n = len(recipients)
    sdk, adapter, loop = median(sdk_runs, n), median(adapter_runs, n), median(loop_runs, n)
    return [
        Row(
            measure=f"mass text to {n} on Telnyx at 20 ms per answer, wall s",
            sdk=sdk.wall,
            baseline=loop.wall,
            baseline_name="telnyx messages.send loop",
        ),
        Row(
            measure="CPU per text on Telnyx, ms",
            sdk=sdk.cpu * 1000,
            baseline=adapter.cpu * 1000,
            baseline_name="its carrier requests alone",
        ),
    ]


if __name__ == "__main__":
    main()
