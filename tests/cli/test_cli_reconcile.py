from __future__ import annotations

from sms_core.cli.testing import SmsadminRunner


class TestReconcile:
    """``smsadmin reconcile`` settles, once, what sends left short of an answer."""

    def test_nothing_to_do(self, cli: SmsadminRunner) -> None:
        """With no account or text, it says there was nothing to reconcile."""
        assert "nothing to reconcile" in cli.ok("reconcile").stdout

    def test_unknown_account(self, cli: SmsadminRunner) -> None:
        """An account that does not exist is refused with the usual error."""
        result = cli.refused("--account", "nope", "reconcile")
        assert "nope" in result.stderr

    def test_listed_in_help(self, cli: SmsadminRunner) -> None:
        """The command is in the tree, next to serve."""
        assert "reconcile" in cli.ok("--help").stdout
