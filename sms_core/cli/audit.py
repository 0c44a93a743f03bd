"""``smsadmin audit``: who did what to the account's numbers and seats."""

from __future__ import annotations

from typing import Annotated

import typer

import sms_core
from sms_core.cli import output, render
from sms_core.cli.options import global_options
from sms_core.cli.params import CursorOption
from sms_core.inputs import PAGE_SIZE_MAX
from sms_core.presentation import audit_names

__all__ = ["audit"]


def audit(
    ctx: typer.Context,
    action: Annotated[
        sms_core.AuditAction | None,
        typer.Option(help="Only this kind of action.", case_sensitive=False),
    ] = None,
    number: Annotated[
        str | None, typer.Option(help="Only actions on this number, e.g. +14155550100.")
    ] = None,
    limit: Annotated[
        int,
        typer.Option(
            min=1, max=PAGE_SIZE_MAX, help=f"The most entries to show (1-{PAGE_SIZE_MAX})."
        ),
    ] = 50,
    cursor: CursorOption = None,
) -> None:
    """The audit trail, newest first: who, what, when, before → after."""
    with global_options(ctx).account() as account:
        page = account.audit.page(action=action, target=number, limit=limit, cursor=cursor)
        names = audit_names(account, page.items)
    console = output.out_console()
    if page.items:
        console.print(render.audit_table(list(page.items), names))
        output.next_page(console, page.next_cursor)
    else:
        output.hint(console, "no audit entries match")
