"""Part 6 of the demo: a text quiet hours refuse, scheduled for the next allowed time, sent then.

It runs on the HCM-widget account after the texting part. Noa lives in Honolulu, where it is
not 8 a.m. yet at the demo's hour: Ada's text is refused, she schedules it for the next
allowed time instead, and a pass of ``run_due`` (as ``smsadmin serve`` runs it) sends nothing
a minute before and the text, once, when the sandbox clock reaches 8:00 in Honolulu.
"""

from __future__ import annotations

from datetime import timedelta

from sms_core.cli.errors import CliError
from sms_core.cli.message_tables import messages_table
from sms_core.cli.narration import Narrator
from sms_core.cli.scheduled import scheduled_table
from sms_core.domain import NEXT_ALLOWED, PhoneNumber
from sms_core.exceptions import QuietHoursError
from sms_core.presentation import message_names, scheduled_names
from sms_core.services import AccountAdmin, SmsAdmin

__all__ = ["scheduled_story"]

_ACCOUNT = "northwind"
# Noa, in Honolulu (the candidate the texting part's mass text could not reach).
_NOA = ("cand-noa", "+18085550100")
_TEXT = "Hi Noa, this is Ada from Northwind: the Kapolei warehouse has a shift for you Friday."


def scheduled_story(story: Narrator, sdk: SmsAdmin) -> None:
    """Tell part 6: refused for quiet hours, scheduled for the next allowed time, sent then.

    Raises:
        CliError: When the pass sends too early, or not once at the due time: the story no
            longer tells the truth.
    """
    story.part("Part 6 · Scheduled sends: a text quiet hours refuse goes out when they allow it")
    account = sdk.account(_ACCOUNT)

    story.step("Ada texts Noa in Honolulu, where it is not 8 a.m. yet")
    story.refused(
        QuietHoursError,
        lambda: account.messages.send("u-ada", candidate_id=_NOA[0], to=_NOA[1], body=_TEXT),
        state=lambda: _texts_to_noa(account),
        what="Noa's messages or the scheduled texts",
    )

    story.step("Ada schedules it for the next allowed time instead; every rule is checked now")
    scheduled = account.scheduled.schedule(
        "u-ada", to=_NOA[1], body=_TEXT, at=NEXT_ALLOWED, candidate_id=_NOA[0]
    )
    story.show(scheduled_table([scheduled], scheduled_names(account, [scheduled]), ids=False))
    story.done(f"Due at {scheduled.due_at:%H:%M} UTC: 08:00 in Honolulu")

    story.step("A minute before, the background pass finds nothing due")
    story.clock.current = scheduled.due_at - timedelta(minutes=1)
    if account.scheduled.run_due().count:
        raise CliError("the demo's scheduled text went out before its time")
    story.done("Nothing was sent")

    story.step("At 08:00 in Honolulu the pass sends it, through the same checks as any text")
    story.clock.current = scheduled.due_at
    report = account.scheduled.run_due()
    if len(report.sent) != 1 or account.scheduled.run_due().count:
        raise CliError("the demo's scheduled text was not sent exactly once at its time")
    story.show(scheduled_table(report.sent, scheduled_names(account, report.sent), ids=False))
    line = next(
        summary.line.number
        for summary in account.numbers.list()
        if any(user.id == "u-ada" for user in summary.users)
    )
    thread = account.messages.thread("u-ada", line, PhoneNumber.parse(_NOA[1]))
    story.show(messages_table(thread, message_names(account, thread), title="Ada ↔ Noa"))


def _texts_to_noa(account: AccountAdmin) -> object:
    return (
        account.messages.history("u-ada", _NOA[0]),
        account.scheduled.list_page("u-ada").items,
    )
