from __future__ import annotations

from sms_core.cli.testing import SmsadminRunner


def buy(cli: SmsadminRunner, *users: str) -> str:
    number = cli.offered("--area-code", "415", "--limit", "1")[0]
    cli.ok("numbers", "purchase", number, *(f"--user={user}" for user in users), "--accept-terms")
    return number


class TestAudit:
    """audit: who, what, when, before → after."""

    def test_newest_first_with_changes(self, widget: SmsadminRunner) -> None:
        """Each action shows its actor's name and what changed."""
        number = buy(widget, "u-ben")
        widget.ok("numbers", "assign", number, "u-cleo")

        trail = widget.ok("audit").stdout

        assert trail.index("assign") < trail.index("purchase")
        assert "Morgan Reyes" in trail
        assert "users: Ben Ortiz → Ben Ortiz, Cleo Park" in trail
        assert "created" in trail

    def test_forwarding_by_the_lines_user(self, widget: SmsadminRunner) -> None:
        """A forwarding change names the recruiter who made it."""
        number = buy(widget, "u-ada")
        widget.ok("--as", "u-ada", "numbers", "forward", number, "4155550199")

        row = next(line for line in widget.ok("audit").stdout.splitlines() if "forward" in line)
        assert "Ada Lee" in row
        assert "forward_to: — → +14155550199" in row

    def test_filter_by_action(self, widget: SmsadminRunner) -> None:
        """--action keeps one kind of action."""
        number = buy(widget, "u-ben")
        widget.ok("numbers", "assign", number, "u-cleo")

        trail = widget.ok("audit", "--action", "assign").stdout

        assert "assign" in trail
        assert "purchase" not in trail

    def test_filter_by_number(self, widget: SmsadminRunner) -> None:
        """--number keeps the actions on one number."""
        first = buy(widget, "u-ada")
        second = buy(widget, "u-ben")

        trail = widget.ok("audit", "--number", second).stdout

        assert second in trail
        assert first not in trail

    def test_seat_actions_name_the_seat(self, seats: SmsadminRunner) -> None:
        """Seat actions show the seat's name, not its id."""
        assert "create_seat │ Seat 1" in seats.ok("audit").stdout

    def test_unknown_action(self, widget: SmsadminRunner) -> None:
        """An action that does not exist is a usage error."""
        widget.misused("audit", "--action", "explode")

    def test_empty(self, widget: SmsadminRunner) -> None:
        """No entries: a hint."""
        assert "no audit entries" in widget.ok("audit").stdout
