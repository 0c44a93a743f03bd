"""Arguments and options that several commands take, spelled once."""

from __future__ import annotations

import math
from typing import Annotated

import typer

from sms_core.inputs import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX

__all__ = [
    "AcceptTerms",
    "AssumeYes",
    "CursorOption",
    "LimitOption",
    "NumberArg",
    "UserArg",
    "finite",
]

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

#: How many rows a listing shows at most: a page of the services' paged lists.
LimitOption = Annotated[
    int | None,
    typer.Option(
        "--limit",
        min=1,
        max=PAGE_SIZE_MAX,
        help=f"The most rows to show (1-{PAGE_SIZE_MAX}; default {PAGE_SIZE_DEFAULT}).",
        show_default=False,
    ),
]

#: Where a listing continues: the cursor the previous page printed.
CursorOption = Annotated[
    str | None,
    typer.Option("--cursor", metavar="CURSOR", help="Continue where the previous page ended."),
]


def finite(value: float | None) -> float | None:
    """Refuse ``nan`` and ``inf`` in a float option (a typer callback).

    Click's ranges let ``nan`` through: it is neither below a minimum nor above a maximum.
    """
    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(f"{value} is not a number of seconds; give one such as 60")
    return value
