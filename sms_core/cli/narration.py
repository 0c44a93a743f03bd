"""Telling a story on the console: numbered steps, and refusals that must change nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import attrs
from rich.console import Console, RenderableType

from sms_core.cli import output
from sms_core.cli.errors import CliError
from sms_core.clock import ManualClock

__all__ = ["Narrator"]


@attrs.define
class Narrator:
    """Prints the steps of a story and checks what it claims.

    Each step moves the story's clock a minute forward, so the audit trail reads in order
    without the wall clock.

    Attributes:
        console: Where the story is told.
        clock: The story's clock.
    """

    console: Console
    clock: ManualClock
    _steps: int = 0

    def part(self, title: str) -> None:
        """Open a part of the story."""
        self.console.print()
        self.console.rule(title, characters="═", style="bold")

    def step(self, title: str) -> None:
        """Open the next numbered step."""
        self._steps += 1
        self.clock.advance(timedelta(minutes=1))
        self.console.print()
        self.console.rule(f"{self._steps}. {title}", align="left", style="cyan")

    def show(self, *renderables: RenderableType) -> None:
        """Print tables or texts."""
        self.console.print(*renderables)

    def done(self, message: str) -> None:
        """Say what a step did."""
        output.success(self.console, message)

    def say(self, message: str) -> None:
        """Tell the reader something."""
        self.console.print(message, soft_wrap=True)

    def refused(
        self,
        expected: type[Exception],
        attempt: Callable[[], object],
        *,
        state: Callable[[], object],
        what: str,
    ) -> None:
        """Run ``attempt``, which the services must refuse with ``expected`` and no change.

        Args:
            expected: The error type the refusal must have.
            attempt: The request that breaks a rule.
            state: Reads what must stay the same (compared before and after).
            what: Names what ``state`` reads, for the reader.

        Raises:
            CliError: When the services did not refuse, or the refusal changed something:
                the story no longer tells the truth.
        """
        before = state()
        try:
            attempt()
        except expected as err:
            output.refusal(self.console, err)
        else:
            raise CliError(f"the demo expected a {expected.__name__}, but the request went through")
        if state() != before:
            raise CliError(f"the refused request ({expected.__name__}) changed the data")
        self.console.print(f"Nothing changed in {what}.", style="dim")
