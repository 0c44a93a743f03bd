"""Test helpers shipped with the SDK: the contract suites and ready-made data.

:class:`HostContract` (with :class:`RecordingSink` and :class:`Refusal`) needs pytest and is
imported on first use, so the other helpers work without it.
"""

from __future__ import annotations

import importlib
import sys
from typing import TYPE_CHECKING

from sms_core.testing.activities import sample_activity
from sms_core.testing.driver import CarrierDriver
from sms_core.testing.host_events import HostEventLog
from sms_core.testing.samples import sample_brand, sample_campaign

if TYPE_CHECKING:
    from sms_core.testing.host_contract import HostContract, RecordingSink, Refusal

__all__ = [
    "CarrierDriver",
    "HostContract",
    "HostEventLog",
    "RecordingSink",
    "Refusal",
    "sample_activity",
    "sample_brand",
    "sample_campaign",
]

_HOST_CONTRACT = "sms_core.testing.host_contract"


def __getattr__(name: str) -> object:
    """Import the host contract suite on first use, its asserts rewritten under pytest."""
    if name in {"HostContract", "RecordingSink", "Refusal"}:
        # pytest is a test dependency: only the suite needs it.
        import pytest  # noqa: PLC0415

        if _HOST_CONTRACT not in sys.modules:
            pytest.register_assert_rewrite(_HOST_CONTRACT)
        return getattr(importlib.import_module(_HOST_CONTRACT), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
