"""``benchmarks/mass_send_telnyx.py`` still runs: both sides send every text (tiny sizes).

The benchmark asserts nothing itself; this keeps it from rotting as the adapter and the
stand-in change (its setup registers and buys a line the way a user does).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_SCRIPT = Path(__file__).resolve().parents[3] / "benchmarks" / "mass_send_telnyx.py"


def test_both_sides_send_every_text() -> None:
    """Two recipients, no latency, one round: the loop, the SDK and the hook alone send 2."""
    ran = subprocess.run(
        [sys.executable, str(_SCRIPT), "--recipients", "2", "--latency", "0", "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert 0 == ran.returncode, ran.stderr[-2000:]
    assert "sent: loop 2, SDK 2, carrier requests alone 2" in ran.stdout
    assert "x faster" in ran.stdout
