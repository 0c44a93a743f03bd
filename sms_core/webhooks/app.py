"""The webhook app: delivery reports, inbound texts and inbound calls, per account.

Every route is ``POST {prefix}/{account_id}/{status|messages|calls|events}``. The app turns
HTTP into a :class:`~sms_core.domain.WebhookRequest` carrying the URL the carrier signed
(rebuilt once, by :func:`sms_core.webhooks.urls.signed_url`) and hands it to the account's
pipeline, :class:`~sms_core.webhooks.pipeline.WebhookReceiver` (verify → parse → apply →
answer). It holds no rule of its own: the pipeline's answer becomes the response, and its
refusals become status codes through Starlette's exception handlers.

The account is looked up before its carrier checks the signature (the carrier's secret is
the account's), but an id no account can have (a NUL, a lone surrogate, 65 characters) is
refused before any query. The app keeps each account it read for a few seconds
(:mod:`sms_core.webhooks.receivers` says what that may delay: never a rotated secret).
Past the signature, a body is read within limits (:mod:`sms_core.domain.json_body`: depth,
integer size, finite numbers) and every id or code an event carries must fit the column it
goes to, so a signed but hostile body is a ``400``.

Refusals change nothing and answer a short plain-text reason, one exception handler per
class of error (the closest class wins, so a signature error is a 403, not a 400):

======  =====================================================================
403     unsigned, forged or tampered (the signature does not match):
        :class:`~sms_core.exceptions.WebhookSignatureError`
400     signed but malformed: :class:`~sms_core.exceptions.WebhookError`,
        :class:`~sms_core.exceptions.InvalidInputError`
404     an unknown account or line, or news about a registration step the account
        does not have: :class:`~sms_core.exceptions.NotFoundError`; or an unknown kind
        of webhook (Starlette's routing)
405     any method but ``POST`` (Starlette's routing)
413     a body over :data:`MAX_BODY_BYTES` (Starlette's body limit)
======  =====================================================================

Anything else that fails is the server's fault and answers ``500``, so the carrier retries.
The log names the account, the kind and the outcome, never a body or a phone number.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import anyio.to_thread
from anyio import CapacityLimiter
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from sms_core.domain import WebhookKind, WebhookRequest, WebhookResponse
from sms_core.exceptions import (
    InvalidInputError,
    NotFoundError,
    WebhookError,
    WebhookSignatureError,
)
from sms_core.webhooks.receivers import Receivers
from sms_core.webhooks.urls import configured_base, routes_prefix, signed_url, webhook_url

if TYPE_CHECKING:
    from sms_core.services import SmsAdmin

__all__ = ["MAX_BODY_BYTES", "WORKER_THREADS", "create_app"]

#: The largest body the app reads; carriers' webhooks are a few kilobytes.
MAX_BODY_BYTES = 64 * 1024

#: Requests the app handles at once, each in a worker thread; the others wait their turn in
#: arrival order. A request is CPU work under one interpreter lock plus short database
#: transactions (one writer at a time on SQLite), so beyond a few threads more only contend
#: for the lock and the database: with anyio's default of 40, a report could lose its turn
#: to later ones again and again, and the slowest took several times the median
#: (benchmarks/webhook_throughput.py). Eight also stay within PostgreSQL's connection pool
#: (5 + 10 overflow), so no thread waits for a connection.
WORKER_THREADS = 8

_logger = logging.getLogger(__name__)

Endpoint = Callable[[Request], Awaitable[Response]]
Refusal = Callable[[Request, Exception], Awaitable[Response]]


def _refusal(status: int, reason: str) -> Refusal:
    """An exception handler that answers ``status`` with ``reason`` and logs the outcome."""

    async def refuse(request: Request, err: Exception) -> Response:
        _logger.warning(
            "refused %s webhook for account %r: %s (%d)",
            getattr(request.state, "webhook_kind", "unknown"),
            request.path_params.get("account_id"),
            type(err).__name__,
            status,
        )
        return PlainTextResponse(reason, status_code=status)

    return refuse


# Starlette answers with the handler of the error's closest class, so a signature error is a
# 403 although it is also a WebhookError. Every other error is the server's: a 500.
_EXCEPTION_HANDLERS: dict[type[Exception], Refusal] = {
    WebhookSignatureError: _refusal(403, "Forbidden: webhook signature missing or invalid"),
    WebhookError: _refusal(400, "Bad Request: malformed webhook"),
    InvalidInputError: _refusal(400, "Bad Request: malformed webhook"),
    NotFoundError: _refusal(404, "Not Found: unknown account, line or registration step"),
}


def create_app(
    admin: SmsAdmin, *, public_base_url: str | None = None, path_prefix: str | None = None
) -> Starlette:
    """The ASGI app that takes carriers' webhooks for every account of ``admin``.

    Args:
        admin: The open SDK; the app uses it from a thread pool, so it must outlive the app.
        public_base_url: The public base URL carriers call (``https://sms.example.com/webhooks``),
            needed behind a proxy; default the SDK's configured webhook base
            (``webhook_base_url`` or ``SMS_WEBHOOK_BASE_URL``). Without either, the URL each
            request arrived at is the signed one.
        path_prefix: The path the routes live under, relative to where the app is mounted;
            default the public base URL's path (``/webhooks``).

    Returns:
        A Starlette app to run with uvicorn (``smsadmin serve``) or mount in a host's app.

    Raises:
        InvalidInputError: When the public base URL is not an absolute http(s) URL, or the
            path prefix does not start with ``/``.
    """
    public_base = configured_base(public_base_url, admin.webhooks)
    if path_prefix and not path_prefix.startswith("/"):
        raise InvalidInputError(
            f"the webhook path prefix {path_prefix[:80]!r} must start with '/', like '/webhooks'"
        )
    prefix = (
        path_prefix.rstrip("/")
        if path_prefix is not None
        else routes_prefix(public_base or admin.webhooks.base)
    )
    threads = _Threads(WORKER_THREADS)
    receivers = Receivers(admin)
    routes = [
        Route(
            webhook_url(prefix, "{account_id}", kind),  # the shape of every configured URL
            _endpoint(receivers, kind, public_base, threads),
            methods=["POST"],
            name=f"webhook-{kind.value}",
        )
        for kind in WebhookKind
    ]
    return Starlette(
        routes=routes,
        exception_handlers=dict(_EXCEPTION_HANDLERS),
        max_body_size=MAX_BODY_BYTES,
    )


def _endpoint(
    receivers: Receivers, kind: WebhookKind, public_base: str | None, threads: _Threads
) -> Endpoint:
    async def receive(request: Request) -> Response:
        request.state.webhook_kind = kind.value  # for the refusal's log line
        account_id: str = request.path_params["account_id"]
        body = await request.body()
        url = signed_url(
            public_base,
            account_id,
            kind,
            arrived=str(request.url),
            query=request.scope.get("query_string", b"").decode("latin-1"),
        )
        webhook = WebhookRequest(
            method=request.method, url=url, headers=dict(request.headers.items()), body=body
        )
        answer = await anyio.to_thread.run_sync(
            _handle, receivers, account_id, kind, webhook, limiter=threads.limiter()
        )
        _logger.info("%s webhook for account %r answered %d", kind.value, account_id, answer.status)
        return Response(answer.body, status_code=answer.status, media_type=answer.content_type)

    return receive


def _handle(
    receivers: Receivers, account_id: str, kind: WebhookKind, webhook: WebhookRequest
) -> WebhookResponse:
    return receivers.receiver(account_id).handle(kind, webhook)


class _Threads:
    """The app's limit on requests handled at once in worker threads (:data:`WORKER_THREADS`)."""

    def __init__(self, count: int) -> None:
        self._count = count
        self._limiter: CapacityLimiter | None = None

    def limiter(self) -> CapacityLimiter:
        """The limiter, made on the event loop at the first request (anyio needs one)."""
        if self._limiter is None:
            self._limiter = CapacityLimiter(self._count)
        return self._limiter
