"""Fixtures for the command-line tests: a fresh database and sandbox carrier for every test.

The commands run in-process through Typer's runner, configured the way a user would configure
them: with environment variables. Colours are off (``NO_COLOR``) so the tests read the plain
text cues, and the terminal is wide so tables do not wrap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa

from sms_core.cli.testing import SmsadminRunner

if TYPE_CHECKING:
    from sms_fake import CarrierNumber

#: The distributions the command-line tests drive: the sandbox carrier and both hosts.
NEEDED = ("sms-core-fake", "sms-core-hcm-widget", "sms-core-ats-seats")

_CLEARED = (
    "SMS_HOST",
    "SMS_ACCOUNT",
    "SMS_ACTOR",
    "SMS_CORE_DISABLED_PLUGINS",
    "SMS_WEBHOOK_BASE_URL",
    "SMS_FAKE_AUTH_TOKEN",
    "SMS_WEB_SECRET",
    "SMS_WEB_BASE_URL",
    "FORCE_COLOR",
)


def _missing() -> list[str]:
    missing = []
    for name in NEEDED:
        try:
            distribution(name)
        except PackageNotFoundError:
            missing.append(name)
    return missing


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh SQLite database and sandbox carrier state, and no settings from the shell."""
    for name in _CLEARED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMS_DATABASE_URL", f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}")
    monkeypatch.setenv("SMS_FAKE_STATE", str(tmp_path / "sandbox-carrier.sqlite3"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("NO_COLOR", "1")
    # A relative path given to a command (a hostile --state or --database) lands here, never
    # in the checkout.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


#: The loggers an in-process ``smsadmin serve`` configures through uvicorn's ``dictConfig``.
_SERVE_LOGGERS = ("sms_core", "uvicorn", "uvicorn.error", "uvicorn.access")


@pytest.fixture(autouse=True)
def _serve_logging_undone() -> Iterator[None]:
    """Undo the logging setup of a ``serve`` run in this process, after each test.

    uvicorn binds its handlers to the ``sys.stderr`` of the moment, here the runner's captured
    stream, which closes with the test; a later test logging through ``sms_core`` would write
    to it ("I/O operation on closed file") and find that in its stderr.
    """
    saved = [
        (logger, logger.handlers[:], logger.level, logger.propagate)
        for logger in map(logging.getLogger, _SERVE_LOGGERS)
    ]
    yield
    for logger, handlers, level, propagate in saved:
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


@pytest.fixture
def installed() -> None:
    """Skips the test unless the sandbox carrier and both host plugins are installed."""
    if missing := _missing():
        pytest.skip(f"the CLI tests need {', '.join(missing)} installed")


@pytest.fixture
def cli(installed: None) -> SmsadminRunner:
    """``smsadmin`` with no host, account or acting user chosen."""
    return SmsadminRunner()


@pytest.fixture
def carrier_numbers(
    environment: Path, installed: None
) -> Iterator[Callable[[], list[CarrierNumber]]]:
    """Reads the numbers the sandbox carrier holds for account ``acme``."""
    # Imported here: without the carrier installed, the tests are skipped, not broken.
    from sms_fake import SandboxCarrier  # noqa: PLC0415

    with SandboxCarrier(environment / "sandbox-carrier.sqlite3") as carrier:

        def numbers() -> list[CarrierNumber]:
            return carrier.numbers("acme")

        yield numbers


def _account(cli: SmsadminRunner, monkeypatch: pytest.MonkeyPatch, host: str | None) -> None:
    if host is not None:
        monkeypatch.setenv("SMS_HOST", host)
    cli.ok("accounts", "create", "acme", "--name", "Acme Staffing", "--provider", "fake")
    monkeypatch.setenv("SMS_ACCOUNT", "acme")
    monkeypatch.setenv("SMS_ACTOR", "u-admin")


@pytest.fixture
def widget(cli: SmsadminRunner, monkeypatch: pytest.MonkeyPatch) -> SmsadminRunner:
    """Account ``acme`` under the HCM widget host, acting as its Marketplace Admin.

    Users: ``u-admin`` (Morgan Reyes, Marketplace Admin) and the recruiters ``u-ada``
    (Ada Lee), ``u-ben`` (Ben Ortiz) and ``u-cleo`` (Cleo Park).
    """
    _account(cli, monkeypatch, "hcm_widget")
    cli.ok(
        "users", "upsert", "u-admin", "--first", "Morgan", "--last", "Reyes",
        "--permission", "Marketplace Admin",
    )  # fmt: skip
    cli.ok("users", "upsert", "u-ada", "--first", "Ada", "--last", "Lee")
    cli.ok("users", "upsert", "u-ben", "--first", "Ben", "--last", "Ortiz")
    cli.ok("users", "upsert", "u-cleo", "--first", "Cleo", "--last", "Park")
    return cli


@pytest.fixture
def seats(cli: SmsadminRunner, monkeypatch: pytest.MonkeyPatch) -> SmsadminRunner:
    """Account ``acme`` under the ATS seat host, acting as its administrator.

    Users: ``u-admin`` (Riley Chen, Administration) and the recruiters ``u-eli``, ``u-fay``,
    ``u-gus`` and ``u-hana``. Seats: "Seat 1" and "Seat 2", without numbers.
    """
    _account(cli, monkeypatch, "ats_seats")
    cli.ok(
        "users", "upsert", "u-admin", "--first", "Riley", "--last", "Chen",
        "--permission", "Administration",
    )  # fmt: skip
    for user_id, first, last in (
        ("u-eli", "Eli", "Brooks"),
        ("u-fay", "Fay", "Nguyen"),
        ("u-gus", "Gus", "Patel"),
        ("u-hana", "Hana", "Ito"),
    ):
        cli.ok("users", "upsert", user_id, "--first", first, "--last", last)
    cli.ok("seats", "create", "Seat 1")
    cli.ok("seats", "create", "Seat 2")
    return cli


#: The tables a list names its ids from (``sms_core.presentation.names_of``).
_NAMED_TABLES = ("users", "seats")

#: Runs a command line that must succeed; gives its output and its whole reads of the names.
WholeReads = Callable[..., tuple[str, list[str]]]


@pytest.fixture
def whole_reads() -> WholeReads:
    """Runs ``runner.ok(*args)``; gives its stdout and each statement it read users or seats by.

    Only the statements that read those tables other than by ``id =`` or ``id IN`` (the
    account's whole list, as naming every id of the account did) are given: a list that names
    only the ids it shows runs none.
    """

    def run(runner: SmsadminRunner, *args: str) -> tuple[str, list[str]]:
        statements: list[str] = []

        def record(*event: Any) -> None:
            statements.append(" ".join(str(event[2]).split()))

        sa.event.listen(sa.Engine, "before_cursor_execute", record)
        try:
            out = runner.ok(*args).stdout
        finally:
            sa.event.remove(sa.Engine, "before_cursor_execute", record)
        whole = [
            text
            for text in statements
            for table in _NAMED_TABLES
            if f"FROM {table} " in f"{text} "
            and f"{table}.id = " not in text
            and f"{table}.id IN " not in text
        ]
        return out, whole

    return run
