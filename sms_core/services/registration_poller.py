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
import threading
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sms_core.services.admin import SmsAdmin

__all__ = ["RegistrationPoller"]

_logger = logging.getLogger(__name__)


class RegistrationPoller:
    """Syncs every registration in progress now and then every ``interval`` seconds.

    Use it as a context manager (or :meth:`start` and :meth:`stop`); stopping waits for a
    pass under way to end.

    Attributes:
        passes: How many passes have ended.
    """

    def __init__(self, admin: SmsAdmin, interval: float) -> None:
        if interval <= 0:
            raise ValueError(f"the polling interval must be positive, got {interval}")
        self._admin = admin
        self._interval = interval
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._passed = threading.Condition()
        self.passes = 0

    def start(self) -> None:
        """Start polling in a daemon thread (again, after a stop)."""
        if self._thread is not None:
            raise RuntimeError("the poller is running already")
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._run, name="sms-registration-poller", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop polling, after the pass under way, if any."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def wait_for_passes(self, count: int, timeout: float) -> bool:
        """Wait until ``count`` passes have ended; whether they did within ``timeout`` seconds."""
        with self._passed:
            return self._passed.wait_for(lambda: self.passes >= count, timeout=timeout)

    def __enter__(self) -> RegistrationPoller:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                synced = self._admin.sync_registrations()
            except Exception:  # the database itself failed: try again next time
                _logger.exception("a pass over the registrations in progress failed")
            else:
                if synced:
                    _logger.info("synced the registrations of %s", ", ".join(sorted(synced)))
            with self._passed:
                self.passes += 1
                self._passed.notify_all()
            self._stopping.wait(self._interval)
