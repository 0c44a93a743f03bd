"""The checks of a scheduled send that need no database: its time, and a reused key.

:class:`~sms_core.services.scheduled.ScheduledSends` runs them before anything is stored; the
send's own rules are the send pipeline's (:mod:`.send_checks`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sms_core import inputs
from sms_core.domain import PhoneNumber, ScheduledSend
from sms_core.exceptions import IdempotencyKeyError, InvalidFieldError

__all__ = ["MAX_AHEAD", "checked_due", "checked_moment", "same_request"]

#: How far ahead a text can be scheduled.
MAX_AHEAD = timedelta(days=366)


def checked_moment(field: str, value: object) -> datetime:
    """A timezone-aware ``datetime``, in UTC.

    Raises:
        InvalidFieldError: When it is not a datetime, or is naive.
    """
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise InvalidFieldError.refused(
            field=field,
            value=inputs.shown(value),
            limit="a timezone-aware datetime (or NEXT_ALLOWED), such as datetime.now(UTC)",
        )
    return value.astimezone(UTC)


def checked_due(at: datetime, now: datetime) -> datetime:
    """A given due time, refused when it is past or too far ahead."""
    if at < now:
        raise InvalidFieldError(
            f"the send time {at:%Y-%m-%d %H:%M} UTC is in the past (it is now "
            f"{now:%Y-%m-%d %H:%M} UTC); give a later time, or send it now",
            field="at",
            value=at.isoformat(),
            limit="from now",
        )
    if at > now + MAX_AHEAD:
        raise InvalidFieldError(
            f"the send time {at:%Y-%m-%d} is more than {MAX_AHEAD.days} days ahead; schedule "
            "it closer to the day",
            field="at",
            value=at.isoformat(),
            limit=f"at most {MAX_AHEAD.days} days ahead",
        )
    return at


def same_request(
    earlier: ScheduledSend,
    *,
    user_id: str,
    recipient: PhoneNumber,
    candidate_id: str | None,
    body: str,
) -> ScheduledSend:
    """The scheduled send stored first with the key, when it is the same text.

    Raises:
        IdempotencyKeyError: When the sender, recipient, candidate or body differ.
    """
    same = (earlier.user_id, earlier.recipient, earlier.candidate_id, earlier.body) == (
        user_id,
        recipient,
        candidate_id,
        body,
    )
    if not same:
        raise IdempotencyKeyError(
            f"idempotency key {earlier.idempotency_key!r} was used for another scheduled send "
            f"({earlier.id} to {earlier.recipient} by user {earlier.user_id!r}); use a new key "
            "for a new text"
        )
    return earlier
