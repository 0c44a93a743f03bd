"""Driving ``smsadmin`` from tests: run commands in-process and check how each one ended.

For the SDK's own tests and for host applications that script the command line::

    smsadmin = SmsadminRunner()
    smsadmin.ok("accounts", "create", "acme", "--name", "Acme", "--provider", "fake")
    smsadmin.refused("--account", "acme", "users", "deactivate", "nobody")

Configure the commands as a user would, with environment variables (``SMS_DATABASE_URL``,
``SMS_HOST``, ``SMS_ACCOUNT``, ``SMS_ACTOR``); set ``NO_COLOR`` to read plain text.
"""

from __future__ import annotations

import re

import attrs
from typer.testing import CliRunner, Result

from sms_core.cli.app import app
from sms_core.cli.options import GlobalOptions
from sms_core.clock import Clock

__all__ = ["E164", "SmsadminRunner"]

#: A phone number in E.164 form, as the tables print numbers.
E164 = re.compile(r"\+[1-9]\d{6,14}")


def _expect(result: Result, code: int) -> Result:
    if result.exit_code != code:
        raise AssertionError(
            f"expected exit code {code}, got {result.exit_code}:\n{result.output}"
        ) from result.exception
    return result


@attrs.define
class SmsadminRunner:
    """Runs ``smsadmin`` command lines in-process.

    Attributes:
        runner: Typer's runner, which captures stdout and stderr apart.
        clock: The time the commands' SDK sees (a :class:`~sms_core.clock.ManualClock`, so
            quiet hours and allowances do not depend on the hour a test runs); the wall clock
            when ``None``.
        plugins: Plugin objects the commands' SDK loads besides the installed ones (a host
            plugin under test, activated with ``SMS_HOST``).
    """

    runner: CliRunner = attrs.field(factory=CliRunner)
    clock: Clock | None = None
    plugins: tuple[object, ...] = ()

    def run(self, *args: str, input: str | None = None) -> Result:
        """Run a command line, whatever its exit code.

        Args:
            args: The arguments after ``smsadmin``.
            input: What a person would type at the prompts.
        """
        options = GlobalOptions(clock=self.clock, plugins=self.plugins)
        return self.runner.invoke(app, list(args), input=input, obj=options)

    def ok(self, *args: str, input: str | None = None) -> Result:
        """Run a command line that must succeed (exit code 0).

        Raises:
            AssertionError: With the output, when it did not.
        """
        return _expect(self.run(*args, input=input), 0)

    def refused(self, *args: str, input: str | None = None) -> Result:
        """Run a command line the SDK must refuse: exit code 1, ``Error: ...`` on stderr only.

        Raises:
            AssertionError: With the output, when it ended otherwise or printed a traceback.
        """
        result = _expect(self.run(*args, input=input), 1)
        if not result.stderr.startswith("Error: ") or "Traceback" in result.output:
            raise AssertionError(f"expected one 'Error: ...' on stderr:\n{result.output}")
        return result

    def misused(self, *args: str) -> Result:
        """Run a command line that must fail as a usage error (exit code 2).

        Raises:
            AssertionError: With the output, when it did not.
        """
        return _expect(self.run(*args), 2)

    def offered(self, *filters: str) -> list[str]:
        """The numbers ``numbers search`` offers with ``filters``, in E.164 form."""
        return E164.findall(self.ok("numbers", "search", *filters).stdout)

    def state(self) -> tuple[str, str]:
        """The number list and the audit trail: what a refused command must leave unchanged."""
        return self.ok("numbers", "list").stdout, self.ok("audit").stdout
