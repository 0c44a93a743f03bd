from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from sms_core.cli import prompts
from sms_core.cli.testing import E164, SmsadminRunner

if TYPE_CHECKING:
    from sms_fake import CarrierNumber

CarrierNumbers = Callable[[], "list[CarrierNumber]"]


def buy(cli: SmsadminRunner, *users: str, area_code: str = "415") -> str:
    """Buy the first number offered in ``area_code`` for ``users``; return it."""
    number = cli.offered("--area-code", area_code, "--limit", "1")[0]
    cli.ok("numbers", "purchase", number, *(f"--user={user}" for user in users), "--accept-terms")
    return number


class TestSearch:
    """numbers search."""

    def test_by_area_code(self, widget: SmsadminRunner) -> None:
        """Numbers in the area code, as a table."""
        found = widget.offered("--area-code", "415", "--limit", "3")

        assert 3 == len(found)
        assert all(number.startswith("+1415") for number in found)

    def test_by_region(self, widget: SmsadminRunner) -> None:
        """A state by name finds numbers there."""
        result = widget.ok("numbers", "search", "--region", "Texas", "--limit", "2")

        assert 2 == len(E164.findall(result.stdout))
        assert "TX" in result.stdout

    def test_by_locality(self, widget: SmsadminRunner) -> None:
        """A city finds numbers in that city alone (the sandbox places 512 in Austin)."""
        result = widget.ok("numbers", "search", "--locality", "austin", "--limit", "2")

        found = E164.findall(result.stdout)
        assert 2 == len(found)
        assert all(number.startswith("+1512") for number in found)

    def test_locality_without_numbers_gives_the_hint(self, widget: SmsadminRunner) -> None:
        """A city the carrier has no numbers in is an answer with a hint, not an error."""
        result = widget.ok("numbers", "search", "--locality", "Nowhere Springs")

        assert [] == E164.findall(result.stdout)
        assert "no numbers in Nowhere Springs" in result.stdout

    def test_empty_answer_gives_the_hint(self, widget: SmsadminRunner) -> None:
        """A postal code without numbers is an answer with a hint, not an error."""
        result = widget.ok("numbers", "search", "--postal-code", "59801")

        assert [] == E164.findall(result.stdout)
        assert "leave the postal code blank" in result.stdout
        assert "nearby area codes" in result.stdout

    def test_bad_area_code(self, widget: SmsadminRunner) -> None:
        """An area code with letters is refused by value."""
        result = widget.refused("numbers", "search", "--area-code", "41a")

        assert "'41a'" in result.stderr

    def test_not_an_admin(self, widget: SmsadminRunner) -> None:
        """A recruiter may not search, and is told which permission it takes."""
        result = widget.refused("--as", "u-ada", "numbers", "search")

        assert "Marketplace Admin" in result.stderr


