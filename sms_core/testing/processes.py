"""A server under test in a process of its own: started, read as it logs, always stopped.

A test that runs ``smsadmin serve`` (or anything else that serves until Ctrl+C) and stops it
with SIGINT can hang in three ways, more often the busier the machine:

* the interrupt arrives before the server installs its own handler (uvicorn installs it only
  as it starts serving), so it is lost in start-up or ends the process another way;
* a blocking ``readline`` on the server's output waits for a line that never comes;
* ``Popen.communicate(timeout=...)`` gives up, and leaving ``with Popen(...)`` then waits for
  the process with no bound at all.

:class:`ServerProcess` rules out each: it reads every output stream in a thread of its own, so
every wait is bounded (:meth:`ServerProcess.wait_for`); :meth:`ServerProcess.wait_listening`
waits for uvicorn's "Uvicorn running on" line, which uvicorn logs after it took over SIGINT;
and :meth:`ServerProcess.stop` repeats the interrupt within a bound and kills the process in
the end, so a failing test never leaves a server behind.
"""

from __future__ import annotations

import re
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import IO, Literal, TypeVar

__all__ = ["UVICORN_LISTENING", "ServerProcess"]

#: What uvicorn logs once it listens, with the address; it has taken over SIGINT by then.
UVICORN_LISTENING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")

Stream = Literal["stdout", "stderr"]
_T = TypeVar("_T")
#: The shares of ``stop_timeout`` :meth:`ServerProcess.stop` waits after each interrupt before
#: it kills the process: most for the first (a graceful stop ends the background pollers too),
#: the rest for a second, in case the first was lost. uvicorn takes a second Ctrl+C as "stop
#: now".
_INTERRUPT_SHARES = (2 / 3, 1 / 3)


class ServerProcess:
    """``command`` in a process of its own, its output read line by line as it comes.

    Use it as a context manager: leaving the block stops the process whatever happened in it.

    Args:
        command: The program and its arguments.
        env: Its environment (default: this process's).
        stdin: Its standard input, as :class:`subprocess.Popen` takes it (default: none, so
            it never waits on the terminal); ``subprocess.PIPE`` to write to it.
        wait_timeout: How long :meth:`wait_for` waits by default, in seconds.
        stop_timeout: How long :meth:`stop` waits for the process to end after its
            interrupts, in seconds, before it kills it.
    """

    def __init__(
        self,
        command: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        stdin: int | None = subprocess.DEVNULL,
        wait_timeout: float = 60.0,
        stop_timeout: float = 45.0,
    ) -> None:
        self._command = list(command)
        self._env = dict(env) if env is not None else None
        self._stdin = stdin
        self._wait_timeout = wait_timeout
        self._stop_timeout = stop_timeout
        self._process: subprocess.Popen[str] | None = None
        self._lines: dict[Stream, list[str]] = {"stdout": [], "stderr": []}
        self._ended: set[Stream] = set()
        self._changed = threading.Condition()
        self._readers: list[threading.Thread] = []
        #: Whether :meth:`stop` had to kill the process (it ignored every interrupt).
        self.killed = False

    @property
    def process(self) -> subprocess.Popen[str]:
        """The running process; :meth:`start` first."""
        if self._process is None:
            raise RuntimeError("the server process is not started: call start() first")
        return self._process

    @property
    def returncode(self) -> int | None:
        """The exit code once the process ended, else ``None``."""
        return self.process.poll()

    def start(self) -> ServerProcess:
        """Start the process and read its standard output and error in the background."""
        process = subprocess.Popen(
            self._command,
            env=self._env,
            stdin=self._stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self._process = process
        for name, stream in (("stdout", process.stdout), ("stderr", process.stderr)):
            assert stream is not None  # started with PIPE
            reader = threading.Thread(
                target=self._read,
                args=(name, stream),
                name=f"server-{process.pid}-{name}",
                daemon=True,
            )
            reader.start()
            self._readers.append(reader)
        return self

    def _read(self, name: Stream, stream: IO[str]) -> None:
        # Read to the end, so the server never blocks on a full pipe.
        for line in stream:
            with self._changed:
                self._lines[name].append(line)
                self._changed.notify_all()
        with self._changed:
            self._ended.add(name)
            self._changed.notify_all()

    def lines(self, stream: Stream = "stderr") -> list[str]:
        """The lines ``stream`` showed so far."""
        with self._changed:
            return list(self._lines[stream])

    def output(self, stream: Stream = "stderr") -> str:
        """What ``stream`` showed so far, as one text."""
        return "".join(self.lines(stream))

    def wait_until(
        self,
        found: Callable[[Sequence[str]], _T | None],
        *,
        stream: Stream = "stderr",
        timeout: float | None = None,
        waiting_for: str = "the expected output",
    ) -> _T:
        """Wait until ``found`` returns something other than ``None`` for the lines so far.

        Args:
            found: Called with every line ``stream`` showed so far, each time one more comes.
            stream: Which output to read.
            timeout: At most this long, in seconds (default: the ``wait_timeout`` given).
            waiting_for: What is awaited, for the failure's message.

        Returns:
            What ``found`` returned.

        Raises:
            AssertionError: When the stream ends (the process exited) or the time is up
                first; the message shows the last lines of both outputs.
        """
        deadline = time.monotonic() + (self._wait_timeout if timeout is None else timeout)
        with self._changed:
            while True:
                if (result := found(self._lines[stream])) is not None:
                    return result
                left = deadline - time.monotonic()
                if stream in self._ended or left <= 0:
                    break
                self._changed.wait(left)
        why = "its output ended" if stream in self._ended else "the time was up"
        raise AssertionError(
            f"{self._command[0]} never showed {waiting_for} on {stream} ({why}); "
            f"its last lines:\n{self._tail()}"
        )

    def wait_for(
        self,
        pattern: str | re.Pattern[str],
        *,
        stream: Stream = "stderr",
        timeout: float | None = None,
    ) -> re.Match[str]:
        """Wait for a line of ``stream`` in which ``pattern`` is found (see :meth:`wait_until`).

        Returns:
            The first match.
        """
        compiled = re.compile(pattern)

        def found(lines: Sequence[str]) -> re.Match[str] | None:
            return next(filter(None, map(compiled.search, lines)), None)

        return self.wait_until(
            found, stream=stream, timeout=timeout, waiting_for=repr(compiled.pattern)
        )

    def wait_listening(self, *, timeout: float | None = None) -> str:
        """Wait until uvicorn listens (and so handles SIGINT); return its base URL."""
        return self.wait_for(UVICORN_LISTENING, timeout=timeout).group(1)

    def stop(self) -> int:
        """Interrupt the process (Ctrl+C) until it ends, kill it past the bound; its exit code.

        The interrupt is sent a second time within ``stop_timeout`` in case the first was lost;
        should the process outlast both it is killed (:attr:`killed`, a negative code).
        """
        process = self.process
        for share in _INTERRUPT_SHARES:
            if process.poll() is not None:
                break
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=self._stop_timeout * share)
            except subprocess.TimeoutExpired:
                continue
        if process.poll() is None:
            self.killed = True
            process.kill()
            process.wait()
        for reader in self._readers:
            reader.join(timeout=10)
        if not any(reader.is_alive() for reader in self._readers):
            # A child the server started may still hold a pipe open: then leave it to them.
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
        if process.stdin is not None:
            process.stdin.close()
        return process.returncode

    def _tail(self) -> str:
        shown = [
            f"--- {name}\n" + "".join(self._lines[name][-20:])
            for name in ("stdout", "stderr")
            if self._lines[name]
        ]
        return "".join(shown) or "(none)"

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
