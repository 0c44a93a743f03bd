"""A synchronous ``httpx.Client`` on an ASGI app, for tests and benchmarks of the web UI.

httpx runs an ASGI app only from async code (``httpx.ASGITransport``); this transport runs
each request on a fresh event loop, so a plain test can drive the app over real HTTP
semantics (cookies, redirects, headers) without a server or a socket::

    with asgi_client(create_web_app(admin, secret=secret)) as client:
        client.get("/signin", params={"token": token})
"""

from __future__ import annotations

import anyio
import httpx
from starlette.types import ASGIApp

__all__ = ["SyncAsgiTransport", "asgi_client"]


class SyncAsgiTransport(httpx.BaseTransport):
    """Sends each request to an ASGI app, in the calling thread, and reads the whole answer."""

    def __init__(self, app: ASGIApp) -> None:
        self._transport = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Run the app for ``request`` and return its answer, body read."""

        async def send() -> httpx.Response:
            answer = await self._transport.handle_async_request(request)
            body = await answer.aread()
            return httpx.Response(
                answer.status_code, headers=answer.headers, content=body, request=request
            )

        return anyio.run(send)


def asgi_client(app: ASGIApp, base_url: str = "http://testserver") -> httpx.Client:
    """An ``httpx.Client`` on ``app``; it follows no redirect unless asked."""
    return httpx.Client(transport=SyncAsgiTransport(app), base_url=base_url)
