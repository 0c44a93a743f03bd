from __future__ import annotations

from sms_core.cli.testing import SmsadminRunner


class TestAccounts:
    """accounts create and list."""

    def test_create_and_list(self, cli: SmsadminRunner) -> None:
        """A new account is listed with its carrier and settings."""
        cli.ok(
            "accounts", "create", "acme", "--name", "Acme Staffing", "--provider", "fake",
            "--setting", "state_path=west.sqlite3",
        )  # fmt: skip

        listed = cli.ok("accounts", "list").stdout
        assert "Acme Staffing" in listed
        assert "state_path=west.sqlite3" in listed

    def test_unknown_setting_is_refused(self, cli: SmsadminRunner) -> None:
        """The carrier checks the settings: one it does not know is named; nothing is written."""
        result = cli.refused(
            "accounts", "create", "acme", "--name", "Acme", "--provider", "fake",
            "--setting", "colour=blue",
        )  # fmt: skip

        assert "'colour'" in result.stderr
        assert "state_path" in result.stderr  # the fix: the setting the sandbox knows
        assert "no accounts yet" in cli.ok("accounts", "list").stdout

    def test_update_sets_and_unsets(self, cli: SmsadminRunner) -> None:
        """Updating sets a setting, then --unset removes it; each change is shown."""
        cli.ok("accounts", "create", "acme", "--name", "Acme", "--provider", "fake")

        set_out = cli.ok("accounts", "update", "acme", "--setting", "state_path=a.sqlite3").stdout
        assert "state_path=a.sqlite3" in set_out
        assert "state_path=a.sqlite3" in cli.ok("accounts", "list").stdout
        cli.ok("accounts", "update", "acme", "--unset", "state_path")
        assert "state_path" not in cli.ok("accounts", "list").stdout

    def test_update_refused_changes_nothing(self, cli: SmsadminRunner) -> None:
        """A refused update names the setting; the stored settings stay as they were."""
        cli.ok(
            "accounts", "create", "acme", "--name", "Acme", "--provider", "fake",
            "--setting", "state_path=a.sqlite3",
        )  # fmt: skip

        result = cli.refused(
            "accounts", "update", "acme", "--setting", "colour=blue", "--unset", "state_path"
        )

        assert "'colour'" in result.stderr
        assert "state_path=a.sqlite3" in cli.ok("accounts", "list").stdout

    def test_update_without_changes_is_a_usage_error(self, cli: SmsadminRunner) -> None:
        """Updating with neither --setting nor --unset says what to give."""
        cli.ok("accounts", "create", "acme", "--name", "Acme", "--provider", "fake")

        result = cli.misused("accounts", "update", "acme")

        assert "--unset" in result.output

    def test_list_pages(self, widget: SmsadminRunner) -> None:
        """--limit lists the first accounts by id and a cursor; --cursor lists the rest."""
        widget.ok("accounts", "create", "zeta", "--name", "Zeta Staffing", "--provider", "fake")
        out = widget.ok("accounts", "list", "--limit", "1").stdout
        cursor = out.split("--cursor ", 1)[1].split()[0]
        rest = widget.ok("accounts", "list", "--cursor", cursor).stdout
        assert (True, False) == ("acme" in out, "zeta" in out)
        assert (False, True, False) == ("acme" in rest, "zeta" in rest, "--cursor" in rest)

    def test_existing_id_is_refused(self, widget: SmsadminRunner) -> None:
        """A second account with the same id is refused by id; the first stays."""
        result = widget.refused(
            "accounts", "create", "acme", "--name", "Other", "--provider", "fake"
        )

        assert "'acme'" in result.stderr
        listed = widget.ok("accounts", "list").stdout
        assert "Acme Staffing" in listed
        assert "Other" not in listed

    def test_unknown_carrier_is_refused(self, cli: SmsadminRunner) -> None:
        """A carrier that is not installed is refused by name; no account is written."""
        result = cli.refused("accounts", "create", "acme", "--name", "Acme", "--provider", "nope")

        assert "'nope'" in result.stderr
        assert "no accounts yet" in cli.ok("accounts", "list").stdout

    def test_setting_without_equals(self, cli: SmsadminRunner) -> None:
        """A setting that is not key=value is a usage error naming it."""
        result = cli.misused(
            "accounts", "create", "acme", "--name", "Acme", "--provider", "fake",
            "--setting", "oops",
        )  # fmt: skip

        assert "'oops'" in result.output


