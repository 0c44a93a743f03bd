"""The threads that wait on carrier calls for mass texts, started once and kept for the next.

A mass text hands its texts to the carrier concurrently (see
:meth:`~sms_core.services.sending.SendPipeline.send_many`). Starting a thread per concurrent
call for every mass text and joining them all at its end cost more CPU per text than storing
the text, so the threads are kept between mass texts: :class:`CarrierCalls` lends the idle
ones and starts more only when every one is busy (several mass texts at once each get their
own). How many calls one mass text makes at once is bounded by its :class:`CallLanes`, at
the carrier's declared limit (``ProviderCapabilities.max_concurrent_sends``): the calls
beyond it wait their turn, and a lane that finishes one call goes on with the next, as a pool
of that size would.

:class:`~sms_core.SmsAdmin` owns one and stops its threads when it is closed.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import attrs

__all__ = ["MAX_CARRIER_THREADS", "CallLanes", "CarrierCalls"]

_logger = logging.getLogger(__name__)

#: The most threads waiting on carrier calls at once, over every mass text of one SDK: far
#: above any carrier's concurrency per account, so it only bounds a runaway.
MAX_CARRIER_THREADS = 256


@attrs.define
class CarrierCalls:
    """Threads for carrier calls, kept idle between mass texts; safe to share between threads."""

    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False)
    _pool: ThreadPoolExecutor | None = attrs.field(default=None, init=False)

    def lanes(self, limit: int) -> CallLanes:
        """A mass text's lanes: its calls run on these threads, at most ``limit`` at once."""
        return CallLanes(calls=self, limit=limit)

    def submit(self, call: Callable[[], None]) -> None:
        """Run ``call`` on an idle thread (one is started when none is idle).

        ``call`` reports its own outcome (a mass text's calls put their answers on a queue),
        so nothing is returned.
        """
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=MAX_CARRIER_THREADS, thread_name_prefix="sms-send"
                )
            self._pool.submit(call)

    def close(self) -> None:
        """Stop the idle threads, after the calls under way; a later call starts new ones."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)


@attrs.define(kw_only=True)
class CallLanes:
    """Calls run on :class:`CarrierCalls`' threads, at most ``limit`` at once, in order."""

    calls: CarrierCalls
    limit: int
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False)
    _queued: deque[Callable[[], None]] = attrs.field(factory=deque, init=False)
    _running: int = attrs.field(default=0, init=False)

    def submit(self, call: Callable[[], None]) -> None:
        """Run ``call`` in a free lane, or after the calls before it when every lane is busy."""
        with self._lock:
            self._queued.append(call)
            if self._running >= self.limit:
                return  # a busy lane takes it when its call ends
            self._running += 1
        self.calls.submit(self._lane)

    def _lane(self) -> None:
        """Run the queued calls one after the other until none is left."""
        while True:
            with self._lock:
                if not self._queued:
                    self._running -= 1
                    return
                call = self._queued.popleft()
            try:
                call()
            except Exception:  # a call reports its own outcome; the lane goes on regardless
                _logger.exception("a carrier call raised instead of reporting its outcome")
