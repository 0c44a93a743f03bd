"""Keeping registrations moving in the background, as the carriers' reviews end.

Brand, campaign and messaging-service reviews take hours to days, and the next step can only be
submitted once the previous one is approved. :class:`RegistrationPoller` runs
:meth:`SmsAdmin.sync_registrations` every so often in a thread of its own, so that the
messaging service is set up and the numbers attached without anyone asking, as the HCM widget's
help promises ("automated and happens in the background"). ``smsadmin serve`` runs one beside
the webhook app; a host that runs its own scheduler calls ``sync_registrations()`` instead.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sms_core.services.poller import Poller

if TYPE_CHECKING:
    from sms_core.services.admin import SmsAdmin

__all__ = ["RegistrationPoller"]

_logger = logging.getLogger(__name__)


class RegistrationPoller(Poller):
    """Syncs every registration in progress now and then every ``interval`` seconds.

    Use it as a context manager (or :meth:`start` and :meth:`stop`); stopping waits for a
    pass under way to end.
    """

    name = "sms-registration-poller"

    def __init__(self, admin: SmsAdmin, interval: float) -> None:
        super().__init__(interval)
        self._admin = admin

    def run_pass(self) -> None:
        """Sync every registration in progress."""
        synced = self._admin.sync_registrations()
        if synced:
            _logger.info("synced the registrations of %s", ", ".join(sorted(synced)))
