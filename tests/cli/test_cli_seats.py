from __future__ import annotations

from sms_core.cli.testing import E164, SmsadminRunner


def seat_row(cli: SmsadminRunner, name: str) -> str:
    """The line of ``seats list`` that shows seat ``name``."""
    return next(line for line in cli.ok("seats", "list").stdout.splitlines() if name in line)


def set_up(cli: SmsadminRunner, seat: str = "Seat 1") -> str:
    """Give ``seat`` a number with Auto Assign; return the number."""
    cli.ok("seats", "auto-assign", seat, "--accept-terms")
    found = E164.search(seat_row(cli, seat))
    assert found is not None
    return found.group()


class TestCreateAndList:
    """seats create and list."""

    def test_list_shows_allowance(self, seats: SmsadminRunner) -> None:
        """Each seat shows its remaining and total allowance, and that it has no number yet."""
        row = seat_row(seats, "Seat 1")

        assert "1,000 / 1,000" in row
        assert "no number yet" in row

    def test_create_with_allowance(self, seats: SmsadminRunner) -> None:
        """--allowance sets the seat's monthly allowance."""
        seats.ok("seats", "create", "Seat 3", "--allowance", "250")

        assert "250 / 250" in seat_row(seats, "Seat 3")

    def test_existing_name_is_refused(self, seats: SmsadminRunner) -> None:
        """A second seat with the same name is refused by name."""
        result = seats.refused("seats", "create", "Seat 1")

        assert "'Seat 1'" in result.stderr
        assert 1 == seats.ok("seats", "list").stdout.count("Seat 1")

    def test_host_without_seats(self, widget: SmsadminRunner) -> None:
        """A host product without seats refuses them, naming the host."""
        result = widget.refused("seats", "create", "Seat 1")

        assert "hcm_widget" in result.stderr


class TestNumbers:
    """seats auto-assign, choose and complete-setup."""

    def test_auto_assign(self, seats: SmsadminRunner) -> None:
        """The seat gets an open number."""
        number = set_up(seats)

        assert number in seats.ok("numbers", "list").stdout

    def test_auto_assign_without_terms(self, seats: SmsadminRunner) -> None:
        """Without accepting the terms the seat stays without a number."""
        result = seats.refused("seats", "auto-assign", "Seat 1")

        assert "--accept-terms" in result.stderr
        assert "no number yet" in seat_row(seats, "Seat 1")

    def test_choose_then_complete_setup(self, seats: SmsadminRunner) -> None:
        """Choose lists numbers in the area code; Complete Setup buys the chosen one."""
        chosen = seats.ok("seats", "choose", "Seat 2", "--area-code", "512").stdout
        offers = E164.findall(chosen)
        assert 10 == len(offers)
        assert all(offer.startswith("+1512") for offer in offers)
        assert "complete-setup 'Seat 2'" in chosen

        seats.ok("seats", "complete-setup", "Seat 2", offers[3], "--accept-terms")

        assert offers[3] in seat_row(seats, "Seat 2")

    def test_second_number_is_refused(self, seats: SmsadminRunner) -> None:
        """A seat with a number cannot set up another."""
        number = set_up(seats)
        other = seats.offered("--area-code", "512", "--limit", "1")[0]

        result = seats.refused("seats", "complete-setup", "Seat 1", other, "--accept-terms")

        assert number in result.stderr
        assert number in seat_row(seats, "Seat 1")

    def test_seat_by_id(self, seats: SmsadminRunner) -> None:
        """SEAT may be the seat's id too."""
        created = seats.ok("seats", "create", "Seat 3").stdout
        seat_id = created.rsplit("(", 1)[1].split(")")[0]

        seats.ok("seats", "auto-assign", seat_id, "--accept-terms")

        assert E164.search(seat_row(seats, "Seat 3"))

    def test_unknown_seat(self, seats: SmsadminRunner) -> None:
        """A seat that is neither an id nor a name is refused by value."""
        result = seats.refused("seats", "auto-assign", "Seat 9", "--accept-terms")

        assert "'Seat 9'" in result.stderr


class TestUsers:
    """seats assign and remove."""

    def test_assign_three(self, seats: SmsadminRunner) -> None:
        """Up to three users share a seat's number."""
        set_up(seats)

        seats.ok("seats", "assign", "Seat 1", "u-eli", "u-fay", "u-gus")

        assert "Eli Brooks, Fay Nguyen, Gus Patel" in seat_row(seats, "Seat 1")

    def test_fourth_user_is_refused(self, seats: SmsadminRunner) -> None:
        """A fourth user is refused with the limit; nothing changes."""
        number = set_up(seats)
        seats.ok("seats", "assign", "Seat 1", "u-eli", "u-fay", "u-gus")
        before = seats.ok("seats", "list").stdout, seats.state()

        result = seats.refused("seats", "assign", "Seat 1", "u-hana")

        assert number in result.stderr
        assert "(3)" in result.stderr
        assert before == (seats.ok("seats", "list").stdout, seats.state())

    def test_too_many_at_once_changes_nothing(self, seats: SmsadminRunner) -> None:
        """Four users at once are refused whole: nobody is assigned."""
        set_up(seats)
        before = seats.ok("seats", "list").stdout, seats.state()

        seats.refused("seats", "assign", "Seat 1", "u-eli", "u-fay", "u-gus", "u-hana")

        assert before == (seats.ok("seats", "list").stdout, seats.state())

    def test_second_seat_is_refused(self, seats: SmsadminRunner) -> None:
        """A user on one seat cannot go on another; nothing changes."""
        first = set_up(seats, "Seat 1")
        set_up(seats, "Seat 2")
        seats.ok("seats", "assign", "Seat 1", "u-eli")
        before = seats.ok("seats", "list").stdout, seats.state()

        result = seats.refused("seats", "assign", "Seat 2", "u-eli")

        assert "'Eli Brooks' (u-eli)" in result.stderr
        assert first in result.stderr
        assert before == (seats.ok("seats", "list").stdout, seats.state())

    def test_seat_without_number(self, seats: SmsadminRunner) -> None:
        """Users go on a seat only once it has a number."""
        result = seats.refused("seats", "assign", "Seat 1", "u-eli")

        assert "'Seat 1'" in result.stderr

    def test_remove(self, seats: SmsadminRunner) -> None:
        """--yes takes the user off the seat."""
        set_up(seats)
        seats.ok("seats", "assign", "Seat 1", "u-eli", "u-fay")

        seats.ok("seats", "remove", "Seat 1", "u-eli", "--yes")

        row = seat_row(seats, "Seat 1")
        assert "Eli Brooks" not in row
        assert "Fay Nguyen" in row

    def test_remove_needs_confirmation(self, seats: SmsadminRunner) -> None:
        """Without --yes and without a terminal the user stays."""
        set_up(seats)
        seats.ok("seats", "assign", "Seat 1", "u-eli")

        seats.refused("seats", "remove", "Seat 1", "u-eli")

        assert "Eli Brooks" in seat_row(seats, "Seat 1")
