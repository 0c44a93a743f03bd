"""Sending scheduled texts in the background, for ``smsadmin serve``.

:class:`ScheduledSendPoller` runs :meth:`SmsAdmin.run_scheduled_sends` every so often in a
thread of its own: every account's due sends go out through the send pipeline, each taken by
one process however many run (see :mod:`.scheduled`). A host that runs its own scheduler calls
``run_scheduled_sends()`` (or ``account.scheduled.run_due()``) instead, or schedules
``smsadmin scheduled run-due``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sms_core.services.poller import Poller

if TYPE_CHECKING:
    from sms_core.services.admin import SmsAdmin

__all__ = ["ScheduledSendPoller"]

_logger = logging.getLogger(__name__)


class ScheduledSendPoller(Poller):
    """Sends every account's due scheduled texts now and then every ``interval`` seconds."""

    name = "sms-scheduled-send-poller"

    def __init__(self, admin: SmsAdmin, interval: float) -> None:
        super().__init__(interval)
        self._admin = admin

    def run_pass(self) -> None:
        """Send every account's due scheduled texts."""
        for account_id, report in sorted(self._admin.run_scheduled_sends().items()):
            _logger.info(
                "scheduled texts of account %s: %d sent, %d refused, %d deferred, %d failed",
                account_id,
                len(report.sent),
                len(report.refused),
                len(report.deferred),
                len(report.failed),
            )
