from __future__ import annotations

from pathlib import Path

import pytest

from sms_core.cli.testing import SmsadminRunner


class TestHelp:
    """The command tree."""

    def test_lists_every_command_group(self, cli: SmsadminRunner) -> None:
        """The top-level help names every command."""
        result = cli.ok("--help")

        for command in ("accounts", "users", "numbers", "seats", "audit", "demo"):
            assert command in result.stdout

    def test_numbers_offers_every_widget_action(self, cli: SmsadminRunner) -> None:
        """The numbers group has every action of the number administration screens."""
        result = cli.ok("numbers", "--help")

        for action in (
            "search", "purchase", "list", "assign", "unassign",
            "reallocate", "forward", "deactivate",
        ):  # fmt: skip
            assert action in result.stdout

    def test_seats_offers_every_seat_page_action(self, cli: SmsadminRunner) -> None:
        """The seats group has every action of the Text Messaging Numbers page."""
        result = cli.ok("seats", "--help")

        for action in ("create", "list", "auto-assign", "choose", "complete-setup", "assign"):
            assert action in result.stdout
        assert "remove" in result.stdout

    def test_help_opens_no_database(self, cli: SmsadminRunner, environment: Path) -> None:
        """Help touches no database."""
        cli.ok("numbers", "--help")

        assert not (environment / "smsadmin.sqlite3").exists()


class TestGlobalOptions:
    """--database, --host, --account and --as, and their environment variables."""

    def test_account_is_required(
        self, widget: SmsadminRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without --account a command is a usage error that says how to name one."""
        monkeypatch.delenv("SMS_ACCOUNT")

        result = widget.misused("numbers", "list")

        assert "--account" in result.output
        assert "SMS_ACCOUNT" in result.output

    def test_acting_user_is_required(
        self, widget: SmsadminRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without --as an admin action is a usage error that says how to name the user."""
        monkeypatch.delenv("SMS_ACTOR")

        result = widget.misused("numbers", "search", "--area-code", "415")

        assert "--as" in result.output

    def test_options_override_environment(self, widget: SmsadminRunner) -> None:
        """--as on the command line wins over SMS_ACTOR."""
        result = widget.refused("--as", "u-ada", "numbers", "search", "--area-code", "415")

        assert "Marketplace Admin" in result.stderr

    def test_database_option(self, cli: SmsadminRunner, tmp_path: Path) -> None:
        """--database points every command at another database."""
        other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
        cli.ok("--database", other, "accounts", "create", "b", "--name", "B", "--provider", "fake")

        assert " b " in cli.ok("--database", other, "accounts", "list").stdout
        assert "no accounts yet" in cli.ok("accounts", "list").stdout

    def test_unknown_host(self, cli: SmsadminRunner) -> None:
        """An unknown host is refused with the installed names."""
        result = cli.refused("--host", "nope", "accounts", "list")

        assert "'nope'" in result.stderr
        assert "hcm_widget" in result.stderr

    def test_unknown_account(self, widget: SmsadminRunner) -> None:
        """An unknown account is refused by name."""
        result = widget.refused("--account", "globex", "numbers", "list")

        assert "'globex'" in result.stderr


class TestErrors:
    """How failures reach the user."""

    def test_error_on_stderr_with_code_1(self, widget: SmsadminRunner) -> None:
        """An SDK error prints 'Error: ...' on stderr only, and exits with 1."""
        result = widget.refused("users", "deactivate", "u-nobody")

        assert "" == result.stdout
        assert "'u-nobody'" in result.stderr

    def test_usage_error_code_2(self, cli: SmsadminRunner) -> None:
        """A missing argument keeps Typer's usage error code."""
        cli.misused("numbers", "assign")


class TestCoreDefaults:
    """Without --host the core defaults apply."""

    def test_numbers_are_not_shared(
        self, cli: SmsadminRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The core's admin permission manages numbers, and a number serves one user."""
        cli.ok("accounts", "create", "acme", "--name", "Acme", "--provider", "fake")
        monkeypatch.setenv("SMS_ACCOUNT", "acme")
        monkeypatch.setenv("SMS_ACTOR", "root")
        cli.ok("users", "upsert", "root", "--first", "Ro", "--permission", "sms.admin")
        cli.ok("users", "upsert", "ann", "--first", "Ann")
        cli.ok("users", "upsert", "bob", "--first", "Bob")
        number = cli.offered("--area-code", "415", "--limit", "1")[0]

        result = cli.refused(
            "numbers", "purchase", number, "--user", "ann", "--user", "bob", "--accept-terms"
        )

        assert "at most 1 users" in result.stderr


class TestRunner:
    """The shipped test runner reports how a command really ended."""

    def test_ok_shows_the_output(self, cli: SmsadminRunner) -> None:
        """A failing command asserted to succeed fails with its output."""
        with pytest.raises(AssertionError, match="no account chosen"):
            cli.ok("numbers", "list")

    def test_refused_rejects_success(self, cli: SmsadminRunner) -> None:
        """A succeeding command asserted to be refused fails."""
        with pytest.raises(AssertionError, match="expected exit code 1, got 0"):
            cli.refused("accounts", "list")
