"""``sms_core.testing.processes.ServerProcess``: bounded waits, and a server always stopped.

Each server here is a few lines of Python standing in for ``smsadmin serve`` at the moment
that matters: an interrupt that arrives before the server handles Ctrl+C, a server that never
says what is awaited, one that ignores Ctrl+C. Every bound is a few seconds, and each test
waits on the server's own output, never on a fixed sleep.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest

from sms_core.testing.processes import ServerProcess

#: Started like ``smsadmin serve``: it says something, then takes a while to take over SIGINT
#: (ignored until then: an interrupt in that window is lost, as one before uvicorn's handler
#: can be), then says it listens and serves until interrupted.
SLOW_TO_LISTEN = """
import signal, sys, threading
signal.signal(signal.SIGINT, signal.SIG_IGN)
print("Hint: the web UI is off", file=sys.stderr, flush=True)
interrupted = threading.Event()
# The test's go-ahead: a line on stdin, so no sleep decides when it listens.
sys.stdin.readline()
signal.signal(signal.SIGINT, lambda *_: interrupted.set())
print("INFO:     Uvicorn running on http://127.0.0.1:8123", file=sys.stderr, flush=True)
interrupted.wait(60)
print("INFO:     Finished server process", file=sys.stderr, flush=True)
"""
#: Listens, then loses the first Ctrl+C (a slow start-up can) and stops on the second.
LOSES_ONE = """
import signal, sys, threading
interrupts = []
stopped = threading.Event()
def on_interrupt(*_):
    interrupts.append(1)
    if len(interrupts) == 2:
        stopped.set()
signal.signal(signal.SIGINT, on_interrupt)
print("Uvicorn running on http://127.0.0.1:8125", file=sys.stderr, flush=True)
stopped.wait(60)
"""
#: Ignores Ctrl+C for good, after saying so.
DEAF = """
import signal, sys, threading
signal.signal(signal.SIGINT, signal.SIG_IGN)
print("Uvicorn running on http://127.0.0.1:8124", file=sys.stderr, flush=True)
threading.Event().wait(120)
"""


def python(code: str) -> list[str]:
    """The command that runs ``code`` in this interpreter."""
    return [sys.executable, "-c", textwrap.dedent(code)]


class TestServerProcess:
    """Interrupted once it listens, stopped within a bound, every wait bounded."""

    def test_interrupted_only_once_listening(self) -> None:
        """An interrupt before the server handles Ctrl+C is lost; once it listens, one stops it.

        The hint shows in that window, so interrupting on the hint (as the serve tests once
        did) left the server running and the test waiting for it.
        """
        with ServerProcess(python(SLOW_TO_LISTEN), stdin=subprocess.PIPE) as server:
            server.wait_for("the web UI is off")
            server.process.send_signal(signal.SIGINT)
            assert server.process.stdin is not None
            server.process.stdin.write("go\n")
            server.process.stdin.flush()
            assert "http://127.0.0.1:8123" == server.wait_listening(timeout=30)
            assert server.returncode is None  # the early interrupt was lost
        assert (0, False) == (server.process.returncode, server.killed)
        assert "Finished server process" in server.output()

    def test_a_line_never_shown_fails_within_the_bound(self) -> None:
        """A server that ends without the awaited line fails the wait, showing its output."""
        code = "import sys; print('could not listen on 127.0.0.1:1', file=sys.stderr)"
        with (
            ServerProcess(python(code)) as server,
            pytest.raises(AssertionError, match="could not listen") as failed,
        ):
            server.wait_listening(timeout=30)
        assert "its output ended" in str(failed.value)

    def test_a_silent_server_fails_when_the_time_is_up(self) -> None:
        """A server still running but silent fails the wait once its time is up."""
        with (
            ServerProcess(python(DEAF), stop_timeout=1.5) as server,
            pytest.raises(AssertionError, match="the time was up"),
        ):
            server.wait_for("never logged", timeout=0.2)

    def test_a_lost_interrupt_is_sent_again(self) -> None:
        """A server that missed the first Ctrl+C gets a second, and ends without a kill."""
        with ServerProcess(python(LOSES_ONE), stop_timeout=3) as server:
            server.wait_listening(timeout=30)
        assert (0, False) == (server.process.returncode, server.killed)

    def test_a_server_deaf_to_ctrl_c_is_killed(self) -> None:
        """Leaving the block ends a server that ignores every interrupt: it is killed."""
        with ServerProcess(python(DEAF), stop_timeout=1.5) as server:
            server.wait_listening(timeout=30)
        assert (True, -signal.SIGKILL) == (server.killed, server.process.returncode)
