"""Recovering texts in the background: nothing a crashed process left behind waits for anyone.

:class:`ReconciliationPoller` runs :meth:`SmsAdmin.reconcile_messages` every so often in a
thread of its own: texts whose send answer was lost are looked up at the carrier, and texts a
stopped process stored but never handed over are sent, each claimed by one process however
many run (see :mod:`.reconciliation`). ``smsadmin serve`` runs one beside the webhook app; a
host that runs its own scheduler calls ``reconcile_messages()`` instead, or schedules
``smsadmin reconcile``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sms_core.services.poller import Poller

if TYPE_CHECKING:
    from sms_core.services.admin import SmsAdmin

__all__ = ["ReconciliationPoller"]

_logger = logging.getLogger(__name__)


class ReconciliationPoller(Poller):
    """Reconciles every account's texts now and then every ``interval`` seconds."""

    name = "sms-reconciliation-poller"

    def __init__(self, admin: SmsAdmin, interval: float) -> None:
        super().__init__(interval)
        self._admin = admin

    def run_pass(self) -> None:
        """Reconcile every account's texts that need it."""
        reconciled = self._admin.reconcile_messages()
        for account_id, messages in sorted(reconciled.items()):
            _logger.info("reconciled %d texts of account %s", len(messages), account_id)
