"""``twilio.rest.Client`` objects for accounts, all over one :class:`PooledHttpClient`.

The ``twilio`` package reads ``TWILIO_ACCOUNT_SID``, ``TWILIO_AUTH_TOKEN``, ``TWILIO_REGION`` and
``TWILIO_EDGE`` from ``os.environ`` whenever it is not told otherwise, and a region or edge
rewrites every host it calls. A client made here is always told: its credentials, region and edge
are passed explicitly and its environment is a mapping of its own, so nothing in the process
environment can redirect or re-authenticate it.
"""

from __future__ import annotations

import threading
from typing import Any

from twilio.rest import Client  # type: ignore[import-untyped]  # twilio has no type hints

from sms_twilio.http import PooledHttpClient
from sms_twilio.settings import Credentials

__all__ = ["TwilioClient", "TwilioClients"]

#: A ``twilio.rest.Client``; the ``twilio`` package ships no type hints.
TwilioClient = Any

# Given to the twilio Client instead of os.environ. It must not be empty: the Client falls
# back to os.environ for an empty (falsy) mapping.
_NO_ENVIRONMENT = {"SMS_TWILIO_ENVIRONMENT": "explicit"}


class TwilioClients:
    """One ``twilio.rest.Client`` per set of credentials and region, made on first use.

    Args:
        http: The HTTP client every Twilio client sends through.
    """

    def __init__(self, http: PooledHttpClient) -> None:
        self._http = http
        self._clients: dict[tuple[Credentials, str | None, str | None], TwilioClient] = {}
        self._lock = threading.Lock()

    @property
    def http(self) -> PooledHttpClient:
        """The HTTP client under every Twilio client."""
        return self._http

    def get(
        self, credentials: Credentials, *, region: str | None = None, edge: str | None = None
    ) -> TwilioClient:
        """The client for ``credentials`` in ``region``/``edge`` (``None``: Twilio's default)."""
        key = (credentials, region, edge)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = Client(
                    username=credentials.username,
                    password=credentials.password,
                    account_sid=credentials.account_sid,
                    region=region,
                    edge=edge,
                    http_client=self._http,
                    environment=dict(_NO_ENVIRONMENT),
                )
                self._clients[key] = client
            return client