class TestPurchase:
    """numbers purchase."""

    def test_for_one_user(self, widget: SmsadminRunner, carrier_numbers: CarrierNumbers) -> None:
        """The number is bought at the carrier and listed with its user."""
        number = buy(widget, "u-ada")

        listed = widget.ok("numbers", "list").stdout
        assert number in listed
        assert "Ada Lee" in listed
        assert [number] == [owned.number.e164 for owned in carrier_numbers()]

    def test_shared_number_shows_badge(self, widget: SmsadminRunner) -> None:
        """A number bought for two users shows both and +1."""
        buy(widget, "u-ben", "u-cleo")

        listed = widget.ok("numbers", "list").stdout
        assert "Ben Ortiz, Cleo Park  +1" in listed

    def test_without_terms_is_refused(
        self, widget: SmsadminRunner, carrier_numbers: CarrierNumbers
    ) -> None:
        """Without --accept-terms (and no terminal) the purchase is refused; nothing changes."""
        number = widget.offered("--area-code", "415", "--limit", "1")[0]
        before = widget.state()

        result = widget.refused("numbers", "purchase", number, "--user", "u-ada")

        assert number in result.stderr
        assert "--accept-terms" in result.stderr
        assert before == widget.state()
        assert [] == carrier_numbers()
        assert number in widget.offered("--area-code", "415", "--limit", "1")

    def test_terms_asked_at_a_terminal(
        self, widget: SmsadminRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """At a terminal the admin is asked, and a yes buys the number."""
        monkeypatch.setattr(prompts, "interactive", lambda: True)
        number = widget.offered("--area-code", "415", "--limit", "1")[0]

        result = widget.ok("numbers", "purchase", number, "--user", "u-ada", input="y\n")

        assert "subscription terms" in result.stdout
        assert number in widget.ok("numbers", "list").stdout

    def test_terms_declined_at_a_terminal(
        self, widget: SmsadminRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A no at the terminal refuses the purchase."""
        monkeypatch.setattr(prompts, "interactive", lambda: True)
        number = widget.offered("--area-code", "415", "--limit", "1")[0]

        widget.refused("numbers", "purchase", number, "--user", "u-ada", input="n\n")

        assert "no numbers yet" in widget.ok("numbers", "list").stdout

    def test_user_with_a_line_is_refused(
        self, widget: SmsadminRunner, carrier_numbers: CarrierNumbers
    ) -> None:
        """A user already on a line cannot get a second one; nothing changes."""
        first = buy(widget, "u-ada")
        number = widget.offered("--area-code", "415", "--limit", "1")[0]
        before, owned = widget.state(), carrier_numbers()

        result = widget.refused("numbers", "purchase", number, "--user", "u-ada", "--accept-terms")

        assert "u-ada" in result.stderr
        assert first in result.stderr
        assert before == widget.state()
        assert owned == carrier_numbers()


class TestList:
    """numbers list and its cues."""

    def test_unregistered_cue(self, widget: SmsadminRunner) -> None:
        """A number not on an approved campaign shows the alert."""
        buy(widget, "u-ada")

        assert "⚠ Unregistered" in widget.ok("numbers", "list").stdout

    def test_inactive_user_is_marked(self, widget: SmsadminRunner) -> None:
        """An inactive user on a line is marked (red when colours are on)."""
        buy(widget, "u-ben", "u-cleo")
        widget.ok("users", "deactivate", "u-cleo")

        assert "Cleo Park (inactive)  +1" in widget.ok("numbers", "list").stdout

    def test_empty(self, widget: SmsadminRunner) -> None:
        """No numbers yet: a hint instead of an empty table."""
        assert "numbers search" in widget.ok("numbers", "list").stdout


class TestAssign:
    """numbers assign and unassign."""

    def test_assign_shares_the_number(self, widget: SmsadminRunner) -> None:
        """A second user on a number makes it shared."""
        number = buy(widget, "u-ben")

        widget.ok("numbers", "assign", number, "u-cleo")

        assert "Ben Ortiz, Cleo Park  +1" in widget.ok("numbers", "list").stdout

    def test_assign_several_at_once(self, widget: SmsadminRunner) -> None:
        """Several users in one step, as the widget's user dropdown saves them."""
        number = buy(widget)

        widget.ok("numbers", "assign", number, "u-ben", "u-cleo")

        assert "Ben Ortiz, Cleo Park  +1" in widget.ok("numbers", "list").stdout

    def test_assign_several_all_or_nothing(self, widget: SmsadminRunner) -> None:
        """One refused user keeps the others off too."""
        buy(widget, "u-ada")
        shared = buy(widget, "u-ben")
        before = widget.state()

        result = widget.refused("numbers", "assign", shared, "u-cleo", "u-ada")

        assert "'Ada Lee' (u-ada)" in result.stderr
        assert before == widget.state()

    def test_assign_user_with_a_line(self, widget: SmsadminRunner) -> None:
        """A user on another line is refused by name; nothing changes."""
        buy(widget, "u-ada")
        shared = buy(widget, "u-ben")
        before = widget.state()

        result = widget.refused("numbers", "assign", shared, "u-ada")

        assert "'Ada Lee' (u-ada)" in result.stderr
        assert before == widget.state()

    def test_unassign_with_yes(self, widget: SmsadminRunner) -> None:
        """--yes removes the user without asking; the number stays."""
        number = buy(widget, "u-ben", "u-cleo")

        widget.ok("numbers", "unassign", number, "u-cleo", "--yes")

        listed = widget.ok("numbers", "list").stdout
        assert "Cleo Park" not in listed
        assert number in listed

    def test_unassign_needs_confirmation(self, widget: SmsadminRunner) -> None:
        """Without --yes and without a terminal nothing is removed."""
        number = buy(widget, "u-ben", "u-cleo")
        before = widget.state()

        result = widget.refused("numbers", "unassign", number, "u-cleo")

        assert "--yes" in result.stderr
        assert before == widget.state()

    def test_unassign_declined(
        self, widget: SmsadminRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A no at the terminal removes nobody."""
        monkeypatch.setattr(prompts, "interactive", lambda: True)
        number = buy(widget, "u-ben", "u-cleo")
        before = widget.state()

        result = widget.refused("numbers", "unassign", number, "u-cleo", input="n\n")

        assert "cancelled" in result.stderr
        assert before == widget.state()

    def test_unassign_user_not_on_line(self, widget: SmsadminRunner) -> None:
        """Removing a user who is not on the number is refused by name."""
        number = buy(widget, "u-ben")

        result = widget.refused("numbers", "unassign", number, "u-ada", "--yes")

        assert "'u-ada'" in result.stderr


class TestReallocate:
    """numbers reallocate."""

    def test_inactive_to_active(self, widget: SmsadminRunner) -> None:
        """The line moves from the inactive user to the active one."""
        number = buy(widget, "u-ben", "u-cleo")
        widget.ok("users", "deactivate", "u-cleo")

        widget.ok("numbers", "reallocate", number, "--from", "u-cleo", "--to", "u-ada", "--yes")

        assert "Ben Ortiz, Ada Lee  +1" in widget.ok("numbers", "list").stdout

    def test_to_inactive_user_is_refused(self, widget: SmsadminRunner) -> None:
        """Only active users can take a line; nothing changes."""
        number = buy(widget, "u-ben")
        widget.ok("users", "deactivate", "u-ada")
        before = widget.state()

        result = widget.refused(
            "numbers", "reallocate", number, "--from", "u-ben", "--to", "u-ada", "--yes"
        )

        assert "'Ada Lee' (u-ada)" in result.stderr
        assert "inactive" in result.stderr
        assert before == widget.state()


class TestForward:
    """numbers forward."""

    def test_by_the_lines_own_user(
        self, widget: SmsadminRunner, carrier_numbers: CarrierNumbers
    ) -> None:
        """A recruiter forwards their own line; the carrier is told."""
        number = buy(widget, "u-ada")

        widget.ok("--as", "u-ada", "numbers", "forward", number, "(415) 555-0199")

        assert "+14155550199" in widget.ok("numbers", "list").stdout
        assert "+14155550199" == str(carrier_numbers()[0].settings.forward_to)

    def test_clear(self, widget: SmsadminRunner) -> None:
        """--clear stops forwarding."""
        number = buy(widget, "u-ada")
        widget.ok("numbers", "forward", number, "(415) 555-0199")

        widget.ok("numbers", "forward", number, "--clear")

        assert "+14155550199" not in widget.ok("numbers", "list").stdout

    def test_invalid_number(self, widget: SmsadminRunner, carrier_numbers: CarrierNumbers) -> None:
        """A forwarding number that is not one is refused by value; nothing changes."""
        number = buy(widget, "u-ada")
        before, owned = widget.state(), carrier_numbers()

        result = widget.refused("--as", "u-ada", "numbers", "forward", number, "555-01")

        assert "'555-01'" in result.stderr
        assert before == widget.state()
        assert owned == carrier_numbers()

    def test_someone_elses_line(self, widget: SmsadminRunner) -> None:
        """A recruiter cannot forward another recruiter's line."""
        number = buy(widget, "u-ada")

        result = widget.refused("--as", "u-ben", "numbers", "forward", number, "4155550199")

        assert "'u-ben'" in result.stderr

    def test_needs_target_or_clear(self, widget: SmsadminRunner) -> None:
        """Neither TO nor --clear is a usage error."""
        number = buy(widget, "u-ada")

        widget.misused("numbers", "forward", number)


class TestDeactivate:
    """numbers deactivate."""

    def test_releases_the_number(
        self, widget: SmsadminRunner, carrier_numbers: CarrierNumbers
    ) -> None:
        """The number leaves the list and the carrier offers it again."""
        number = buy(widget, "u-ada")

        widget.ok("numbers", "deactivate", number, "--yes")

        assert number not in widget.ok("numbers", "list").stdout
        assert [] == carrier_numbers()
        assert number in widget.offered("--area-code", "415", "--limit", "1")

    def test_needs_confirmation(
        self, widget: SmsadminRunner, carrier_numbers: CarrierNumbers
    ) -> None:
        """Without --yes and without a terminal the number stays."""
        number = buy(widget, "u-ada")
        before, owned = widget.state(), carrier_numbers()

        widget.refused("numbers", "deactivate", number)

        assert before == widget.state()
        assert owned == carrier_numbers()

    def test_unknown_number(self, widget: SmsadminRunner) -> None:
        """A number the account does not have is refused by value."""
        result = widget.refused("numbers", "deactivate", "+14155550100", "--yes")

        assert "+14155550100" in result.stderr


class TestColour:
    """The cues' colours, and NO_COLOR."""

    def test_colours_on_a_colour_terminal(
        self, widget: SmsadminRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A colour terminal shows the alert in yellow and an inactive user in red."""
        buy(widget, "u-ben", "u-cleo")
        widget.ok("users", "deactivate", "u-cleo")
        monkeypatch.delenv("NO_COLOR")
        monkeypatch.setenv("FORCE_COLOR", "1")

        listed = widget.ok("numbers", "list").stdout

        assert "\x1b[33m⚠ Unregistered" in listed
        assert "\x1b[31mCleo Park (inactive)" in listed

    def test_no_color_is_respected(
        self, widget: SmsadminRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """NO_COLOR removes every colour, even on a colour terminal."""
        buy(widget, "u-ben", "u-cleo")
        monkeypatch.setenv("FORCE_COLOR", "1")

        listed = widget.ok("numbers", "list").stdout

        assert "\x1b[33m" not in listed
        assert "⚠ Unregistered" in listed
