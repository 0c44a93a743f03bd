"""Arguments and options that several commands take, spelled once."""

from __future__ import annotations

from typing import Annotated

import typer

__all__ = ["AcceptTerms", "AssumeYes", "NumberArg", "UserArg"]

#: A phone number as the user types it.
NumberArg = Annotated[
    str, typer.Argument(metavar="NUMBER", help="A phone number, e.g. +14155550100.")
]

#: A user by the host's id.
UserArg = Annotated[str, typer.Argument(metavar="USER", help="The host's user id.")]

#: Skips the confirmation a destructive command asks for.
AssumeYes = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]

#: The admin's agreement to a number's subscription terms.
AcceptTerms = Annotated[
    bool,
    typer.Option(
        "--accept-terms", help="Agree to the subscription terms (asked at a terminal otherwise)."
    ),
]
