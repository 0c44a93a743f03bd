"""``smsadmin deliver-events``: deliver once the host events left undelivered."""

from __future__ import annotations

import typer

from sms_core.cli import output
from sms_core.cli.options import global_options

__all__ = ["deliver_events"]


def deliver_events(ctx: typer.Context) -> None:
    """Deliver the host events left undelivered, once.

    Events are told to host plugins right after each change; this delivers again those whose
    delivery failed (once their backoff ran out) or whose process stopped first, each once
    however many processes run this. 'smsadmin serve' does it in the background.
    """
    console = output.out_console()
    with global_options(ctx).sdk() as admin:
        report = admin.deliver_host_events()
    if not report.delivered and not report.failed:
        output.success(console, "no host events due")
        return
    output.success(
        console,
        f"{len(report.delivered)} host events delivered, {len(report.failed)} failed again "
        "(delivered again after a backoff; the log names the plugin)",
    )
