"""The HTTP client under the ``twilio`` package: one pooled ``httpx.Client`` for every account.

``twilio.rest.Client`` builds each request (URL, form, basic auth) and hands it to
:class:`PooledHttpClient`, which

* sends it over one shared ``httpx.Client`` (connection reuse, timeouts), so the concurrent
  sends of a mass text share a bounded pool of connections. Its transport,
  :class:`LanedTransport`, splits the pool into a few lanes, each thread keeping to one:
  ``httpcore``'s pool does work that grows with the square of its connections on every request
  (encode/httpcore#1035), so several small pools cost far less CPU than one large one. The
  request is built here and handed to ``Client.send``, which skips the client's merging of
  URLs, headers and parameters; the client's cookie policy refuses every cookie, so accounts
  share none;
* redirects Twilio's hosts through a prefix map, for tests: ``https://api.twilio.com`` can
  become ``http://127.0.0.1:4010``; the map applies to every URL, the absolute paging links of
  Messaging and Trust Hub included;
* retries only what cannot send anything twice, after the ``Retry-After`` delay or an
  exponential backoff, a bounded number of times: a connection that could not be opened (refused,
  DNS, TLS handshake: not a byte of the request left), a ``429`` (Twilio refused it), and a
  ``GET`` whose answer was lost or came back as a server error (reading changes nothing);
* never repeats a ``POST`` or ``DELETE`` that may have reached Twilio. A server error (``500``,
  a gateway's ``502``/``504``, even ``503``) or a connection dropped after the request was
  written says nothing about whether Twilio carried it out: a gateway in front of Twilio answers
  ``502``/``504`` when Twilio's own answer is late or lost, after the message was created. Such a
  request raises :class:`~sms_core.exceptions.ProviderTimeoutError` (the answer was lost: the
  SDK stores the text ``UNKNOWN`` and reconciles it) and never
  :class:`~sms_core.exceptions.ProviderUnavailableError`, which would mean "not sent".

  twilio-python's own clients, for comparison (twilio 9.13.0, ``twilio/http/http_client.py``
  and ``twilio/http/async_http_client.py``): ``TwilioHttpClient(max_retries=n)`` mounts
  ``requests``' ``HTTPAdapter(max_retries=n)``, which retries "only failed DNS lookups, socket
  connections and connection timeouts, never requests where data has made it to the server"
  (its docstring), the same line as here; ``AsyncTwilioHttpClient(max_retries=n)`` wraps
  ``aiohttp_retry.ExponentialRetry(attempts=n)``, whose defaults retry every method, ``POST``
  included, on every 5xx (``retry_all_server_errors=True``, aiohttp-retry 2.9.1
  ``retry_options.py``/``client.py``): a create answered ``502`` after Twilio created the
  message is created again.

Credentials pass through as the ``auth`` pair and are never logged.
"""

from __future__ import annotations

import itertools
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import TracebackType
from urllib.parse import urlsplit

import attrs
import httpx
from twilio.http import HttpClient  # type: ignore[import-untyped]  # twilio has no type hints
from twilio.http.response import Response  # type: ignore[import-untyped]

from sms_twilio import errors

__all__ = [
    "DEFAULT_LANES",
    "DEFAULT_TIMEOUT",
    "TWILIO_HOSTS",
    "LanedTransport",
    "PooledHttpClient",
    "RetryPolicy",
]

_log = logging.getLogger(__name__)

