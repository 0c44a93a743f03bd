"""Texts and calls that reach the accounts' numbers, and the carrier's part in them."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from sms_core.domain import PhoneNumber
from sms_core.exceptions import WebhookPayloadError
from sms_core.segments import analyze
from sms_fake import calls, messages, numbers, optouts, outbox, registrations
from sms_fake.payloads import CallAction, InboundCallReport, InboundTextReport, decode_answer
from sms_fake.records import CarrierCall, CarrierMessage
from sms_fake.statuses import CallStatus

__all__ = ["receive_call", "receive_text", "settle_call"]


def receive_text(
    conn: sqlite3.Connection,
    *,
    account_id: str,
    sender: PhoneNumber,
    to_number: PhoneNumber,
    body: str,
    webhook_url: str | None,
    now: datetime,
) -> CarrierMessage:
    """Take a text for one of the account's numbers: apply its keyword, store and report it.

    The report goes to ``webhook_url``, else the number's SMS URL, else its service's.

    Raises:
        ProviderNotFoundError: When the account does not own ``to_number``.
    """
    line = numbers.owned_e164(conn, account_id, to_number)
    keyword = optouts.classify(body)
    if keyword is optouts.Keyword.STOP:
        optouts.block(conn, account_id, optouts.scope_of(line), sender.e164, now)
    elif keyword is optouts.Keyword.START:
        optouts.unblock(conn, account_id, optouts.scopes_of(line), sender.e164)
    text = messages.insert_inbound(
        conn,
        account_id=account_id,
        sender=sender,
        recipient=to_number,
        body=body,
        segments=analyze(body).segments,
        keyword=keyword.value if keyword else None,
        now=now,
    )
    url = (
        webhook_url
        or line.settings.sms_url
        or registrations.service_settings(conn, line.service_sid).sms_url
    )
    report = InboundTextReport(
        account_id=account_id,
        message_sid=text.sid,
        sender=sender,
        recipient=to_number,
        body=body,
        segments=text.segments,
        received_at=now,
        keyword=text.keyword,
    )
    outbox.enqueue(conn, subject_sid=text.sid, url=url, report=report, due_at=now)
    return text


def receive_call(
    conn: sqlite3.Connection,
    *,
    account_id: str,
    caller: PhoneNumber,
    to_number: PhoneNumber,
    webhook_url: str | None,
    now: datetime,
) -> CarrierCall:
    """Ring one of the account's numbers; without a voice URL the call is declined at once.

    Raises:
        ProviderNotFoundError: When the account does not own ``to_number``.
    """
    line = numbers.owned_e164(conn, account_id, to_number)
    url = webhook_url or line.settings.voice_url
    call = calls.insert(
        conn,
        account_id=account_id,
        caller=caller,
        called=to_number,
        status=CallStatus.RINGING if url else CallStatus.DECLINED,
        now=now,
    )
    report = InboundCallReport(
        account_id=account_id, call_sid=call.sid, caller=caller, called=to_number, occurred_at=now
    )
    outbox.enqueue(conn, subject_sid=call.sid, url=url, report=report, due_at=now)
    return call


def settle_call(conn: sqlite3.Connection, call_sid: str, *, answered: bool, body: bytes) -> None:
    """Act on the webhook app's answer to a call: forward it, or decline it.

    Args:
        answered: Whether the app answered with a 2xx status.
        body: The answer; anything but a readable ``forward`` declines the call.
    """
    status, forwarded_to = CallStatus.DECLINED, None
    if answered:
        try:
            answer = decode_answer(body)
        except WebhookPayloadError:
            pass  # an answer the carrier cannot read declines the call
        else:
            if answer.action is CallAction.FORWARD:
                status, forwarded_to = CallStatus.FORWARDED, answer.to
    calls.settle(conn, call_sid, status, forwarded_to)
