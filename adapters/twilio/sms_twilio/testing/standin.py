"""A Twilio stand-in on loopback: every request checked by Prism, answered from memory.

:class:`TwilioStandIn` is an HTTP server on ``127.0.0.1`` that serves the three Twilio hosts
the adapter uses under path prefixes (``/api``, ``/messaging``, ``/trusthub``); point a
:class:`~sms_twilio.http.PooledHttpClient` at it with :attr:`TwilioStandIn.base_urls`. For each
request it

1. forwards the request as it came to the Stoplight Prism serving that host's OpenAPI
   description, when one is given; any answer of 400 or more is a **violation**: Twilio's own
   description of its API refuses the request. Violations are kept (:meth:`take_violations`)
   and the client gets Prism's answer;
2. answers from :class:`~sms_twilio.testing.state.TwilioState`, which remembers what Prism
   cannot (numbers bought, texts, opt-outs, reviews), with Twilio's JSON and error bodies (see
   :mod:`sms_twilio.testing.routes`), or with a gateway's answer (a 502 page, or a dropped
   connection) where the state was told to spoil one
   (:meth:`~sms_twilio.testing.state.TwilioState.spoil_creates`);
3. waits ``latency`` seconds first, if asked (the benchmark's network delay).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

import attrs
import httpx

from sms_twilio.http import TWILIO_HOSTS
from sms_twilio.testing.routes import answer
from sms_twilio.testing.state import GatewayError, TwilioState

__all__ = ["AUTH_TOKEN", "TwilioStandIn", "Violation"]

_log = logging.getLogger(__name__)

#: The auth token the stand-in accepts for every account, unless given another.
AUTH_TOKEN = "stand-in-auth-token"


@attrs.frozen
class Violation:
    """A request Prism refused: Twilio's API description does not allow it."""

    method: str
    path: str
    status: int
    detail: str

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}: {self.detail}"


class TwilioStandIn:
    """The stand-in server, started on an ephemeral loopback port.

    Args:
        prism: Prism's base URL for each host name of :data:`~sms_twilio.http.TWILIO_HOSTS`
            (``{"api": "http://127.0.0.1:4010", …}``); without it nothing is validated.
        latency: Seconds every answer is held back, to stand for the network.
        auth_token: The auth token every account's requests must carry.
        state: The memory to answer from; a fresh one by default.
    """

    def __init__(
        self,
        *,
        prism: Mapping[str, str] | None = None,
        latency: float = 0.0,
        auth_token: str = AUTH_TOKEN,
        state: TwilioState | None = None,
    ) -> None:
        self.state = state or TwilioState()
        self.auth_token = auth_token
        self.latency = latency
        self._prism = dict(prism or {})
        self._forwarder = httpx.Client(timeout=30.0) if self._prism else None
        self._violations: list[Violation] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="twilio-stand-in", daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        """The stand-in's own base URL."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def base_urls(self) -> dict[str, str]:
        """The prefix map that sends the adapter's Twilio traffic here."""
        return {real: f"{self.url}/{name}" for name, real in TWILIO_HOSTS.items()}

    @property
    def validated(self) -> bool:
        """Whether requests are checked by Prism."""
        return bool(self._prism)

    def take_violations(self) -> list[Violation]:
        """The requests Prism refused since the last call."""
        with self._lock:
            taken, self._violations = self._violations, []
        return taken

    def close(self) -> None:
        """Stop serving and close the sockets."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        if self._forwarder is not None:
            self._forwarder.close()

    def __enter__(self) -> TwilioStandIn:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- handling ----------------------------------------------------------------------------

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, bytes]:
        """Answer one request: validate it, then serve it from memory."""
        if self.latency:
            time.sleep(self.latency)
        product, _, rest = target.lstrip("/").partition("/")
        if product not in TWILIO_HOSTS:
            return _json(404, {"message": f"no Twilio host is served under /{product}"})
        if (refused := self._validate(product, method, f"/{rest}", headers, body)) is not None:
            return refused
        return answer(
            self.state,
            product=product,
            method=method,
            target=f"/{rest}",
            headers=headers,
            body=body,
            auth_token=self.auth_token,
        )

    def _validate(
        self, product: str, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, bytes] | None:
        """Prism's refusal of the request, recorded as a violation; ``None`` when it passes."""
        if self._forwarder is None or _UNSPECIFIED.fullmatch(f"{product} {method} {target}"):
            return None
        base = self._prism.get(product)
        if base is None:
            detail = f"no Prism serves the {product} host"
            self._record(Violation(method, target, 599, detail))
            return _json(599, {"message": detail})
        forwarded = {
            key: value
            for key, value in headers.items()
            if key.lower() not in {"host", "content-length", "connection", "accept-encoding"}
        }
        try:
            checked = self._forwarder.request(
                method, f"{base}{target}", headers=forwarded, content=body
            )
        except httpx.HTTPError as err:
            self._record(Violation(method, target, 599, f"Prism did not answer: {err!r}"))
            return _json(599, {"message": f"Prism did not answer: {err!r}"})
        if checked.status_code < 400:
            return None
        self._record(Violation(method, target, checked.status_code, _prism_detail(checked)))
        return checked.status_code, checked.content

    def _record(self, violation: Violation) -> None:
        _log.warning("Prism refused %s", violation)
        with self._lock:
            self._violations.append(violation)


# Requests Twilio documents but its OpenAPI files give no operation for, so Prism cannot check
# them: the Brand 2FA Verification resource (https://www.twilio.com/docs/messaging/api/
# brand-2fa-verify; twilio_messaging_v1.json 2.6.7 names the path with no operations).
_UNSPECIFIED = re.compile(r"messaging POST /v1/a2p/BrandRegistrations/BN[0-9a-fA-F]{32}/2fa")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # A mass text opens dozens of connections at once.
    request_queue_size = 128


def _handler_for(stand_in: TwilioStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out as two writes; Nagle would hold the second for an ACK.
        disable_nagle_algorithm = True
        timeout = 30  # an idle keep-alive connection is closed after this

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = dict(self.headers.items())
            content_type = "application/json"
            try:
                status, content = stand_in.handle(self.command, self.path, headers, body)
            except GatewayError as failure:
                if failure.status is None:
                    # The request was read; the connection goes down before any answer.
                    self.close_connection = True
                    return
                status, content, content_type = failure.status, failure.body(), "text/html"
            self.send_response(status)
            if status != 204:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            if content:
                self.wfile.write(content)

        do_GET = do_POST = do_DELETE = _serve  # noqa: N815 - http.server's naming

        def log_message(self, format: str, *args: Any) -> None:
            _log.debug(format, *args)

    return Handler


def _prism_detail(refusal: httpx.Response) -> str:
    try:
        problem = refusal.json()
    except ValueError:
        return refusal.text[:500]
    messages = [item.get("message", "") for item in problem.get("validation", [])]
    return "; ".join(messages) or str(problem.get("detail") or problem.get("title") or problem)


def _json(status: int, body: object) -> tuple[int, bytes]:
    return status, json.dumps(body).encode("utf-8")
