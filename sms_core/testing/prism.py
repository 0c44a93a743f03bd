"""Stoplight Prism for adapter tests: installed with npm, run on loopback, stopped by pid.

Carrier-neutral pieces that every adapter's Prism-backed tests share; each adapter keeps its
own spec patches (they are carrier evidence) in its own ``testing`` package.

* :func:`install_prism` installs ``@stoplight/prism-cli`` with npm into a cache directory
  (never into the project), once;
* :class:`PrismServer` runs ``prism mock`` for one description on ``127.0.0.1`` on an
  ephemeral port and stops it by its process;
* :func:`prism_violations` reads Prism's verdict on a request from its answer, and
  :func:`raise_for_prism_rejection` turns a rejection into an :class:`AssertionError` carrying
  Prism's messages, so a test fails where the request was wrong.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

__all__ = [
    "PRISM_PACKAGE",
    "PrismError",
    "PrismServer",
    "install_prism",
    "prism_violations",
    "raise_for_prism_rejection",
]

#: The Prism release used: the newest whose engines allow Node 20.
PRISM_PACKAGE = "@stoplight/prism-cli@5.14.2"
_LISTENING = re.compile(r"Prism is listening on (http://127\.0\.0\.1:\d+)")
# Prism's own problem documents (when the description defines no answer for the error).
_PRISM_PROBLEM = "https://stoplight.io/prism/errors#"


class PrismError(RuntimeError):
    """Raised when Prism cannot be installed or started; the message says why."""


def install_prism(cache_dir: Path, *, npm: str | None = None) -> Path:
    """Install Prism into ``cache_dir`` unless it is there already.

    Args:
        cache_dir: Where the npm project lives (outside the repository, or under ``.tox``).
        npm: The npm executable; found on ``PATH`` by default.

    Returns:
        The ``prism`` executable.

    Raises:
        PrismError: When npm is missing or the install fails.
    """
    prism = cache_dir / "node_modules" / ".bin" / "prism"
    if prism.exists():
        return prism
    npm = npm or shutil.which("npm")
    if npm is None:
        raise PrismError("npm is not on PATH: install Node.js 20 (with npm) to run Prism")
    cache_dir.mkdir(parents=True, exist_ok=True)
    command = [
        npm,
        "install",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        "--no-save",
        "--prefix",
        str(cache_dir),
        PRISM_PACKAGE,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    except OSError as err:
        raise PrismError(f"cannot run npm ({npm}): {err}; install Node.js 20 with npm") from err
    except subprocess.TimeoutExpired as err:
        raise PrismError(f"'npm install {PRISM_PACKAGE}' took over 10 minutes") from err
    if done.returncode != 0 or not prism.exists():
        raise PrismError(f"'npm install {PRISM_PACKAGE}' failed:\n{done.stderr[-2000:]}")
    return prism


class PrismServer:
    """``prism mock`` serving one description on ``127.0.0.1``; a context manager.

    :meth:`start` launches Prism and waits for it; to start several at once, call
    :meth:`launch` on each and then :meth:`wait_listening` on each.

    Args:
        prism: The ``prism`` executable.
        spec: The description file.
        errors: Pass ``--errors``: a request the description forbids is answered with a 4xx
            (and Prism's reasons) instead of a mocked success.
        extra_args: More ``prism mock`` options (``--dynamic``...).
        startup_timeout: Seconds :meth:`start` waits for Prism to listen.
        name: What error messages call this Prism (the description's file name by default).

    Attributes:
        executable: The ``prism`` executable.
        base_url: ``http://127.0.0.1:<port>`` once listening.
    """

    def __init__(
        self,
        prism: Path,
        spec: Path,
        *,
        errors: bool = True,
        extra_args: Sequence[str] = (),
        startup_timeout: float = 60.0,
        name: str | None = None,
    ) -> None:
        self.executable = prism
        self._command = [str(prism), "mock", str(spec), "--host", "127.0.0.1", "--port", "0"]
        if errors:
            self._command.append("--errors")
        self._command.extend(extra_args)
        self._timeout = startup_timeout
        self._name = name or spec.name
        self._process: subprocess.Popen[str] | None = None
        self._drain: threading.Thread | None = None
        self._ready = threading.Event()
        self._output: list[str] = []
        self.base_url = ""

    @property
    def pid(self) -> int | None:
        """The process id of the running Prism, ``None`` when stopped."""
        return self._process.pid if self._process is not None else None

    def start(self) -> PrismServer:
        """Start Prism and wait until it says where it listens.

        Raises:
            PrismError: When it exits or stays silent past the timeout.
        """
        self.launch()
        try:
            self.wait_listening(time.monotonic() + self._timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def launch(self) -> None:
        """Start the Prism process and read its output in the background; do not wait."""
        env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"}
        process = subprocess.Popen(
            self._command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
        )
        self._process = process
        assert process.stdout is not None  # started with stdout=PIPE
        stdout = process.stdout

        def read() -> None:
            # Keep reading after the address is known, so Prism never blocks on a full pipe.
            for line in stdout:
                if not self._ready.is_set():
                    self._output.append(line)
                    if match := _LISTENING.search(line):
                        self.base_url = match.group(1)
                        self._ready.set()
            self._ready.set()

        self._drain = threading.Thread(target=read, name=f"prism-{self._name}", daemon=True)
        self._drain.start()

    def wait_listening(self, deadline: float) -> str:
        """Wait until the launched Prism says where it listens, at most until ``deadline``.

        Args:
            deadline: A :func:`time.monotonic` instant.

        Returns:
            Its base URL.

        Raises:
            PrismError: When it exits first or stays silent past the deadline (it is left
                running: :meth:`stop` it).
        """
        self._ready.wait(max(deadline - time.monotonic(), 0))
        if not self.base_url:
            exit_code = self._process.poll() if self._process is not None else None
            raise PrismError(
                f"Prism for {self._name} did not start (exit code {exit_code}):\n"
                + "".join(self._output[-20:])
            )
        return self.base_url

    def stop(self) -> None:
        """Stop the Prism this server started (by its process), and wait for it."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if self._drain is not None:
            self._drain.join(timeout=5)
            self._drain = None
        if process.stdout is not None:
            process.stdout.close()

    def __enter__(self) -> PrismServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def prism_violations(response: httpx.Response) -> list[str]:
    """Prism's reasons for refusing the request behind ``response``; empty when it did not.

    With ``--errors`` Prism answers an invalid request with a 4xx and says why in one of two
    places: the ``sl-violations`` header (when the description defines an error answer, which
    Prism then mocks), or its own ``application/problem+json`` document (when it does not).
    """
    if not 400 <= response.status_code < 500:
        return []
    violations: list[Any] = []
    header = response.headers.get("sl-violations")
    if header:
        violations.extend(json.loads(header))
    elif response.headers.get("content-type", "").startswith("application/problem+json"):
        problem = response.json()
        if str(problem.get("type", "")).startswith(_PRISM_PROBLEM):
            violations.extend(problem.get("validation") or [{"message": problem.get("detail")}])
    return [_describe(violation) for violation in violations]


def raise_for_prism_rejection(response: httpx.Response) -> httpx.Response:
    """Return ``response``, or fail the test when Prism refused its request.

    Raises:
        AssertionError: When Prism found the request invalid; the message is Prism's.
    """
    violations = prism_violations(response)
    if violations:
        request = response.request
        raise AssertionError(
            f"Prism refused {request.method} {request.url.path} ({response.status_code}):\n"
            + "\n".join(f"  - {violation}" for violation in violations)
        )
    return response


def _describe(violation: Any) -> str:
    if not isinstance(violation, dict):
        return str(violation)
    where = ".".join(str(part) for part in violation.get("location") or violation.get("path", []))
    message = str(violation.get("message", violation))
    return f"{where}: {message}" if where else message
