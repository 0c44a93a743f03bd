"""``httpx.MockTransport`` handlers that record the adapter's requests.

* :class:`ScriptedAnswers` answers from a queue the test fills;
* :class:`StateAnswers` answers as the Twilio stand-in would (:mod:`sms_twilio.testing.routes`),
  without a server, for tests that follow a conversation of many requests.

Example::

    script = ScriptedAnswers()
    script.answer(httpx.Response(201, json={...}))
    http = PooledHttpClient(transport=httpx.MockTransport(script))
"""

from __future__ import annotations

import httpx

from sms_twilio.http import TWILIO_HOSTS
from sms_twilio.testing.routes import answer
from sms_twilio.testing.standin import AUTH_TOKEN
from sms_twilio.testing.state import GatewayError, TwilioState

__all__ = ["ScriptedAnswers", "StateAnswers"]

_PRODUCTS = {httpx.URL(url).host: name for name, url in TWILIO_HOSTS.items()}


class ScriptedAnswers:
    """Records every request and answers from a queue; the last answer repeats.

    An exception in the queue is raised instead of answering (``httpx.ConnectError``…).
    """

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self._answers: list[httpx.Response | Exception] = []

    def answer(self, *answers: httpx.Response | Exception) -> None:
        """Queue answers, given in order."""
        self._answers.extend(answers)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        """Record ``request`` and give the next answer."""
        self.requests.append(request)
        if not self._answers:
            raise AssertionError(f"no answer scripted for {request.method} {request.url}")
        answer = self._answers.pop(0) if len(self._answers) > 1 else self._answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def last(self) -> httpx.Request:
        """The last request made."""
        return self.requests[-1]


class StateAnswers:
    """Records every request to Twilio's hosts and answers it from a :class:`TwilioState`.

    Args:
        state: The stand-in's memory; a fresh one by default.
        auth_token: The auth token requests must carry.
    """

    def __init__(self, state: TwilioState | None = None, auth_token: str = AUTH_TOKEN) -> None:
        self.state = state or TwilioState()
        self.auth_token = auth_token
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        """Record ``request`` and answer it as Twilio would."""
        self.requests.append(request)
        product = _PRODUCTS.get(request.url.host)
        if product is None:
            raise AssertionError(f"{request.url.host} is not a Twilio host the adapter uses")
        target = request.url.raw_path.decode("ascii")
        try:
            status, body = answer(
                self.state,
                product=product,
                method=request.method,
                target=target,
                headers=dict(request.headers),
                body=request.content,
                auth_token=self.auth_token,
            )
        except GatewayError as failure:
            if failure.status is None:
                # What httpx raises when the server closes the connection unanswered.
                raise httpx.RemoteProtocolError(
                    "Server disconnected without sending a response.", request=request
                ) from failure
            headers = {"Content-Type": "text/html"}
            return httpx.Response(failure.status, content=failure.body(), headers=headers)
        content_type = {"Content-Type": "application/json"} if body else {}
        return httpx.Response(status, content=body, headers=content_type)

    def calls(self) -> list[str]:
        """The requests made, as ``"METHOD /path"``, in order."""
        return [f"{request.method} {request.url.path}" for request in self.requests]
