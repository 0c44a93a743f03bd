"""Every ``smsadmin`` command, given hostile arguments, ends with a message, never a traceback.

The command tree is walked from Typer's own app, so a command added later is covered without
touching this file. Each parameter of each command is given each hostile value in turn (the
others a plain placeholder); the command must end with exit code 0, 1 or 2 (exactly 2 for a
word that is not text: a NUL, bytes that are not UTF-8), no exception escaping and no
traceback printed. Exit 0 stays allowed because some hostile values are valid somewhere
(``-1`` as a user id). The cases issue 13.7 names are checked exactly: exit 1 or 2
and a message naming what to fix.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import typer
import uvicorn
from typer.testing import Result

from sms_core import ManualClock
from sms_core.cli import app
from sms_core.cli.lazy import LazyGroup
from sms_core.cli.testing import SmsadminRunner

#: A Tuesday afternoon in every US time zone.
START = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)

#: Values no parameter should choke on: empty, NUL, a lone surrogate (how Python hands over
#: argv bytes that are not UTF-8), numbers past every integer type, non-finite floats, a
#: megabyte-ish string, a duration of millions of years, a path that cannot be written.
HOSTILE = (
    "",
    "\x00",
    "a\udcffb",
    "-1",
    "99999999999999999999999",
    "nan",
    "inf",
    "1e999",
    "x" * 5000,
    "99999999999999d",
    "/proc/nope/file",
)
#: Values no command may take: refused as usage errors before any command runs.
NOT_TEXT = frozenset({"\x00", "a\udcffb"})
#: What a parameter not under test gets.
PLACEHOLDER = "1"


def commands() -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command of the tree with its words, groups that run on their own included."""

    def walk(command: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
        # A group's commands are built when first asked for (sms_core.cli.lazy): build them all.
        with typer.Context(command) as ctx:
            subcommands = (
                command.loaded(ctx)
                if hasattr(command, "loaded")
                else getattr(command, "commands", None)
            )
        if not subcommands:
            yield path, command
            return
        if path and getattr(command, "invoke_without_command", False):
            yield path, command
        for name, sub in subcommands.items():
            yield from walk(sub, (*path, name))

    root = typer.main.get_command(app)
    assert isinstance(root, LazyGroup)
    with typer.Context(root) as ctx:
        root.loaded(ctx)  # commands are imported when first run (sms_core.cli): import them all
    return walk(root, ())


def command_lines() -> Iterator[tuple[str, list[str], tuple[int, ...]]]:
    """One command line per command, parameter and hostile value, with the exit codes allowed.

    A value some parameter may accept (``-1``, a long text) may succeed; text that is not text
    must be a usage error.
    """
    for path, command in commands():
        params = [
            param
            for param in command.params
            if param.name != "help" and not getattr(param, "is_flag", False)
        ]
        for target in params:
            for value in HOSTILE:
                label = f"{' '.join(path)} {target.name}={value[:12]!r}"
                words = list(path)
                positional = []
                for param in params:
                    given = value if param is target else PLACEHOLDER
                    if param.param_type_name == "argument":
                        positional.append(given)
                    elif param is target or param.required:
                        words += [param.opts[0], given]
                line = [*words, *positional]
                yield label, line, (2,) if value in NOT_TEXT else (0, 1, 2)


def check(result: Result, label: str, codes: tuple[int, ...] = (0, 1, 2)) -> None:
    """The command ended on its own terms: an expected code, no exception, no traceback."""
    escaped = result.exception if not isinstance(result.exception, SystemExit) else None
    assert escaped is None, f"{label}: {type(escaped).__name__}: {escaped}"
    assert result.exit_code in codes, f"{label}: exit {result.exit_code}\n{result.output[-800:]}"
    assert "Traceback" not in result.output, f"{label}:\n{result.output[-800:]}"


@pytest.fixture
def runner(installed: None, environment: Path, monkeypatch: pytest.MonkeyPatch) -> SmsadminRunner:
    """``smsadmin`` on account ``acme`` (ATS seats host) acting as its admin, time fixed.

    ``serve`` gets a uvicorn that returns at once, so a valid line does not block.
    """
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    cli = SmsadminRunner(clock=ManualClock(START))
    monkeypatch.setenv("SMS_HOST", "ats_seats")
    cli.ok("accounts", "create", "acme", "--name", "Acme Staffing", "--provider", "fake")
    monkeypatch.setenv("SMS_ACCOUNT", "acme")
    monkeypatch.setenv("SMS_ACTOR", "u-admin")
    cli.ok("users", "upsert", "u-admin", "--first", "Riley", "--last", "Chen",
           "--permission", "Administration")  # fmt: skip
    cli.ok("seats", "create", "Seat 1")
    return cli


class TestEveryCommand:
    """The whole tree, parameter by parameter, value by value."""

    def test_tree_is_walked(self) -> None:
        """The walk finds the commands it must: nested, plugin-added and self-running groups."""
        found = {" ".join(path) for path, _ in commands()}

        assert {"audit", "numbers search", "sandbox advance", "optouts", "serve"} <= found

    def test_hostile_values(self, runner: SmsadminRunner) -> None:
        """No command line ends in an escaped exception or a traceback."""
        lines = list(command_lines())
        assert len(lines) > 300  # the walk reached the tree, not a stub of it

        for label, line, codes in lines:
            check(runner.run(*line), label, codes)

    @pytest.mark.parametrize("option", ["--database", "--host", "--account", "--as"])
    @pytest.mark.parametrize("value", HOSTILE)
    def test_hostile_global_options(self, runner: SmsadminRunner, option: str, value: str) -> None:
        """The global options, hostile, before a command that reads the account."""
        check(runner.run(option, value, "seats", "list"), f"{option} {value[:12]!r}")


class TestIssueCases:
    """The command lines issue 13.7 found printing a traceback: now exit 1 or 2, with the fix."""

    @pytest.mark.parametrize(
        ("url", "words"),
        [
            ("notaurl", "not a SQLAlchemy URL"),
            ("mysql://user@127.0.0.1/smsadmin", "runs on sqlite and postgresql only"),
            ("postgresql+asyncpg://127.0.0.1/smsadmin", "driver that is not installed"),
            ("postgresql://nobody:secret@127.0.0.1:1/smsadmin", "cannot be opened"),
            ("sqlite:////proc/nope/smsadmin.sqlite3", "cannot be created"),
            ("sqlite:////proc/smsadmin.sqlite3", "cannot be opened"),
        ],
    )
    def test_database_url(self, runner: SmsadminRunner, url: str, words: str) -> None:
        """A URL that is not one, of an unsupported engine, unreachable or unwritable."""
        result = runner.refused("--database", url, "accounts", "list")

        assert words in result.stderr
        assert "secret" not in result.output

    def test_audit_limit(self, runner: SmsadminRunner) -> None:
        """A limit past any integer column is a usage error naming the range."""
        result = runner.misused("audit", "--limit", "99999999999999999999999")

        assert "less than or equal to 1000" in result.output  # a page at most

    @pytest.mark.parametrize("duration", ["99999999999999d", "3651d", "99999999999999999999s"])
    def test_sandbox_advance(self, runner: SmsadminRunner, duration: str) -> None:
        """A duration past what the sandbox moves at once is a usage error."""
        result = runner.misused("sandbox", "advance", duration)

        assert "3650 days" in result.output

    @pytest.mark.parametrize("value", ["nan", "inf"])
    def test_non_finite_seconds(self, runner: SmsadminRunner, value: str) -> None:
        """``nan`` slips past click's ranges; the option refuses it itself."""
        runner.misused("campaign", "sync", "--interval", value)
        runner.misused("serve", "--sync-every", value)

    def test_unusable_sandbox_state(self, runner: SmsadminRunner) -> None:
        """A sandbox state file that cannot be written is a usage error naming --state."""
        result = runner.misused("sandbox", "advance", "1h", "--state", "/proc/nope/state.db")

        assert "--state" in result.output

    def test_serve_on_a_taken_port(self, installed: None, environment: Path) -> None:
        """A port already taken: exit 1 and a message saying what to change."""
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = str(taken.getsockname()[1])

            result = SmsadminRunner(clock=ManualClock(START)).run(
                "serve", "--host", "127.0.0.1", "--port", port, "--sync-every", "0"
            )

        check(result, "serve on a taken port", codes=(1,))  # uvicorn logs before the error
        assert f"could not listen on 127.0.0.1:{port}" in result.stderr
