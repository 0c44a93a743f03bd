"""The Telnyx stand-in served over HTTP on ``127.0.0.1``, for clients in other processes.

:class:`~sms_telnyx.testing.standin.TelnyxStandIn` is an ``httpx`` transport: only a client in
the same process can use it. :class:`StandInServer` puts it behind a real socket on an
ephemeral loopback port, so that a client anywhere on the machine (a benchmark's process of its
own, the official ``telnyx`` package on its stock HTTP client) reaches it at
:attr:`StandInServer.base_url`. Each request is handed to the stand-in as it came (Prism checks
it first, when the stand-in has one); a send whose answer the stand-in was told to drop closes
the connection unanswered, as a failing gateway would.

The adapter is pointed here only through its constructor (``TelnyxAdapter(base_url=...)``):
no environment variable can redirect it (:mod:`sms_telnyx.client`).

Example::

    with StandInServer(TelnyxStandIn()) as server:
        adapter = TelnyxAdapter(base_url=server.base_url, environ={"TELNYX_API_KEY": API_KEY})
"""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import httpx

from sms_telnyx.testing.standin import TelnyxStandIn

__all__ = ["StandInServer"]

_log = logging.getLogger(__name__)

# Hop-by-hop headers the server writes itself.
_OWN_HEADERS = frozenset(
    {"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"}
)


class StandInServer:
    """A stand-in on an ephemeral ``127.0.0.1`` port, served by a thread until :meth:`close`.

    Args:
        stand_in: What answers the requests.
    """

    def __init__(self, stand_in: TelnyxStandIn) -> None:
        self.stand_in = stand_in
        self._server = _Server(("127.0.0.1", 0), _handler_for(stand_in))
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="telnyx-stand-in", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """The server's own URL, ``http://127.0.0.1:<port>``."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_url(self) -> str:
        """The API's base URL here, in place of ``https://api.telnyx.com/v2``."""
        return f"{self.url}/v2"

    def close(self) -> None:
        """Stop serving and close the socket (the stand-in stays open)."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> StandInServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # A mass text opens a connection per concurrent send.
    request_queue_size = 128


def _handler_for(stand_in: TelnyxStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as two writes; Nagle would hold the second for an ACK.
        disable_nagle_algorithm = True
        timeout = 30  # an idle keep-alive connection is closed after this

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = httpx.Request(
                self.command,
                f"http://{self.headers.get('Host', '127.0.0.1')}{self.path}",
                headers=list(self.headers.items()),
                content=body,
            )
            try:
                answer = stand_in(request)
            except httpx.RemoteProtocolError:
                # The stand-in dropped the answer to a send: the connection goes down unanswered.
                self.close_connection = True
                return
            content = answer.read()
            self.send_response(answer.status_code)
            for name, value in answer.headers.multi_items():
                if name.lower() not in _OWN_HEADERS:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if content:
                self.wfile.write(content)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve  # noqa: N815 - http.server's naming

        def log_message(self, format: str, *args: Any) -> None:
            _log.debug(format, *args)

    return Handler
