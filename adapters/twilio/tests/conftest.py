"""Fixtures of the Twilio adapter's tests: mock transports, and Prism behind a Twilio stand-in.

Prism (``@stoplight/prism-cli``) is installed with npm into ``SMS_TWILIO_PRISM_DIR`` (tox sets
it under ``.tox``; else ``~/.cache/sms-twilio``) and serves patched copies of Twilio's OpenAPI
files, read from ``SMS_TWILIO_OAI_DIR`` or ``../shared/twilio-oai/`` beside the repository.
Without npm the Prism tests are skipped on a developer machine and fail under CI.
"""

import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from sms_core import Account, ManualClock
from sms_twilio import PooledHttpClient, RetryPolicy, TwilioAdapter
from sms_twilio.testing import PrismError, PrismFleet, TwilioStandIn, install_prism, patch_specs
from sms_twilio.testing.prism import PRISM_PACKAGE
from sms_twilio.testing.transport import ScriptedAnswers, StateAnswers

# SQLite and PostgreSQL databases (database_url), as in the core tests.
pytest_plugins = ("sms_core.testing.databases",)

#: The Twilio account the mock-transport tests use, and its auth token.
ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "unit-test-auth-token"

_REPOSITORY = Path(__file__).resolve().parents[3]


@pytest.fixture
def account_sid() -> str:
    """The Twilio account the mock-transport tests use."""
    return ACCOUNT_SID


@pytest.fixture
def auth_token() -> str:
    """Its auth token."""
    return AUTH_TOKEN


@pytest.fixture
def recorder() -> ScriptedAnswers:
    """The mock transport's handler: requests recorded, answers scripted."""
    return ScriptedAnswers()


@pytest.fixture
def sleeps() -> list[float]:
    """The waits between retries, recorded instead of slept."""
    return []


@pytest.fixture
def http(recorder: ScriptedAnswers, sleeps: list[float]) -> Iterator[PooledHttpClient]:
    """The adapter's HTTP client on a mock transport."""
    with (
        PooledHttpClient(
            transport=httpx.MockTransport(recorder),
            retry=RetryPolicy(attempts=3, backoff=0.1),
            sleep=sleeps.append,
        ) as pooled,
    ):
        yield pooled


@pytest.fixture
def clock() -> ManualClock:
    """The adapter's time: a Monday morning that moves only when a test moves it."""
    return ManualClock(datetime(2030, 1, 7, 10, 0, tzinfo=UTC))


@pytest.fixture
def adapter(http: PooledHttpClient, clock: ManualClock) -> TwilioAdapter:
    """The adapter over the mock transport, with credentials from a test environment."""
    environ = {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
    return TwilioAdapter(http=http, environ=environ, clock=clock)


@pytest.fixture
def account() -> Account:
    """An agency on Twilio."""
    return Account(
        id="northwind",
        name="Northwind Staffing",
        provider="twilio",
        provider_settings={"primary_customer_profile_sid": "BU" + "1" * 32},
    )


@pytest.fixture
def twilio() -> StateAnswers:
    """A mock transport answering as the Twilio stand-in does, recording every request."""
    return StateAnswers(auth_token=AUTH_TOKEN)


@pytest.fixture
def stateful_adapter(twilio: StateAnswers) -> Iterator[TwilioAdapter]:
    """The adapter over :func:`twilio`."""
    with (
        PooledHttpClient(transport=httpx.MockTransport(twilio)) as http,
    ):
        environ = {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN}
        yield TwilioAdapter(http=http, environ=environ)


@pytest.fixture
def stateful_account(twilio: StateAnswers) -> Account:
    """An agency whose ISV has an approved primary customer profile at the stand-in."""
    return Account(
        id="northwind",
        name="Northwind Staffing",
        provider="twilio",
        provider_settings={
            "primary_customer_profile_sid": twilio.state.primary_profile(ACCOUNT_SID)
        },
    )


# -- Prism behind the stand-in ----------------------------------------------------------------


def _spec_dir() -> Path:
    configured = os.environ.get("SMS_TWILIO_OAI_DIR")
    return Path(configured) if configured else _REPOSITORY.parent / "shared" / "twilio-oai"


def _prism_dir() -> Path:
    configured = os.environ.get("SMS_TWILIO_PRISM_DIR")
    if configured:
        return Path(configured)
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "sms-twilio" / PRISM_PACKAGE.rsplit("@", 1)[-1]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def twilio_oai() -> Path:
    """Where Twilio's OpenAPI description files are."""
    return _spec_dir()


@pytest.fixture(scope="session")
def prism(tmp_path_factory: pytest.TempPathFactory, twilio_oai: Path) -> Iterator[dict[str, str]]:
    """One Prism per Twilio description, on loopback ports, for the whole session."""
    if shutil.which("npm") is None:
        _unavailable("npm is not on PATH: Prism needs Node.js 20 and npm (.ci/run installs them)")
    try:
        executable = install_prism(_prism_dir())
        specs = patch_specs(twilio_oai, tmp_path_factory.mktemp("twilio-oai"))
    except PrismError as err:
        _unavailable(str(err))
        raise  # not reached: _unavailable skips or fails
    with PrismFleet(executable, specs) as fleet:
        yield fleet.base_urls


@pytest.fixture(scope="session")
def stand_in(prism: dict[str, str]) -> Iterator[TwilioStandIn]:
    """The Twilio stand-in, every request of which Prism validates."""
    with TwilioStandIn(prism=prism) as server:
        yield server
