"""Fixtures of the Telnyx adapter's tests."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))  # for telnyx_helpers (importlib import mode)

from telnyx_helpers import API_KEY, BASE_URL, Handler, Recorder

from sms_telnyx import TelnyxAdapter

# Prism serving Telnyx's trimmed description: telnyx_oai, telnyx_spec, telnyx_prism,
# telnyx_api_url; SQLite and PostgreSQL databases (database_url), as in the core tests.
pytest_plugins = ("sms_telnyx.testing.fixtures", "sms_core.testing.databases")


@pytest.fixture
def make_adapter() -> Iterator[Callable[[Handler], tuple[TelnyxAdapter, Recorder]]]:
    """Adapters over a mock transport; each is closed at the end of the test."""
    made: list[tuple[TelnyxAdapter, httpx.Client]] = []

    def make(answer: Handler) -> tuple[TelnyxAdapter, Recorder]:
        recorder = Recorder(answer)
        http = httpx.Client(transport=httpx.MockTransport(recorder))
        adapter = TelnyxAdapter(
            http=http,
            base_url=BASE_URL,
            environ={"TELNYX_API_KEY": API_KEY},
        )
        made.append((adapter, http))
        return adapter, recorder

    yield make
    for adapter, http in made:
        adapter.close()
        http.close()
