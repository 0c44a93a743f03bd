from __future__ import annotations

import io

import attrs
import pytest
from rich.console import Console

from sms_core.cli import render
from sms_core.domain import CarrierRegistration, Line, LineSummary, PhoneNumber, User


def text(renderable: object) -> str:
    """What a renderable prints, without colour, on a wide terminal."""
    sink = io.StringIO()
    Console(width=200, no_color=True, file=sink).print(renderable)
    return sink.getvalue()


def user(user_id: str, first: str, *, active: bool = True) -> User:
    return User(id=user_id, account_id="acme", first_name=first, last_name="Lee", active=active)


def line(*, registered: bool, user_ids: tuple[str, ...]) -> Line:
    return Line(
        id="l1",
        account_id="acme",
        number=PhoneNumber(e164="+14155550100"),
        provider_ref="PN1",
        registered=registered,
        user_ids=user_ids,
    )


class TestCues:
    """The seeds' visual cues, in text and colour."""

    def test_registered(self) -> None:
        """A registered number shows a green check."""
        cell = render.status_cell(line(registered=True, user_ids=()))

        assert "✔ Registered" == cell.plain
        assert "green" == str(cell.style)

    def test_unregistered(self) -> None:
        """An unregistered number shows a yellow alert."""
        cell = render.status_cell(line(registered=False, user_ids=()))

        assert "⚠ Unregistered" == cell.plain
        assert "yellow" == str(cell.style)

    def test_inactive_user_in_red(self) -> None:
        """An inactive user is red and marked; an active one is plain."""
        cell = render.users_cell([user("a", "Ada"), user("b", "Bo", active=False)])

        assert "Ada Lee, Bo Lee (inactive)" == cell.plain
        assert ["red"] == [str(span.style) for span in cell.spans]

    def test_shared_badge(self) -> None:
        """Three users on a number read +2."""
        users = [user("a", "Ada"), user("b", "Bo"), user("c", "Cy")]
        summary = LineSummary(
            line=line(registered=True, user_ids=("a", "b", "c")), users=tuple(users)
        )

        assert "Ada Lee, Bo Lee, Cy Lee  +2" in text(render.lines_table([summary]))

    def test_names_are_not_markup(self) -> None:
        """A name with brackets prints as typed."""
        cell = render.users_cell([user("a", "[bold]Ada")])

        assert "[bold]Ada Lee" == cell.plain


class TestCarrierCues:
    """A line's registration with the mobile carriers, in its own column."""

    @pytest.mark.parametrize(
        ("state", "cue", "style"),
        [
            (CarrierRegistration.NOT_ATTACHED, "○ Not attached", "dim"),
            (CarrierRegistration.PENDING, "● Pending", "yellow"),
            (CarrierRegistration.REGISTERED, "✔ Ready", "green"),
            (CarrierRegistration.FAILED, "✘ Failed", "red"),
        ],
    )
    def test_cue(self, state: CarrierRegistration, cue: str, style: str) -> None:
        """Each state has its cue and colour."""
        cell = render.carrier_cell(
            attrs.evolve(line(registered=True, user_ids=()), carrier_registration=state)
        )
        assert (cue, style) == (cell.plain, str(cell.style))

    def test_failure_names_the_code(self) -> None:
        """A failed registration shows the carrier's code in the list."""
        failed = attrs.evolve(
            line(registered=True, user_ids=()),
            carrier_registration=CarrierRegistration.FAILED,
            carrier_error_code="30126",
        )
        assert "✘ Failed (30126)" == render.carrier_cell(failed).plain
        listed = text(render.lines_table([LineSummary(line=failed, users=())]))
        assert "Carriers" in listed
        assert "✘ Failed (30126)" in listed
