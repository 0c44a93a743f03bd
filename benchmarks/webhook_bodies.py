"""How long the webhook app's JSON reader takes on the worst bodies a signed request can carry.

Run it from the repository root (with ``sms-core`` installed)::

    python benchmarks/webhook_bodies.py

Each body is as large as the app reads (64 KiB) and shaped against the reader: nesting as deep
as it goes, strings that never close, escaped quotes, digits. ``load_json`` refuses or reads
each; the median of five runs is printed. It asserts nothing. ``smoke()`` (for
``benchmarks/run.py``) reads the three slowest bodies three times each beside the standard
library's ``json.loads``, which is what one would otherwise call (it reads no size limit and
fails on deep nesting with a ``RecursionError``).
"""

from __future__ import annotations

import contextlib
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sms_core.domain.json_body import load_json
from sms_core.exceptions import WebhookPayloadError
from sms_core.webhooks import MAX_BODY_BYTES

sys.path.insert(0, str(Path(__file__).parent))

from figures import Row

SIZE = MAX_BODY_BYTES
BODIES = {
    "nested arrays": b"[" * (SIZE // 2) + b"]" * (SIZE // 2),
    "escaped quotes, unclosed": b'"' + b'\\"' * (SIZE // 2 - 1),
    "unclosed strings": b'"a' * (SIZE // 2),
    "brackets inside a text": b'{"body": "' + b"[" * (SIZE - 13) + b'"}',
    "one long integer": b'{"n": ' + b"9" * (SIZE - 7) + b"}",
    "many small objects": b"[" + b",".join([b'{"a": 1}'] * (SIZE // 9)) + b"]",
}


def main() -> None:
    """Print the median time per body."""
    for name, body in BODIES.items():
        times = []
        for _ in range(5):
            start = time.perf_counter()
            try:
                load_json(body)
                outcome = "read"
            except WebhookPayloadError:
                outcome = "refused"
            times.append(time.perf_counter() - start)
        print(
            f"{name:28} {len(body):6} bytes  {outcome:8} {statistics.median(times) * 1000:7.2f} ms"
        )


def _median_ms(read: Callable[[bytes], object], body: bytes, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        with contextlib.suppress(WebhookPayloadError, ValueError, RecursionError):
            read(body)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def smoke() -> list[Row]:
    """Three bodies, three runs each, beside ``json.loads`` (for ``benchmarks/run.py``)."""
    return [
        Row(
            measure=f"read a 64 KiB body: {name}, ms",
            sdk=_median_ms(load_json, BODIES[name], 3),
            baseline=_median_ms(json.loads, BODIES[name], 3),
            baseline_name="json.loads",
        )
        for name in ("nested arrays", "many small objects", "one long integer")
    ]


if __name__ == "__main__":
    main()
