"""Handing recorded messages to the host application.

The ATS keeps every message on the candidate's record, with the user who sent it. The host
application supplies the sink that writes there; without one, each message is logged by its ids
and direction only, since bodies and phone numbers are personal data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeAlias

from sms_core import Activity

__all__ = ["ActivitySink", "log_activity"]

#: Receives each stored message for the candidate's record.
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
