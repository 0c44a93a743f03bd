"""Killing a process at a chosen point, for crash-recovery tests of the SDK and its adapters.

A crash test starts a child process that patches the code under test with :class:`Killer`
and then does real work; the child SIGKILLs itself the chosen time execution reaches the
chosen point, so nothing (no ``finally``, no ``atexit``) runs after it, as in a real crash.
"""

from __future__ import annotations

import functools
import os
import signal
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["Killer"]


class Killer:
    """Counts arrivals at the chosen point and kills the process at the chosen one."""

    def __init__(self, point: str, nth: int) -> None:
        self._point, self._nth = point, nth
        self._arrivals = 0
        self._lock = threading.Lock()

    def reached(self, point: str) -> None:
        """Die here if this is the chosen arrival at the chosen point."""
        if point != self._point:
            return
        with self._lock:
            self._arrivals += 1
            if self._arrivals == self._nth:
                os.kill(os.getpid(), signal.SIGKILL)

    def around(self, owner: object, name: str, before: str | None, after: str | None) -> None:
        """Wrap ``owner.name`` so that ``before`` and ``after`` are reached around each call."""
        original: Callable[..., Any] = getattr(owner, name)

        @functools.wraps(original)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if before is not None:
                self.reached(before)
            result = original(*args, **kwargs)
            if after is not None:
                self.reached(after)
            return result

        setattr(owner, name, wrapped)
