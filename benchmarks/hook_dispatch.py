"""How many provider calls a second the façade makes: routed, against the old broadcast.

Run it from the repository root (with ``sms-core`` installed)::

    python benchmarks/hook_dispatch.py

Three adapters are installed, each answering ``sms_send_message`` at once. *Routed* is the
façade today: ``Hooks.send_message`` looks the account's provider up in the table built once,
calls that adapter alone through its pluggy subset caller and checks the answer's type.
*Broadcast and guard* is the protocol before it: ``pm.hook.sms_send_message`` walks the
adapters (pluggy calls the last registered first) and each opens with
``if account.provider != name: return None`` until one answers. It is measured for the
account whose adapter pluggy reaches first and for the one it reaches last. The best of seven
runs is printed. It asserts nothing. ``smoke()`` (for ``benchmarks/run.py``) measures the
adapter reached last with 2,000 calls, best of three.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from sms_core import (
    Account,
    DeliveryStatus,
    Hooks,
    OutboundMessage,
    PhoneNumber,
    ProviderCapabilities,
    ProviderInfo,
    SendReceipt,
    hookimpl,
    make_plugin_manager,
)

sys.path.insert(0, str(Path(__file__).parent))

from figures import Row

NAMES = ("alpha", "beta", "gamma")
CALLS = 20_000
RUNS = 7

_MESSAGE = OutboundMessage(
    message_id="m1",
    sender=PhoneNumber.parse("+1 415 555 0100"),
    recipient=PhoneNumber.parse("+1 206 555 0142"),
    body="Are you free Tuesday?",
)


class Routed:
    """An adapter as written now: no guard."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.receipt = SendReceipt(
            provider_message_id=f"{name}-1", status=DeliveryStatus.QUEUED, raw_status="queued"
        )

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        """The adapter's name."""
        return ProviderInfo(
            name=self.name,
            description="benchmark adapter",
            capabilities=ProviderCapabilities(max_concurrent_sends=1),
        )

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt:
        """The same receipt, at once."""
        return self.receipt


class Guarded(Routed):
    """An adapter as written before: it asks whether the account is its own."""

    @hookimpl
    def sms_send_message(self, account: Account, message: OutboundMessage) -> SendReceipt:
        """The same receipt, for its own accounts only."""
        if account.provider != self.name:
            return None  # type: ignore[return-value]  # the old protocol's "not mine"
        return self.receipt


def calls_per_second(
    *ways: Callable[[], object], runs: int = RUNS, calls: int = CALLS
) -> list[float]:
    """The best rate of each way over ``runs`` runs of ``calls`` calls.

    The ways take turns within each run, so a busy machine slows them alike.
    """
    best = [float("inf")] * len(ways)
    for _ in range(runs):
        for index, call in enumerate(ways):
            start = time.perf_counter()
            for _ in range(calls):
                call()
            best[index] = min(best[index], time.perf_counter() - start)
    return [calls / seconds for seconds in best]


def main() -> None:
    """Print calls/second for each way, side by side."""
    routed = Hooks(
        make_plugin_manager(plugins=[Routed(name) for name in NAMES], load_entry_points=False)
    )
    broadcast = make_plugin_manager(
        plugins=[Guarded(name) for name in NAMES], load_entry_points=False
    )
    print(f"{len(NAMES)} adapters installed; sms_send_message, best of {RUNS} x {CALLS:,} calls")
    print(f"{'account served by':28} {'routed':>14} {'broadcast+guard':>16}")
    # pluggy calls the last registered adapter first, the first registered last.
    for label, name in (("adapter reached first", NAMES[-1]), ("adapter reached last", NAMES[0])):
        account = Account(id="acme", name="Acme Staffing", provider=name)

        def route(account: Account = account) -> object:
            return routed.send_message(account, _MESSAGE)

        def guard(account: Account = account) -> object:
            return broadcast.hook.sms_send_message(account=account, message=_MESSAGE)

        fast, slow = calls_per_second(route, guard)
        print(f"{label + ' (' + name + ')':28} {fast:12,.0f}/s {slow:14,.0f}/s")


def smoke() -> list[Row]:
    """The adapter reached last, 2,000 calls, best of three (for ``benchmarks/run.py``)."""
    routed = Hooks(
        make_plugin_manager(plugins=[Routed(name) for name in NAMES], load_entry_points=False)
    )
    broadcast = make_plugin_manager(
        plugins=[Guarded(name) for name in NAMES], load_entry_points=False
    )
    account = Account(id="acme", name="Acme Staffing", provider=NAMES[0])
    fast, slow = calls_per_second(
        lambda: routed.send_message(account, _MESSAGE),
        lambda: broadcast.hook.sms_send_message(account=account, message=_MESSAGE),
        runs=3,
        calls=2_000,
    )
    return [
        Row(
            measure="sms_send_message calls/s, 3 adapters, reached last",
            sdk=fast,
            baseline=slow,
            baseline_name="broadcast + guard",
        )
    ]


if __name__ == "__main__":
    main()
