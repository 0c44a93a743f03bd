from __future__ import annotations

from datetime import timedelta

import pytest

from sms_core import AuditAction, ManualClock, NumberQuery
from sms_core.exceptions import (
    AlreadyExistsError,
    InvalidInputError,
    LineFullError,
    PermissionDeniedError,
    SeatHasNumberError,
    SeatRequiredError,
    SeatsDisabledError,
    SeatWithoutNumberError,
    TermsNotAcceptedError,
    UserAlreadyHasLineError,
)
from sms_core.services import AccountAdmin, allowance_period


class TestSeats:
    """The ATS seats page: seats, their numbers and users, and the monthly allowance."""

    @pytest.fixture
    def host(self) -> str:
        return "ats_seats"

    def test_new_seat_has_the_hosts_allowance(self, acme: AccountAdmin) -> None:
        """A seat starts with the policy's allowance, all of it remaining, and no number."""
        seat = acme.seats.create("admin", "Seat 1")
        [summary] = acme.seats.list()
        assert seat == summary.seat
        assert 1000 == summary.seat.monthly_allowance
        assert 1000 == summary.seat.remaining
        assert summary.line is None
        assert AuditAction.CREATE_SEAT == acme.audit.list()[0].action

    @pytest.mark.parametrize("allowance", [-1, 2.5, "3", True])
    def test_allowance_is_a_whole_number(self, acme: AccountAdmin, allowance: object) -> None:
        """A negative, fractional, text or yes/no allowance is refused; no seat is made."""
        with pytest.raises(InvalidInputError, match="whole number of messages"):
            acme.seats.create("admin", "Seat 1", monthly_allowance=allowance)  # type: ignore[arg-type]
        assert [] == acme.seats.list()

    def test_seat_names_are_unique(self, acme: AccountAdmin) -> None:
        """Two seats cannot share a name."""
        acme.seats.create("admin", "Seat 1")
        with pytest.raises(AlreadyExistsError, match="'Seat 1'"):
            acme.seats.create("admin", "Seat 1")

    def test_suggest_number_shows_one_before_complete_setup_buys_it(
        self, acme: AccountAdmin
    ) -> None:
        """Auto Assign on a screen: a random open number is shown, bought only at Complete Setup."""
        seat = acme.seats.create("admin", "Seat 1")
        offer = acme.seats.suggest_number("admin", seat.id)
        assert [] == acme.numbers.list()
        assert acme.seats.get(seat.id).line is None
        summary = acme.seats.complete_setup("admin", seat.id, offer.number, accept_terms=True)
        assert summary.line is not None
        assert offer.number == summary.line.number
        with pytest.raises(SeatHasNumberError):
            acme.seats.suggest_number("admin", seat.id)

    def test_auto_assign_buys_an_open_number(self, acme: AccountAdmin) -> None:
        """Auto Assign picks one of the carrier's open numbers for the seat."""
        seat = acme.seats.create("admin", "Seat 1")
        summary = acme.seats.auto_assign("admin", seat.id, accept_terms=True)
        assert summary.line is not None
        assert seat.id == summary.line.seat_id
        [line] = acme.numbers.list()
        assert summary.line.number == line.line.number

    def test_choose_number_then_complete_setup(self, acme: AccountAdmin) -> None:
        """Choose Number lists an area code's numbers; the picked one is set up."""
        seat = acme.seats.create("admin", "Seat 1")
        choices = acme.seats.generate_numbers("admin", "312")
        assert choices
        assert all(choice.number.national.startswith("(312)") for choice in choices)
        summary = acme.seats.complete_setup("admin", seat.id, choices[-1].number, accept_terms=True)
        assert summary.line is not None
        assert choices[-1].number == summary.line.number

    def test_setup_needs_the_terms(self, acme: AccountAdmin) -> None:
        """Completing setup without accepting the terms buys nothing."""
        seat = acme.seats.create("admin", "Seat 1")
        with pytest.raises(TermsNotAcceptedError):
            acme.seats.auto_assign("admin", seat.id, accept_terms=False)
        assert acme.seats.get(seat.id).line is None

    def test_a_seat_holds_one_number(self, acme: AccountAdmin) -> None:
        """A second setup on a seat with a number is refused."""
        seat = acme.seats.create("admin", "Seat 1")
        acme.seats.auto_assign("admin", seat.id, accept_terms=True)
        with pytest.raises(SeatHasNumberError, match="already has"):
            acme.seats.auto_assign("admin", seat.id, accept_terms=True)
        assert 1 == len(acme.numbers.list())

    def test_three_users_per_number(self, acme: AccountAdmin) -> None:
        """Up to three users share a seat's number; the fourth is refused."""
        acme.users.upsert("dee", first_name="Dee", last_name="Park")
        seat = acme.seats.create("admin", "Seat 1")
        acme.seats.auto_assign("admin", seat.id, accept_terms=True)
        summary = acme.seats.assign_users("admin", seat.id, ["ann", "bob", "cy"])
        assert ["ann", "bob", "cy"] == [user.id for user in summary.users]
        with pytest.raises(LineFullError, match=r"\(3\)"):
            acme.seats.assign_users("admin", seat.id, ["dee"])
        summary = acme.seats.remove_user("admin", seat.id, "bob")
        assert ["ann", "cy"] == [user.id for user in summary.users]

    def test_a_user_is_on_one_seat(self, acme: AccountAdmin) -> None:
        """A user on one seat cannot be put on another."""
        first = acme.seats.create("admin", "Seat 1")
        second = acme.seats.create("admin", "Seat 2")
        acme.seats.auto_assign("admin", first.id, accept_terms=True)
        acme.seats.auto_assign("admin", second.id, accept_terms=True)
        acme.seats.assign_users("admin", first.id, ["ann"])
        with pytest.raises(UserAlreadyHasLineError):
            acme.seats.assign_users("admin", second.id, ["ann"])

    def test_users_need_a_number_first(self, acme: AccountAdmin) -> None:
        """A seat without a number cannot take users."""
        seat = acme.seats.create("admin", "Seat 1")
        with pytest.raises(SeatWithoutNumberError, match="Auto Assign or Choose Number"):
            acme.seats.assign_users("admin", seat.id, ["ann"])

    def test_admin_needs_administration(self, acme: AccountAdmin) -> None:
        """Under the ATS host, seat management needs the Administration permission."""
        with pytest.raises(PermissionDeniedError, match="Administration"):
            acme.seats.create("ann", "Seat 9")

    def test_numbers_are_bought_for_seats_only(self, acme: AccountAdmin) -> None:
        """Buying a number outside a seat is refused: its texts would count against nothing."""
        [offer] = acme.numbers.search("admin", NumberQuery(area_code="312", limit=1))
        with pytest.raises(SeatRequiredError, match=r"seats\.complete_setup"):
            acme.numbers.purchase("admin", offer.number, ["ann"], accept_terms=True)
        assert [] == acme.numbers.list()
        assert [] == acme.audit.list()

    def test_recruiter_buying_is_refused_for_permission(self, acme: AccountAdmin) -> None:
        """A recruiter is told they may not buy, before anything about seats."""
        [offer] = acme.numbers.search("admin", NumberQuery(area_code="312", limit=1))
        with pytest.raises(PermissionDeniedError):
            acme.numbers.purchase("ann", offer.number, ["ann"], accept_terms=True)
        assert [] == acme.numbers.list()

    def test_allowance_resets_with_the_month(self, acme: AccountAdmin, clock: ManualClock) -> None:
        """The period follows the calendar month of the clock; a new month reads as unused."""
        acme.seats.create("admin", "Seat 1")
        assert "2026-03" == acme.seats.list()[0].seat.period
        clock.advance(timedelta(days=30))
        assert "2026-04" == acme.seats.list()[0].seat.period
        assert "2026-04" == allowance_period(clock.now())


class TestSeatsDisabled:
    """Hosts without seats refuse seat actions."""

    def test_core_defaults_have_no_seats(self, acme: AccountAdmin) -> None:
        """Without a seat-based host, creating a seat says what to do instead."""
        with pytest.raises(SeatsDisabledError, match="assign numbers to users instead"):
            acme.seats.create("admin", "Seat 1")