#: The Twilio hosts the adapter talks to, keyed by the name a prefix map may use for them.
TWILIO_HOSTS: Mapping[str, str] = {
    "api": "https://api.twilio.com",
    "messaging": "https://messaging.twilio.com",
    "trusthub": "https://trusthub.twilio.com",
}
#: How many pools the connections are split into (see the module's docstring).
DEFAULT_LANES = 8
#: Connect quickly or give up (nothing was sent); wait longer for an answer.
DEFAULT_TIMEOUT = httpx.Timeout(15.0, connect=5.0, pool=10.0)
# Failures that happen before a byte of the request left: retrying cannot duplicate anything.
# httpcore raises ConnectError for a refused connection, a failed DNS lookup and a failed TLS
# handshake alike, all before the request is written; a connection that breaks while the
# request is written or its answer read raises WriteError/ReadError/RemoteProtocolError.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Answers after which any request may be sent again: Twilio refused it ("slow down", 20429).
_RETRY_STATUSES = frozenset({429})
# Answers after which only a request that changes nothing may be sent again: a server error
# may come after the change was made (a gateway's 502/504 after the message was created).
_RETRY_STATUSES_IF_SAFE = frozenset({500, 502, 503, 504})


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How often and how patiently a request that did nothing is tried again.

    Attributes:
        attempts: Tries in all, the first included.
        backoff: The first delay in seconds; each retry doubles it, with jitter.
        max_delay: The longest wait, for the backoff and for ``Retry-After``; an answer
            asking for longer is not retried but raised (a rate limit keeps its
            ``retry_after`` for the caller).
    """

    attempts: int = attrs.field(default=3, validator=attrs.validators.ge(1))
    backoff: float = 0.25
    max_delay: float = 10.0

    def delay(self, attempt: int, asked: float | None) -> float | None:
        """Seconds to wait before try ``attempt + 1``, or ``None`` when it should not be made."""
        if attempt >= self.attempts:
            return None
        if asked is not None:
            return asked if asked <= self.max_delay else None
        backoff = self.backoff * 2 ** (attempt - 1)
        return float(min(backoff * (0.5 + random.random() / 2), self.max_delay))


class PooledHttpClient(HttpClient):  # type: ignore[misc]  # twilio's base class is untyped
    """``twilio.http.HttpClient`` over one pooled ``httpx.Client``; thread-safe.

    Args:
        base_urls: Where to send what is meant for a Twilio host, by the host's URL prefix
            (``{"https://api.twilio.com": "http://127.0.0.1:4010"}``); the longest matching
            prefix wins. Empty in production.
        transport: The client's transport (tests pass an ``httpx.MockTransport``); by default
            a :class:`LanedTransport`. :meth:`close` closes it.
        timeout: Timeouts of every request, unless the ``twilio`` package passes one.
        max_connections: How many connections the default transport holds in all.
        lanes: How many pools the default transport splits them into.
        retry: When to try again (see :class:`RetryPolicy`).
        sleep: How to wait between tries (tests pass a recorder).
    """

    def __init__(
        self,
        *,
        base_urls: Mapping[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        max_connections: int = 100,
        lanes: int = DEFAULT_LANES,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(_log, is_async=False)
        self._prefixes = sorted(
            (
                (source.rstrip("/"), target.rstrip("/"))
                for source, target in (base_urls or {}).items()
            ),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )
        self._client = httpx.Client(
            transport=transport or LanedTransport(max_connections=max_connections, lanes=lanes),
            timeout=timeout,
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
        )
        self._timeout = timeout.as_dict()
        self._retry = retry or RetryPolicy()
        self._sleep = sleep

    def rewrite(self, url: str) -> str:
        """``url`` with its Twilio prefix replaced by the mapped base URL, if one matches."""
        for source, target in self._prefixes:
            if url == source or url.startswith((f"{source}/", f"{source}?")):
                return target + url[len(source) :]
        return url

    def request(  # noqa: PLR0917 - twilio's HttpClient.request signature
        self,
        method: str,
        uri: str,
        params: Mapping[str, object] | None = None,
        data: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """Send one request for the ``twilio`` package, retrying only what did nothing.

        ``allow_redirects`` is accepted for the package's signature and has no effect: Twilio's
        REST API answers without redirects, and a redirect is returned as it came.

        Returns:
            The answer, for a status below 400.

        Raises:
            ProviderError: The typed error for Twilio's refusal (see :mod:`sms_twilio.errors`).
            ProviderUnavailableError: When Twilio could not be reached.
            ProviderTimeoutError: When a ``POST`` or ``DELETE`` may have reached Twilio but
                its answer was lost: no answer, or a server error (5xx) in its place.
        """
        method = method.upper()
        url = self.rewrite(uri)
        path = urlsplit(uri).path
        attempt = 0
        while True:
            attempt += 1
            started = time.perf_counter()
            outgoing = httpx.Request(
                method, url, params=_query(params), data=_form(data), headers=headers
            )
            outgoing.extensions["timeout"] = (
                self._timeout if timeout is None else httpx.Timeout(timeout).as_dict()
            )
            try:
                answer = self._client.send(outgoing, auth=auth)
            except httpx.TransportError as err:
                reason = type(err).__name__
                if not isinstance(err, _NOT_SENT) and method not in errors.SAFE_METHODS:
                    # The request may have been written: Twilio may have carried it out.
                    raise errors.answer_lost(method, path, reason) from err
                if (delay := self._retry.delay(attempt, None)) is None:
                    raise errors.unreachable(method, path, reason) from err
                self._wait(method, path, delay, reason)
                continue
            _log.debug(
                "%s %s -> %s in %.3f s",
                method,
                path,
                answer.status_code,
                time.perf_counter() - started,
            )
            if answer.status_code in _RETRY_STATUSES or (
                method in errors.SAFE_METHODS and answer.status_code in _RETRY_STATUSES_IF_SAFE
            ):
                asked = errors.retry_after(answer.headers)
                if (delay := self._retry.delay(attempt, asked)) is not None:
                    self._wait(method, path, delay, f"HTTP {answer.status_code}")
                    continue
            if answer.status_code >= 400:
                raise errors.from_response(
                    answer.status_code, answer.text, answer.headers, method=method, path=path
                )
            return Response(answer.status_code, answer.text, answer.headers)

    def close(self) -> None:
        """Close the client and its connection pools (or the transport it was given)."""
        self._client.close()

    def __enter__(self) -> PooledHttpClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _wait(self, method: str, path: str, delay: float, why: str) -> None:
        _log.info("%s %s: %s, trying again in %.2f s", method, path, why, delay)
        self._sleep(delay)


class LanedTransport(httpx.BaseTransport):
    """Several pooled ``httpx.HTTPTransport`` lanes; each thread keeps to one, taken in turn.

    Attributes:
        sizes: How many connections each lane may hold; they add up to ``max_connections``.

    Args:
        max_connections: How many connections the lanes hold in all.
        lanes: How many pools the connections are split into; threads take them in turn.
    """

    def __init__(self, *, max_connections: int = 100, lanes: int = DEFAULT_LANES) -> None:
        if lanes < 1:
            raise ValueError(f"lanes must be at least 1, got {lanes}")
        if max_connections < 1:
            raise ValueError(f"max_connections must be at least 1, got {max_connections}")
        lanes = min(lanes, max_connections)
        # Exactly max_connections in all: the first lanes take one more when it does not divide.
        sizes = [
            max_connections // lanes + (1 if index < max_connections % lanes else 0)
            for index in range(lanes)
        ]
        self._lanes = [
            httpx.HTTPTransport(
                limits=httpx.Limits(max_connections=size, max_keepalive_connections=size)
            )
            for size in sizes
        ]
        self.sizes = tuple(sizes)
        self._next_lane = itertools.count()
        self._thread = threading.local()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` over the calling thread's lane."""
        return self._lane().handle_request(request)

    def close(self) -> None:
        """Close every lane's connections."""
        for lane in self._lanes:
            lane.close()

    def _lane(self) -> httpx.HTTPTransport:
        lane: httpx.HTTPTransport | None = getattr(self._thread, "lane", None)
        if lane is None:
            lane = self._lanes[next(self._next_lane) % len(self._lanes)]
            self._thread.lane = lane
        return lane


def _query(params: Mapping[str, object] | None) -> dict[str, str] | None:
    """Query parameters as text, booleans the way Twilio spells them."""
    if not params:
        return None
    return {key: _text(value) for key, value in params.items() if value is not None}


def _form(data: Mapping[str, object] | None) -> dict[str, str | list[str]] | None:
    """The form body; a list becomes repeated keys (``MediaUrl=a&MediaUrl=b``)."""
    if not data:
        return None
    return {
        key: [_text(item) for item in value] if isinstance(value, list) else _text(value)
        for key, value in data.items()
        if value is not None
    }


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
