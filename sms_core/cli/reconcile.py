"""``smsadmin reconcile``: settle once what sends left short of the carrier's answer."""

from __future__ import annotations

import typer

from sms_core.cli import output
from sms_core.cli.message_tables import messages_table
from sms_core.cli.options import global_options
from sms_core.domain import DeliveryStatus, Message

__all__ = ["reconcile"]


def reconcile(ctx: typer.Context) -> None:
    """Settle texts whose send stopped short of the carrier's answer, once.

    Texts whose answer was lost are looked up at the carrier; texts a stopped process stored
    but never handed over are sent, exactly once however many processes run this. Every
    account, or only --account. 'smsadmin serve' does it in the background.
    """
    options = global_options(ctx)
    console = output.out_console()
    with options.sdk() as admin:
        if options.account_id is not None:
            messages = admin.account(options.account_id).messages.reconcile()
            reconciled = {options.account_id: messages} if messages else {}
        else:
            reconciled = admin.reconcile_messages()
    for account_id, messages in sorted(reconciled.items()):
        console.print(messages_table(messages, {}, title=f"Account {account_id}"))
    looked_at = [message for messages in reconciled.values() for message in messages]
    output.success(console, _summary(looked_at))


def _summary(messages: list[Message]) -> str:
    if not messages:
        return "nothing to reconcile"
    unsettled = sum(
        1
        for message in messages
        if message.status in (DeliveryStatus.PENDING, DeliveryStatus.UNKNOWN)
    )
    settled = len(messages) - unsettled
    return (
        f"{len(messages)} texts looked at: {settled} settled, {unsettled} still unknown "
        "(looked up again next time; a note on each says why)"
    )
