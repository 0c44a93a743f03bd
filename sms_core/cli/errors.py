"""The errors the command line itself raises, and how every error reaches the user."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from sms_core.cli import output
from sms_core.exceptions import (
    ConfigurationError,
    ProviderError,
    SmsError,
    TermsNotAcceptedError,
)

__all__ = ["CliError", "ReportingGroup"]

# What to type on the command line where the SDK's message speaks of a Python argument.
_CLI_HINTS: dict[type[Exception], str] = {
    TermsNotAcceptedError: "(on the command line: add --accept-terms)",
}


class CliError(Exception):
    """Raised when a command cannot go on for a reason of the command line (a declined prompt)."""


class ReportingGroup(TyperGroup):
    """The top-level command group: reports SDK errors in one place, without a traceback.

    SDK and configuration errors print as ``Error: ...`` on stderr and exit with code 1 (a
    carrier's refusal of a text leads with its reason in the SDK's words, the carrier's code
    and words follow: ``Error: opted out: fake error …``); usage
    errors keep Typer's code 2, and so does a word that is not text (a NUL, bytes that are not
    UTF-8). Anything else is a bug and keeps its traceback.
    """

    # Typed loosely: the context class Typer declares here is not part of its public API.
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """Refuse, as a usage error, words no command can take.

        That is text with a NUL, or bytes that are not UTF-8 (Python hands them over as lone
        surrogates, which no database stores and no terminal prints).
        """
        for word in args:
            if "\x00" in word or any("\ud800" <= char <= "\udfff" for char in word):
                raise typer.BadParameter(
                    f"{word[:40]!r} is not text: it holds a NUL or bytes that are not UTF-8; "
                    "retype it, or set a UTF-8 locale (LANG=C.UTF-8)",
                    ctx=ctx,
                )
        return super().parse_args(ctx, args)

    def invoke(self, ctx: Any) -> Any:
        """Run the command, turning expected failures into an error message and exit code 1."""
        try:
            return super().invoke(ctx)
        except (SmsError, ConfigurationError, CliError) as err:
            hint = next((text for kind, text in _CLI_HINTS.items() if isinstance(err, kind)), "")
            reason = (
                f"{err.reason.words}: " if isinstance(err, ProviderError) and err.reason else ""
            )
            output.error(f"{reason}{err} {hint}".strip())
            raise typer.Exit(code=1) from None
