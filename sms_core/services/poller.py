"""Background passes in a thread of their own, every so often, for ``smsadmin serve``.

A host that runs its own scheduler calls the public :class:`SmsAdmin` method each poller
runs instead (``sync_registrations()``, ``reconcile_messages()``).
"""

from __future__ import annotations

import abc
import logging
import threading
from types import TracebackType
from typing import Self

__all__ = ["Poller"]

_logger = logging.getLogger(__name__)


class Poller(abc.ABC):
    """Runs :meth:`run_pass` now and then every ``interval`` seconds, in a daemon thread.

    Use it as a context manager (or :meth:`start` and :meth:`stop`); stopping waits for a
    pass under way to end. A pass that raises is logged and the next one runs as planned.

    Attributes:
        passes: How many passes have ended.
    """

    #: The thread's name, and what the log says a failed pass was about.
    name = "sms-poller"

    def __init__(self, interval: float) -> None:
        if interval <= 0:
            raise ValueError(f"the polling interval must be positive, got {interval}")
        self._interval = interval
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._passed = threading.Condition()
        self.passes = 0

    @abc.abstractmethod
    def run_pass(self) -> None:
        """Do one pass of the work."""

    def start(self) -> None:
        """Start polling in a daemon thread (again, after a stop)."""
        if self._thread is not None:
            raise RuntimeError("the poller is running already")
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
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

    def __enter__(self) -> Self:
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
                self.run_pass()
            except Exception:  # the database itself failed: try again next time
                _logger.exception("a background pass of %s failed", self.name)
            with self._passed:
                self.passes += 1
                self._passed.notify_all()
            self._stopping.wait(self._interval)
