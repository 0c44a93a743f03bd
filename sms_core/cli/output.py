"""Where the command line writes: results to stdout, errors to stderr.

Consoles are made per command, so they follow the streams of the moment (a test runner swaps
them) and Rich's own handling of ``NO_COLOR`` and terminal width.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

__all__ = ["error", "error_console", "hint", "next_page", "out_console", "refusal", "success"]


def out_console() -> Console:
    """The console for results."""
    return Console(highlight=False)


def error_console() -> Console:
    """The console for errors."""
    return Console(stderr=True, highlight=False)


def success(console: Console, message: str) -> None:
    """A one-line confirmation of what was done."""
    console.print(Text.assemble(("✔ ", "green"), message), soft_wrap=True)


def next_page(console: Console, cursor: str | None) -> None:
    """Say how to see the next page of a listing, if there is one."""
    if cursor is not None:
        hint(console, f"more rows follow; add --cursor {cursor}")


def hint(console: Console, message: str) -> None:
    """A suggestion for what to try next."""
    console.print(Text.assemble(("Hint: ", "cyan"), message), soft_wrap=True)


def refusal(console: Console, error: BaseException) -> None:
    """A refusal the story expects, with the error's type and message."""
    console.print(
        Text.assemble(("✘ Refused ", "red"), (f"({type(error).__name__}): ", "red"), str(error)),
        soft_wrap=True,
    )


def error(message: str) -> None:
    """The one way a failed command reports itself: ``Error: ...`` in red on stderr."""
    error_console().print(Text.assemble(("Error: ", "bold red"), (message, "red")), soft_wrap=True)
