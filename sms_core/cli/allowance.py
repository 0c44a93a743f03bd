"""``smsadmin allowance``: whose monthly allowance the account's texts use, and what is left."""

from __future__ import annotations

import typer

from sms_core.cli import output, render
from sms_core.cli.options import global_options
from sms_core.domain import AllowanceScope

__all__ = ["allowance"]


def allowance(ctx: typer.Context) -> None:
    """The account's monthly allowance: per seat, one pool for the account, or none."""
    with global_options(ctx).account() as account:
        scope = account.allowance.scope()
        pool = account.allowance.pool()
    console = output.out_console()
    if pool is not None:
        console.print(render.pool_text(pool))
    elif scope is AllowanceScope.SEAT:
        console.print("Allowance: per seat")
        output.hint(console, "each seat's remaining / total: smsadmin seats list")
    else:
        console.print("Allowance: none; the host product does not meter texts")
