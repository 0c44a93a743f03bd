"""Questions the command line asks a person at a terminal, and what it does without one.

Without a terminal nobody can answer, so a command that needs a confirmation is refused unless
``--yes`` was given, and a purchase counts as not accepting the subscription terms unless
``--accept-terms`` was given (the services then refuse it).
"""

from __future__ import annotations

import sys

import typer

from sms_core.cli.errors import CliError

__all__ = ["accept_terms", "confirm", "interactive"]


def interactive() -> bool:
    """Whether a person can answer questions (standard input is a terminal)."""
    return sys.stdin.isatty()


def confirm(action: str, *, assume_yes: bool) -> None:
    """Ask whether to ``action``; go on only on a yes.

    Args:
        action: What is about to happen, e.g. ``"deactivate +14155550100"``.
        assume_yes: The ``--yes`` flag: confirmed without asking.

    Raises:
        CliError: When the answer is no, or nobody can answer and ``--yes`` was not given.
    """
    if assume_yes:
        return
    if not interactive():
        raise CliError(
            f"{action} needs a confirmation: run the command in a terminal or add --yes; "
            "nothing changed"
        )
    if not typer.confirm(f"{action[:1].upper()}{action[1:]}?", default=False):
        raise CliError(f"did not {action}: cancelled, nothing changed")


def accept_terms(purchase: str, *, accepted: bool) -> bool:
    """Whether the admin accepts the subscription terms for buying ``purchase``.

    Args:
        purchase: What is bought: the number as typed, or "a number for Seat 1".
        accepted: The ``--accept-terms`` flag.

    Returns:
        ``True`` when the flag was given or the admin agreed at the terminal; ``False``
        otherwise, which the services refuse with a typed error.
    """
    if accepted or not interactive():
        return accepted
    return typer.confirm(
        f"Buying {purchase} starts a monthly subscription. Do you agree to the subscription terms?",
        default=False,
    )
