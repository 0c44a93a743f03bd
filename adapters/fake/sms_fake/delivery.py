"""Outbound texts: what the carrier refuses, and what it does with a text it accepts."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import phonenumbers

from sms_core.domain import PhoneNumber
from sms_core.segments import analyze
from sms_fake import messages, numbers, optouts, outbox, registrations
from sms_fake.errors import (
    ErrorCode,
    delivery_error_message,
    invalid_recipient,
    opted_out,
    refused_body,
    sender_not_owned,
    unregistered_sender,
)
from sms_fake.payloads import StatusReport
from sms_fake.records import CarrierMessage, CarrierNumber
from sms_fake.statuses import MessageStatus

__all__ = ["MAX_BODY_CHARACTERS", "accept", "check"]

#: The longest text the carrier accepts, in characters.
MAX_BODY_CHARACTERS = 1600

_FINAL_ERRORS = frozenset({MessageStatus.FAILED, MessageStatus.UNDELIVERED})


def check(
    conn: sqlite3.Connection,
    *,
    account_id: str,
    sender: PhoneNumber,
    recipient: PhoneNumber,
    body: str,
    now: datetime,
) -> CarrierNumber:
    """Refuse a send the carrier would refuse, in the order a carrier checks.

    Returns:
        The sending number, which may send this text.

    Raises:
        InvalidRecipientError: When ``recipient`` is not a valid number (21211).
        ProviderError: For an empty body (21602) or one too long (21617).
        UnregisteredSenderError: When the account does not own ``sender`` (21606) or it is
            not in an active messaging service (30034).
        RecipientOptedOutError: When the recipient opted out of the sender (21610).
    """
    if not phonenumbers.is_valid_number(recipient.parsed()):
        raise invalid_recipient(recipient.e164)
    if not body:
        raise refused_body(ErrorCode.BODY_REQUIRED, "is empty; write something to send")
    if len(body) > MAX_BODY_CHARACTERS:
        raise refused_body(
            ErrorCode.BODY_TOO_LONG,
            f"has {len(body)} characters; the carrier takes at most {MAX_BODY_CHARACTERS}",
        )
    line = numbers.find_e164(conn, account_id, sender)
    if line is None:
        raise sender_not_owned(sender.e164, account_id)
    if line.service_sid is None or not registrations.is_approved(
        registrations.load(conn, account_id, line.service_sid, now)
    ):
        raise unregistered_sender(sender.e164)
    if optouts.is_blocked(conn, account_id, optouts.scopes_of(line), recipient.e164):
        raise opted_out(sender.e164, recipient.e164)
    return line


def accept(
    conn: sqlite3.Connection,
    *,
    line: CarrierNumber,
    recipient: PhoneNumber,
    body: str,
    message_id: str | None,
    status_callback_url: str | None,
    now: datetime,
) -> CarrierMessage:
    """Take a checked text for delivery and schedule its status reports.

    The reports go to ``status_callback_url``, else the number's, else its messaging
    service's; the first status (queued) is the send's answer and is not reported.
    """
    error_code = messages.mark_of(conn, recipient)
    message = messages.insert_outbound(
        conn,
        account_id=line.account_id,
        message_id=message_id,
        sender=line.number,
        recipient=recipient,
        body=body,
        segments=analyze(body).segments,
        error_code=error_code,
        status_callback_url=status_callback_url,
        now=now,
    )
    url = (
        status_callback_url
        or line.settings.status_callback_url
        or registrations.service_settings(conn, line.service_sid).status_callback_url
    )
    for at, status in messages.timeline(now, error_code)[1:]:
        code = error_code if status in _FINAL_ERRORS else None
        report = StatusReport(
            account_id=line.account_id,
            message_sid=message.sid,
            message_id=message_id,
            status=status.value,
            sender=line.number,
            recipient=recipient,
            occurred_at=at,
            error_code=code,
            error_message=delivery_error_message(code) if code else None,
        )
        outbox.enqueue(conn, subject_sid=message.sid, url=url, report=report, due_at=at)
    return message
