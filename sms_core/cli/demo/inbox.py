"""Part 6 of the demo, the inbox: a candidate's reply waits unread until the recruiter reads it.

It runs on the HCM-widget account after the texting part, whose threads Ada has read. Sam
answers Ada again (the carrier's signed webhook, applied in process); the reply waits in
Ada's inbox, unread, until she opens the thread, which marks it read. The story checks both
counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sms_core.cli.errors import CliError
from sms_core.cli.inbox import inbox_table
from sms_core.cli.message_tables import messages_table
from sms_core.cli.narration import Narrator
from sms_core.domain import PhoneNumber, WebhookKind
from sms_core.presentation import message_names
from sms_core.services import AccountAdmin, SmsAdmin

if TYPE_CHECKING:
    from sms_fake import SandboxCarrier

__all__ = ["inbox_story"]

_ACCOUNT = "northwind"
_ADA = "u-ada"
_SAM = PhoneNumber.parse("+15125550142")
_REPLY = "Can I bring my forklift licence on Friday?"


def inbox_story(story: Narrator, sdk: SmsAdmin, carrier: SandboxCarrier) -> None:
    """Show a reply waiting unread in Ada's inbox, and reading the thread clearing it.

    Args:
        story: The narrator.
        sdk: The HCM-widget SDK.
        carrier: The sandbox carrier, to have Sam answer.

    Raises:
        CliError: When the inbox does not count what the story says.
    """
    story.part("Part 6 · Inbox: who replied, and what is still unread")
    account = sdk.account(_ACCOUNT)
    line = next(
        summary.line.number
        for summary in account.numbers.list()
        if any(user.id == _ADA for user in summary.users)
    )
    story.step("Sam answers Ada again: the reply waits in her inbox, unread")
    carrier.inject_inbound_text(_ACCOUNT, _SAM, line, _REPLY)
    for request in carrier.collect_webhooks():
        account.webhooks.handle(WebhookKind.MESSAGES, request)
    _show_inbox(story, account, expected=1)

    story.step("Ada opens the thread: reading it marks the reply read, for her alone")
    thread = account.messages.thread(_ADA, line, _SAM)
    latest = thread[-2:]
    story.show(
        messages_table(latest, message_names(account, latest), title="Ada ↔ Sam, the latest")
    )
    _show_inbox(story, account, expected=0)


def _show_inbox(story: Narrator, account: AccountAdmin, *, expected: int) -> None:
    unread = account.inbox.unread_count(_ADA)
    if unread != expected:
        raise CliError(f"the demo expected {expected} unread replies for Ada, found {unread}")
    threads = account.inbox.threads_page(_ADA).items
    names = message_names(account, (thread.last_message for thread in threads))
    story.show(inbox_table(threads, names))
    story.done(f"Ada has {unread} unread {'reply' if unread == 1 else 'replies'}")
