"""Handing stored messages to a host's activity record: the sink type and a safe default.

Host plugins accept an :data:`ActivitySink` from the host application (which writes each
message to the candidate's activity history with the user who sent it). Without one they use
:func:`log_activity`, which logs ids and direction only: bodies and phone numbers are personal
data and stay out of logs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeAlias

from sms_core.domain import Activity

__all__ = ["ActivitySink", "log_activity"]

#: Receives each stored message for the candidate's activity history.
ActivitySink: TypeAlias = Callable[[Activity], None]

_logger = logging.getLogger(__name__)


def log_activity(activity: Activity) -> None:
    """Log a stored message at INFO by its ids and direction, never its body or numbers."""
    message = activity.message
    _logger.info(
        "sms activity: %s message %s account=%s line=%s candidate=%s user=%s",
        message.direction.value,
        message.id,
        activity.account_id,
        message.line_id,
        activity.candidate_id or "-",
        activity.user.id if activity.user is not None else "-",
    )