class TestUsers:
    """users upsert, list, search, deactivate and reactivate."""

    def test_list(self, widget: SmsadminRunner) -> None:
        """Every user with status and permissions, by last name."""
        listed = widget.ok("users", "list").stdout

        assert listed.index("Ada Lee") < listed.index("Ben Ortiz") < listed.index("Cleo Park")
        assert "Marketplace Admin" in listed

    def test_pages(self, widget: SmsadminRunner) -> None:
        """--limit lists the first users by name and a cursor; --cursor lists the rest."""
        everyone = widget.ok("users", "list").stdout
        out = widget.ok("users", "list", "--limit", "1").stdout
        cursor = out.split("--cursor ", 1)[1].split()[0]
        rest = widget.ok("users", "list", "--limit", "1000", "--cursor", cursor).stdout
        assert "Ada Lee" in out
        assert "Ada Lee" not in rest
        assert "Ben Ortiz" in rest
        assert "Ben Ortiz" in everyone

    def test_upsert_replaces(self, widget: SmsadminRunner) -> None:
        """Upserting an existing id replaces the user's data."""
        widget.ok("users", "upsert", "u-ada", "--first", "Ada", "--last", "Lovelace")

        listed = widget.ok("users", "list").stdout
        assert "Ada Lovelace" in listed
        assert "Ada Lee" not in listed

    def test_upsert_without_names_is_refused(self, widget: SmsadminRunner) -> None:
        """A user needs a name; the refusal names the id and nothing is written."""
        result = widget.refused("users", "upsert", "u-zed")

        assert "'u-zed'" in result.stderr
        assert "u-zed" not in widget.ok("users", "list").stdout

    def test_upsert_inactive(self, widget: SmsadminRunner) -> None:
        """--inactive syncs an inactive user, marked in the list."""
        widget.ok("users", "upsert", "u-zed", "--first", "Zed", "--last", "Ray", "--inactive")

        assert "Zed Ray (inactive)" in widget.ok("users", "list").stdout

    def test_deactivate_and_reactivate(self, widget: SmsadminRunner) -> None:
        """Deactivation marks the user; reactivation clears the mark."""
        widget.ok("users", "deactivate", "u-ada")
        assert "Ada Lee (inactive)" in widget.ok("users", "list").stdout

        widget.ok("users", "reactivate", "u-ada")
        assert "(inactive)" not in widget.ok("users", "list").stdout

    def test_active_only(self, widget: SmsadminRunner) -> None:
        """--active-only leaves inactive users out."""
        widget.ok("users", "deactivate", "u-cleo")

        assert "Cleo Park" not in widget.ok("users", "list", "--active-only").stdout

    def test_search(self, widget: SmsadminRunner) -> None:
        """A part of a name finds the users, ignoring case."""
        found = widget.ok("users", "search", "ORT").stdout

        assert "Ben Ortiz" in found
        assert "Ada Lee" not in found

    def test_search_without_match(self, widget: SmsadminRunner) -> None:
        """No match is an answer with a hint."""
        assert "'zzz'" in widget.ok("users", "search", "zzz").stdout

    def test_deactivate_unknown_user(self, widget: SmsadminRunner) -> None:
        """An unknown user is refused by id."""
        result = widget.refused("users", "reactivate", "u-nobody")

        assert "'u-nobody'" in result.stderr

    def test_list_shows_the_users_number(self, widget: SmsadminRunner) -> None:
        """A user on a line shows its number."""
        number = widget.offered("--area-code", "415", "--limit", "1")[0]
        widget.ok("numbers", "purchase", number, "--user", "u-ada", "--accept-terms")

        row = next(line for line in widget.ok("users", "list").stdout.splitlines() if "Ada" in line)
        assert number in row
