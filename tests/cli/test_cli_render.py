from __future__ import annotations

import io

from rich.console import Console

from sms_core.cli import render
from sms_core.domain import Line, LineSummary, PhoneNumber, User


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
