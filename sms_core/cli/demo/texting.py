"""Part 5 of the demo, texting: texts, a mass text, replies, a STOP, and delivery reports over HTTP.

It runs on the HCM-widget account once its campaign registration has made the lines
registered. The webhook app serves the account's SDK on a loopback port (the port every
number's webhook URLs name), and the sandbox carrier posts its signed webhooks to it with
:mod:`httpx`, as a real carrier would. Nothing leaves the machine, and nothing printed depends
on the port or on random ids, so the story reads the same every time.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from sms_core.cli.message_tables import (
    delivery_cell,
    messages_table,
    optouts_table,
    outcomes_table,
    thread_title,
)
from sms_core.cli.messages import send_with_progress, show_segments
from sms_core.cli.narration import Narrator
from sms_core.domain import PhoneNumber, Recipient
from sms_core.exceptions import CandidateOptedOutError
from sms_core.presentation import message_names, optout_names
from sms_core.segments import analyze
from sms_core.services import AccountAdmin, SmsAdmin
from sms_core.webhooks import LoopbackServer, create_app

if TYPE_CHECKING:
    from sms_fake import SandboxCarrier

__all__ = ["texting_story"]

_ACCOUNT = "northwind"
# Candidates as (host id, number): Sam in Austin, Lee in New York, Kim in Chicago, and Noa in
# Honolulu, where it is not 8 a.m. yet at the demo's hour, so quiet hours hold her text back.
_SAM = ("cand-sam", "+15125550142")
_LEE = ("cand-lee", "+12125550147")
_KIM = ("cand-kim", "+13125550123")
_NOA = ("cand-noa", "+18085550100")
_TYPO = ("cand-max", "555-01")

_FIRST_TEXT = "Hi Sam, this is Ada from Northwind. Are you free for a call about the forklift role?"
_MASS_TEXT = (
    "Hi! We have 3 new warehouse shifts next week 📅 Reply YES and I will send the details."
)


def texting_story(
    story: Narrator, sdk: SmsAdmin, carrier: SandboxCarrier, server: LoopbackServer
) -> None:
    """Text candidates from the registered lines, with webhooks arriving over HTTP.

    Args:
        story: The narrator.
        sdk: The HCM-widget SDK, opened with webhook URLs on ``server``'s port.
        carrier: The sandbox carrier, to let its time pass and have candidates answer.
        server: The bound loopback socket to serve the webhook app on.
    """
    story.part("Part 5 · Texting: a mass text, replies, a STOP, delivery reports over HTTP")
    account = sdk.account(_ACCOUNT)
    with server.serving(create_app(sdk)), httpx.Client() as client:
        story.say(
            "The webhook app (Starlette under uvicorn) listens on a loopback port that every "
            "number's webhook URLs name; the carrier signs each webhook it posts there."
        )
        _texts(story, account)
        _deliveries(story, account, carrier, client)
        _replies(story, account, carrier, client)
        _opt_out(story, account, carrier, client)
    _history(story, account)


def _line_of(account: AccountAdmin, user_id: str) -> PhoneNumber:
    return next(
        summary.line.number
        for summary in account.numbers.list()
        if any(user.id == user_id for user in summary.users)
    )


def _deliver(story: Narrator, carrier: SandboxCarrier, client: httpx.Client) -> None:
    """The carrier posts what is due; say which webhooks and how the app answered."""
    responses = carrier.deliver_webhooks(client)
    counts = Counter(
        (urlsplit(str(response.request.url)).path.rsplit("/", 1)[-1], response.status_code)
        for response in responses
    )
    answers = ", ".join(
        f"{count} {kind} → HTTP {status}" for (kind, status), count in sorted(counts.items())
    )
    plural = "" if len(responses) == 1 else "s"
    story.done(f"The carrier posted {len(responses)} webhook{plural} to the app: {answers}")


def _texts(story: Narrator, account: AccountAdmin) -> None:
    story.step("Ada texts Sam from her line: the encoding and segments come first")
    result = account.messages.send("u-ada", candidate_id=_SAM[0], to=_SAM[1], body=_FIRST_TEXT)
    show_segments(story.console, result.segments)
    story.show(delivery_cell(result.message.status))
    story.done(f"Texted {result.message.recipient} from {result.message.sender}")

    story.step("Ben mass-texts five candidates from the shared number; each is checked alone")
    show_segments(story.console, analyze(_MASS_TEXT))
    recipients = [
        Recipient(candidate_id=candidate, number=number)
        for candidate, number in (_SAM, _LEE, _KIM, _NOA, _TYPO)
    ]
    mass = send_with_progress(story.console, account, "u-ben", recipients, _MASS_TEXT)
    story.show(outcomes_table(mass.outcomes))
    story.done(f"{mass.sent} sent; {mass.refused} refused with their reasons, nothing sent them")


def _deliveries(
    story: Narrator, account: AccountAdmin, carrier: SandboxCarrier, client: httpx.Client
) -> None:
    story.step("A few minutes later the carrier reports delivery, over HTTP to the webhook app")
    carrier.advance(timedelta(minutes=5))
    _deliver(story, carrier, client)
    sam = account.messages.thread("u-ada", _line_of(account, "u-ada"), _SAM[1])
    story.show(messages_table(sam, message_names(account, sam), title="Ada ↔ Sam"))


def _replies(
    story: Narrator, account: AccountAdmin, carrier: SandboxCarrier, client: httpx.Client
) -> None:
    ada, shared = _line_of(account, "u-ada"), _line_of(account, "u-ben")
    story.step("Sam replies to Ada, and calls the shared number, which forwards to Ben's mobile")
    carrier.inject_inbound_text(
        _ACCOUNT, PhoneNumber.parse(_SAM[1]), ada, "Yes! Friday at 10 works for me."
    )
    carrier.inject_inbound_call(_ACCOUNT, PhoneNumber.parse(_SAM[1]), shared)
    _deliver(story, carrier, client)
    call = carrier.calls(_ACCOUNT)[-1]
    story.done(f"The app answered the call: forward to {call.forwarded_to}")
    thread = account.messages.thread("u-ada", ada, _SAM[1])
    story.show(messages_table(thread, message_names(account, thread), title="Ada ↔ Sam"))


def _opt_out(
    story: Narrator, account: AccountAdmin, carrier: SandboxCarrier, client: httpx.Client
) -> None:
    lee = PhoneNumber.parse(_LEE[1])
    story.step("Lee texts STOP to the shared number: blocked on every line of the agency")
    carrier.inject_inbound_text(_ACCOUNT, lee, _line_of(account, "u-ben"), "STOP")
    _deliver(story, carrier, client)
    optouts = account.optouts.list("u-eve")
    story.show(optouts_table(optouts, optout_names(account, optouts)))

    story.step("Eve texts Lee from her own line")

    def messages_and_carrier() -> object:
        return (
            account.optouts.list("u-eve"),
            account.messages.history("u-eve", _LEE[0]),
            carrier.messages(_ACCOUNT),
        )

    story.refused(
        CandidateOptedOutError,
        lambda: account.messages.send("u-eve", candidate_id=_LEE[0], to=lee, body="Hi Lee!"),
        state=messages_and_carrier,
        what="the messages, the opt-outs or at the carrier (it was never called)",
    )


def _history(story: Narrator, account: AccountAdmin) -> None:
    story.step("Sam's history: one thread per number, who sent each message, and its status")
    threads = account.messages.history("u-ada", _SAM[0])
    names = message_names(account, (message for thread in threads for message in thread.messages))
    for thread in threads:
        story.show(messages_table(thread.messages, names, title=thread_title(thread)))
