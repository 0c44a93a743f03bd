"""Ready-made activities for host-plugin tests: a stored message as the host hook receives it."""

from __future__ import annotations

from datetime import UTC, datetime

from sms_core.domain import Activity, DeliveryStatus, Direction, Message, PhoneNumber, User

__all__ = ["CANDIDATE_NUMBER", "LINE_NUMBER", "sample_activity"]

#: The recruiter's line in :func:`sample_activity`.
LINE_NUMBER = PhoneNumber(e164="+14155550100")
#: The candidate's number in :func:`sample_activity`.
CANDIDATE_NUMBER = PhoneNumber(e164="+14155550199")

_STORED_AT = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)


def sample_activity(
    direction: Direction,
    user: User | None,
    *,
    account_id: str = "acme",
    candidate_id: str = "cand-9",
    body: str = "Hi Sam, the forklift shift starts at 7. Reply YES to confirm.",
) -> Activity:
    """A text between :data:`LINE_NUMBER` and :data:`CANDIDATE_NUMBER`, sent by ``user``.

    The message id is ``"m-outbound"`` or ``"m-inbound"`` and its line id ``"line-1"``.
    """
    outbound = direction is Direction.OUTBOUND
    message = Message(
        id=f"m-{direction.value}",
        account_id=account_id,
        line_id="line-1",
        direction=direction,
        sender=LINE_NUMBER if outbound else CANDIDATE_NUMBER,
        recipient=CANDIDATE_NUMBER if outbound else LINE_NUMBER,
        body=body,
        status=DeliveryStatus.QUEUED if outbound else DeliveryStatus.RECEIVED,
        created_at=_STORED_AT,
        updated_at=_STORED_AT,
        candidate_id=candidate_id,
        user_id=user.id if user is not None else None,
    )
    return Activity(account_id=account_id, candidate_id=candidate_id, message=message, user=user)
