"""``telnyx.Telnyx`` clients for accounts, all over one pooled ``httpx.Client``.

The ``telnyx`` package reads ``TELNYX_API_KEY``, ``TELNYX_PUBLIC_KEY``, ``TELNYX_BASE_URL`` and
``TELNYX_CUSTOM_HEADERS`` from ``os.environ`` whenever it is not told otherwise
(``telnyx/_client.py``, ``Telnyx.__init__``). A client made here is always told: its API key
and base URL are passed explicitly, no public key is given to it (the adapter verifies webhooks
itself), and the headers it read from ``TELNYX_CUSTOM_HEADERS`` are dropped, so nothing in the
process environment can redirect or re-authenticate it. Only the ``base_url`` argument of
:class:`TelnyxClients` (tests: a stand-in on 127.0.0.1) sends it elsewhere.

A client for sends never retries (``max_retries=0``): a send whose answer was lost must be
reconciled, never sent again; reads go through a client of their own that may retry.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import httpx

from sms_telnyx.settings import Credentials

if TYPE_CHECKING:
    import telnyx

__all__ = ["TELNYX_BASE_URL", "TelnyxClients", "default_http_client"]

#: Telnyx's API v2, where the package sends by default.
TELNYX_BASE_URL = "https://api.telnyx.com/v2"


def default_http_client() -> httpx.Client:
    """The pooled HTTP client the adapter makes when none is injected."""
    return httpx.Client(
        timeout=httpx.Timeout(30.0, connect=5.0),
        limits=httpx.Limits(max_connections=50, max_keepalive_connections=25),
        follow_redirects=False,
        trust_env=False,
    )


class TelnyxClients:
    """One ``telnyx.Telnyx`` per API key, made on first use, all over one ``httpx.Client``.

    Args:
        http: The HTTP client every Telnyx client sends through.
        base_url: Where the API is (tests only: a stand-in or a mock transport's host).
    """

    def __init__(self, http: httpx.Client, *, base_url: str = TELNYX_BASE_URL) -> None:
        self._http = http
        self._base_url = base_url
        self._clients: dict[tuple[str, int], telnyx.Telnyx] = {}
        self._lock = threading.Lock()

    @property
    def http(self) -> httpx.Client:
        """The HTTP client under every Telnyx client."""
        return self._http

    def get(self, credentials: Credentials, *, retries: int = 0) -> telnyx.Telnyx:
        """The client that logs in with ``credentials.api_key``.

        Args:
            retries: How often the package may repeat a request that failed or went
                unanswered: 0 (the default) for anything that creates, more only for reads.
                Each count has a client of its own: ``Telnyx.with_options`` would build its
                copy through ``__init__``, which reads ``TELNYX_CUSTOM_HEADERS`` again.
        """
        import telnyx  # noqa: PLC0415 - the package takes a second to import; only when used

        key = (credentials.api_key, retries)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = telnyx.Telnyx(
                    api_key=credentials.api_key,
                    # Not None: None would make the package read TELNYX_PUBLIC_KEY.
                    public_key="",
                    base_url=self._base_url,
                    http_client=self._http,
                    max_retries=retries,
                )
                # TELNYX_CUSTOM_HEADERS is read into these whatever the arguments say.
                client._custom_headers = {}
                self._clients[key] = client
            return client
