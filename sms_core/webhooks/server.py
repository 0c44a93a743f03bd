"""Serving an ASGI app on a loopback port in a background thread, for the demo and tests.

The socket is bound (to an ephemeral port) and listening before the app exists, so the SDK can
be opened with webhook URLs that point at it; connections made before uvicorn starts wait in
the socket's backlog instead of failing.

Example::

    with LoopbackServer() as server:
        admin = SmsAdmin.open(url, webhook_base_url=server.url("/webhooks"))
        with server.serving(create_app(admin)):
            carrier.deliver_webhooks(client)
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

import uvicorn
from starlette.types import ASGIApp

__all__ = ["LoopbackServer"]


class LoopbackServer:
    """A listening socket on ``127.0.0.1`` and, while :meth:`serving`, uvicorn behind it.

    Args:
        host: The loopback address to bind.
        port: The port; ``0`` picks a free one.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._socket = socket.create_server((host, port))
        self._host = host
        self._port: int = self._socket.getsockname()[1]

    @property
    def port(self) -> int:
        """The port the socket is bound to."""
        return self._port

    def url(self, path: str = "") -> str:
        """The server's ``http`` URL, with ``path`` appended."""
        return f"http://{self._host}:{self.port}{path}"

    @contextmanager
    def serving(self, app: ASGIApp) -> Iterator[None]:
        """Serve ``app`` until the block ends, then stop uvicorn and wait for it.

        uvicorn closes the socket when it stops: a server serves once.

        Raises:
            RuntimeError: When uvicorn stopped with an error of its own.
        """
        config = uvicorn.Config(
            app, lifespan="off", log_config=None, log_level="warning", access_log=False
        )
        server = uvicorn.Server(config)
        failures: list[BaseException] = []

        def run() -> None:
            try:
                server.run(sockets=[self._socket])
            except BaseException as err:  # reported in the caller's thread
                failures.append(err)

        thread = threading.Thread(target=run, name=f"uvicorn-{self.port}", daemon=True)
        thread.start()
        try:
            yield
        finally:
            server.should_exit = True
            thread.join()
        if failures:
            raise RuntimeError("the background server failed") from failures[0]

    def close(self) -> None:
        """Close the socket (uvicorn closes it too when it stops)."""
        self._socket.close()

    def __enter__(self) -> LoopbackServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
