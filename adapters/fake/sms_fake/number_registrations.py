"""Numbers registered with the mobile carriers, some time after they join an active service.

An approved campaign is not yet send-ready: each number put in its messaging service's sender
pool is registered with the mobile carriers, which takes time and can fail. The sandbox plays
that out on its clock: once a number is attached and the service is active, it reports the
number ``pending_registration`` at once, then ``registered`` one registration time later, or
``failure`` when a failure was planned for the account (``plan_failure``; planned failures
queue up and each fails one number). Reports go to the account's events URL, the one the
messaging service was set up with; without one, nothing is reported.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta

from sms_fake import outbox
from sms_fake.payloads import NumberRegistrationReport
from sms_fake.records import CarrierNumber
from sms_fake.statuses import NumberRegistrationStatus
from sms_fake.store import read_setting, write_setting

__all__ = [
    "DEFAULT_REGISTRATION_TIME",
    "events_url",
    "plan_failure",
    "registration_time",
    "set_events_url",
    "set_registration_time",
    "start",
]

#: How long registering a number takes on the carrier clock unless set otherwise.
DEFAULT_REGISTRATION_TIME = timedelta(hours=1)

_TIME_KEY = "number_registration_us"


def registration_time(conn: sqlite3.Connection) -> timedelta:
    """How long registering a number attached now takes on the carrier clock."""
    stored = read_setting(conn, _TIME_KEY)
    return timedelta(microseconds=int(stored)) if stored else DEFAULT_REGISTRATION_TIME


def set_registration_time(conn: sqlite3.Connection, duration: timedelta) -> None:
    """Make later number registrations take ``duration``.

    Raises:
        ValueError: When ``duration`` is negative.
    """
    if duration < timedelta(0):
        raise ValueError(f"a number registration cannot take a negative time, got {duration}")
    write_setting(conn, _TIME_KEY, str(duration // timedelta(microseconds=1)))


def events_url(conn: sqlite3.Connection, account_id: str) -> str | None:
    """Where the account's carrier events go, if it said."""
    return read_setting(conn, f"events_url:{account_id}")


def set_events_url(conn: sqlite3.Connection, account_id: str, url: str) -> None:
    """Send the account's carrier events to ``url`` from now on."""
    write_setting(conn, f"events_url:{account_id}", url)


def plan_failure(conn: sqlite3.Connection, account_id: str, reason: str, code: str) -> None:
    """Make the registration of a number the account attaches later fail."""
    planned = _planned(conn, account_id)
    planned.append({"reason": reason, "code": code})
    write_setting(conn, _failures_key(account_id), json.dumps(planned))


def start(conn: sqlite3.Connection, number: CarrierNumber, at: datetime) -> None:
    """Register ``number`` from ``at`` on: report it pending then, and the outcome later."""
    url = events_url(conn, number.account_id)
    pending = NumberRegistrationReport(
        account_id=number.account_id,
        number_sid=number.sid,
        number=number.number,
        status=NumberRegistrationStatus.PENDING,
        occurred_at=at,
    )
    outbox.enqueue(conn, subject_sid=number.sid, url=url, report=pending, due_at=at)
    done = at + registration_time(conn)
    planned = _planned(conn, number.account_id)
    if planned:
        failure = planned.pop(0)
        write_setting(conn, _failures_key(number.account_id), json.dumps(planned))
        outcome = NumberRegistrationReport(
            account_id=number.account_id,
            number_sid=number.sid,
            number=number.number,
            status=NumberRegistrationStatus.FAILED,
            occurred_at=done,
            error_code=failure["code"],
            error_message=failure["reason"],
        )
    else:
        outcome = NumberRegistrationReport(
            account_id=number.account_id,
            number_sid=number.sid,
            number=number.number,
            status=NumberRegistrationStatus.REGISTERED,
            occurred_at=done,
        )
    outbox.enqueue(conn, subject_sid=number.sid, url=url, report=outcome, due_at=done)


def _failures_key(account_id: str) -> str:
    return f"number_failures:{account_id}"


def _planned(conn: sqlite3.Connection, account_id: str) -> list[dict[str, str]]:
    stored = read_setting(conn, _failures_key(account_id))
    planned: list[dict[str, str]] = json.loads(stored) if stored else []
    return planned
