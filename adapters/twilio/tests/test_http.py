import base64
import logging
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from sms_core import (
    InvalidRecipientError,
    NumberUnavailableError,
    ProviderAuthenticationError,
    ProviderError,
    ProviderNotFoundError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
    RecipientOptedOutError,
    UnregisteredSenderError,
)
from sms_core.domain import FailureReason
from sms_twilio import PooledHttpClient, RetryPolicy
from sms_twilio.client import TwilioClients
from sms_twilio.http import DEFAULT_TIMEOUT, LanedTransport
from sms_twilio.settings import Credentials
from sms_twilio.testing import AUTH_TOKEN, TwilioStandIn
from sms_twilio.testing.memory import CreateFault
from sms_twilio.testing.transport import ScriptedAnswers

_MESSAGES = (
    "https://api.twilio.com/2010-04-01/Accounts/AC00000000000000000000000000000000/Messages.json"
)
_AUTH = ("AC00000000000000000000000000000000", "secret-token")


def _error(
    status: int, code: int | None, message: str = "refused", **headers: str
) -> httpx.Response:
    body = {"code": code, "message": message, "more_info": "", "status": status}
    return httpx.Response(status, json=body, headers=headers)


def _created() -> httpx.Response:
    return httpx.Response(201, json={"sid": "SM" + "a" * 32, "status": "queued"})


class TestPrefixMap:
    """Twilio's hosts are redirected by URL prefix, absolute paging links included."""

    @pytest.fixture
    def redirected(self) -> Iterator[PooledHttpClient]:
        base_urls = {
            "https://api.twilio.com": "http://127.0.0.1:4010/api",
            "https://messaging.twilio.com/": "http://127.0.0.1:4011",
        }
        with PooledHttpClient(base_urls=base_urls) as http:
            yield http

    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            (_MESSAGES, _MESSAGES.replace("https://api.twilio.com", "http://127.0.0.1:4010/api")),
            (
                "https://messaging.twilio.com/v1/Services?PageSize=1&Page=1&PageToken=PT1",
                "http://127.0.0.1:4011/v1/Services?PageSize=1&Page=1&PageToken=PT1",
            ),
            ("https://trusthub.twilio.com/v1/EndUsers", "https://trusthub.twilio.com/v1/EndUsers"),
            ("https://api.twilio.com.evil.example/x", "https://api.twilio.com.evil.example/x"),
        ],
    )
    def test_rewrite(self, redirected: PooledHttpClient, url: str, expected: str) -> None:
        """A mapped prefix is replaced; other hosts, and look-alike hosts, are left alone."""
        assert expected == redirected.rewrite(url)

    def test_absolute_next_page_link_follows_the_map(self) -> None:
        """A Messaging v1 list's absolute next-page link is fetched from the mapped host."""
        seen: list[str] = []
        service = {"sid": "MG" + "a" * 32, "friendly_name": "x"}

        def pages(request: httpx.Request) -> httpx.Response:
            seen.append(str(request.url))
            page = int(request.url.params.get("Page", "0"))
            next_url = (
                "https://messaging.twilio.com/v1/Services?PageSize=1&Page=1&PageToken=PT1"
                if page == 0
                else None
            )
            meta = {"page": page, "page_size": 1, "next_page_url": next_url, "key": "services"}
            return httpx.Response(200, json={"services": [service], "meta": meta})

        with (
            PooledHttpClient(
                transport=httpx.MockTransport(pages),
                base_urls={"https://messaging.twilio.com": "http://mock.local"},
            ) as http,
        ):
            credentials = Credentials(account_sid=_AUTH[0], username=_AUTH[0], password=_AUTH[1])
            twilio = TwilioClients(http).get(credentials)
            assert 2 == len(twilio.messaging.v1.services.list(page_size=1))
        assert [
            "http://mock.local/v1/Services?PageSize=1",
            "http://mock.local/v1/Services?PageSize=1&Page=1&PageToken=PT1",
        ] == seen


class TestRetries:
    """Only what cannot send anything twice is tried again, a bounded number of times."""

    def test_connection_refused_is_retried(
        self, http: PooledHttpClient, recorder: ScriptedAnswers, sleeps: list[float]
    ) -> None:
        """A connection that could not be opened is retried: nothing was sent."""
        recorder.answer(httpx.ConnectError("refused"), _created())
        assert 201 == http.request("POST", _MESSAGES, data={"To": "+1"}, auth=_AUTH).status_code
        assert 1 == len(sleeps)

    def test_connection_refused_until_the_end_is_unavailable(
        self, http: PooledHttpClient, recorder: ScriptedAnswers, sleeps: list[float]
    ) -> None:
        """Three failed connections raise ProviderUnavailableError after two waits."""
        recorder.answer(httpx.ConnectError("refused"))
        with pytest.raises(ProviderUnavailableError):
            http.request("POST", _MESSAGES, data={"To": "+1"}, auth=_AUTH)
        assert 2 == len(sleeps)

    @pytest.mark.parametrize(
        "lost",
        [
            httpx.ReadTimeout("slow"),
            httpx.RemoteProtocolError("Server disconnected without sending a response."),
            httpx.ReadError("connection reset"),
            httpx.WriteError("broken pipe"),
            httpx.WriteTimeout("slow upload"),
        ],
        ids=repr,
    )
    def test_post_whose_answer_was_lost_is_not_repeated(
        self, http: PooledHttpClient, recorder: ScriptedAnswers, lost: Exception
    ) -> None:
        """A POST that may have reached Twilio raises ProviderTimeoutError and is sent once."""
        recorder.answer(lost, _created())
        with pytest.raises(ProviderTimeoutError) as caught:
            http.request("POST", _MESSAGES, data={"To": "+1"}, auth=_AUTH)
        assert 1 == len(recorder.requests)
        assert "not repeated" in str(caught.value)

    @pytest.mark.parametrize(
        "not_sent",
        [httpx.ConnectError("refused"), httpx.ConnectTimeout("no SYN-ACK")],
        ids=repr,
    )
    def test_post_that_never_left_is_retried(
        self,
        http: PooledHttpClient,
        recorder: ScriptedAnswers,
        sleeps: list[float],
        not_sent: Exception,
    ) -> None:
        """A connection that was never opened (refused, DNS, TLS, timeout) sent nothing."""
        recorder.answer(not_sent, _created())
        assert 201 == http.request("POST", _MESSAGES, data={"To": "+1"}, auth=_AUTH).status_code
        assert (2, 1) == (len(recorder.requests), len(sleeps))

    @pytest.mark.parametrize("status", [500, 502, 503, 504])
    @pytest.mark.parametrize("method", ["POST", "DELETE"])
    def test_server_error_to_a_change_is_a_lost_answer(
        self,
        http: PooledHttpClient,
        recorder: ScriptedAnswers,
        sleeps: list[float],
        status: int,
        method: str,
    ) -> None:
        """A 5xx (a gateway's 502/504 after Twilio created the message) is never "not sent".

        It raises ProviderTimeoutError (the SDK reconciles) rather than
        ProviderUnavailableError (the SDK frees the key), and is sent once.
        """
        gateway = httpx.Response(status, text="<html>Bad Gateway</html>")
        recorder.answer(gateway, _created())
        with pytest.raises(ProviderTimeoutError, match=f"HTTP {status}"):
            http.request(method, _MESSAGES, data={"To": "+1"}, auth=_AUTH)
        assert ([], 1) == (sleeps, len(recorder.requests))

    def test_twilio_server_error_body_is_kept(
        self, http: PooledHttpClient, recorder: ScriptedAnswers
    ) -> None:
        """Twilio's own words on a 5xx travel in the lost-answer error."""
        recorder.answer(_error(500, 20500, "Internal Server Error"))
        with pytest.raises(ProviderTimeoutError, match="Internal Server Error"):
            http.request("POST", _MESSAGES, data={"To": "+1"}, auth=_AUTH)

    def test_get_whose_answer_was_lost_is_retried(
        self, http: PooledHttpClient, recorder: ScriptedAnswers
    ) -> None:
        """A GET changes nothing, so a lost answer is asked for again."""
        recorder.answer(httpx.ReadTimeout("slow"), httpx.Response(200, json={}))
        assert 200 == http.request("GET", _MESSAGES, auth=_AUTH).status_code
        assert 2 == len(recorder.requests)

    def test_rate_limit_waits_as_long_as_asked(
        self, http: PooledHttpClient, recorder: ScriptedAnswers, sleeps: list[float]
    ) -> None:
        """A 429 is retried after its Retry-After seconds."""
        limited = _error(429, 20429, "Too Many Requests", **{"Retry-After": "2"})
        recorder.answer(limited, _created())
        assert 201 == http.request("POST", _MESSAGES, data={"To": "+1"}, auth=_AUTH).status_code
        assert [2.0] == sleeps

    def test_rate_limit_that_persists_raises_with_retry_after(
        self, http: PooledHttpClient, recorder: ScriptedAnswers, sleeps: list[float]
    ) -> None:
        """After the last try a 429 raises RateLimitedError with Twilio's code and delay."""
        recorder.answer(_error(429, 20429, "Too Many Requests", **{"Retry-After": "1"}))
        with pytest.raises(RateLimitedError) as caught:
            http.request("POST", _MESSAGES, data={"To": "+1"}, auth=_AUTH)
        assert ("20429", 429, 1.0) == (
            caught.value.code,
            caught.value.status,
            caught.value.retry_after,
        )
        assert [1.0, 1.0] == sleeps

    def test_rate_limit_asking_too_long_a_wait_raises_at_once(
        self, http: PooledHttpClient, recorder: ScriptedAnswers, sleeps: list[float]
    ) -> None:
        """A Retry-After beyond the policy's longest wait is left to the caller."""
        recorder.answer(_error(429, 20429, "Too Many Requests", **{"Retry-After": "600"}))
        with pytest.raises(RateLimitedError) as caught:
            http.request("POST", _MESSAGES, data={"To": "+1"}, auth=_AUTH)
        assert 600.0 == caught.value.retry_after
        assert [] == sleeps

    @pytest.mark.parametrize("status", [500, 502, 503, 504])
    def test_server_error_to_a_read_is_retried_with_backoff(
        self, http: PooledHttpClient, recorder: ScriptedAnswers, sleeps: list[float], status: int
    ) -> None:
        """A GET changes nothing, so a 5xx is retried after an exponential backoff."""
        recorder.answer(_error(status, None), _error(status, None), httpx.Response(200, json={}))
        assert 200 == http.request("GET", _MESSAGES, auth=_AUTH).status_code
        assert 2 == len(sleeps)
        assert 0.05 <= sleeps[0] <= 0.1
        assert 0.1 <= sleeps[1] <= 0.2

    def test_server_error_to_a_read_that_persists_is_unavailable(
        self, http: PooledHttpClient, recorder: ScriptedAnswers, sleeps: list[float]
    ) -> None:
        """A GET answered 5xx on every try raises ProviderUnavailableError: nothing changed."""
        recorder.answer(_error(502, None, "Bad Gateway"))
        with pytest.raises(ProviderUnavailableError) as caught:
            http.request("GET", _MESSAGES, auth=_AUTH)
        assert not isinstance(caught.value, ProviderTimeoutError)
        assert (3, 2) == (len(recorder.requests), len(sleeps))


class TestRetryPolicy:
    """The policy bounds tries and waits."""

    def test_no_delay_after_the_last_attempt(self) -> None:
        """The last attempt gets no delay: there is no next one."""
        assert None is RetryPolicy(attempts=2).delay(2, None)

    def test_retry_after_is_used_as_given(self) -> None:
        """Twilio's Retry-After wins over the backoff."""
        assert 3.0 == RetryPolicy(max_delay=5).delay(1, 3.0)


class TestErrorMapping:
    """Twilio's answers become the SDK's typed errors, keeping Twilio's code."""

    @pytest.mark.parametrize(
        ("status", "code", "expected", "expected_code", "expected_reason"),
        [
            (401, 20003, ProviderAuthenticationError, "20003", FailureReason.ACCOUNT_PROBLEM),
            (401, None, ProviderAuthenticationError, "20003", FailureReason.ACCOUNT_PROBLEM),
            (404, 20404, ProviderNotFoundError, "20404", None),
            (400, 21211, InvalidRecipientError, "21211", FailureReason.INVALID_RECIPIENT),
            (400, 21614, InvalidRecipientError, "21614", FailureReason.LANDLINE_OR_UNSUPPORTED),
            (400, 21610, RecipientOptedOutError, "21610", FailureReason.OPTED_OUT),
            (400, 30034, UnregisteredSenderError, "30034", FailureReason.UNREGISTERED_SENDER),
            (400, 21422, NumberUnavailableError, "21422", None),
            (400, 21452, NumberUnavailableError, "21452", None),
            (429, 20429, RateLimitedError, "20429", FailureReason.RATE_LIMITED),
            (400, 21408, InvalidRecipientError, "21408", FailureReason.ACCOUNT_PROBLEM),
            (400, 14107, RateLimitedError, "14107", FailureReason.RATE_LIMITED),
            (400, 30022, RateLimitedError, "30022", FailureReason.RATE_LIMITED),
            (400, 30024, UnregisteredSenderError, "30024", FailureReason.UNREGISTERED_SENDER),
            (400, 30032, UnregisteredSenderError, "30032", FailureReason.UNREGISTERED_SENDER),
            (500, None, ProviderTimeoutError, None, None),
            (503, 20503, ProviderTimeoutError, "20503", None),
            (400, 21617, ProviderError, "21617", None),
        ],
    )
    def test_answer_is_mapped(
        self,
        http: PooledHttpClient,
        recorder: ScriptedAnswers,
        status: int,
        code: int | None,
        expected: type[ProviderError],
        expected_code: str | None,
        expected_reason: FailureReason | None,
    ) -> None:
        """Each code (or, without one, each status) raises its error class with the code.

        The reason is the one each code's page in Twilio's error dictionary gives
        (https://www.twilio.com/docs/api/errors/<code>; see ``sms_twilio.errors.CODES``);
        a refusal about no text (a number search, a lost answer) has none.
        """
        recorder.answer(_error(status, code, "Twilio's words"))
        with pytest.raises(ProviderError) as caught:
            http.request("POST", _MESSAGES, data={"To": "+1"}, auth=_AUTH)
        assert expected is type(caught.value)
        assert (expected_code, status, "twilio", expected_reason) == (
            caught.value.code,
            caught.value.status,
            caught.value.provider,
            caught.value.reason,
        )
        assert "Twilio's words" in str(caught.value)

    def test_prism_problem_is_a_plain_provider_error(
        self, http: PooledHttpClient, recorder: ScriptedAnswers
    ) -> None:
        """An RFC 9457 problem without a Twilio code keeps its detail."""
        problem = {"type": "x", "title": "Invalid request", "status": 422, "detail": "To missing"}
        recorder.answer(httpx.Response(422, json=problem))
        with pytest.raises(ProviderError, match="To missing") as caught:
            http.request("POST", _MESSAGES, data={}, auth=_AUTH)
        assert (None, 422) == (caught.value.code, caught.value.status)


class TestRequests:
    """Requests go out as Twilio expects them, and secrets stay out of the logs."""

    def test_form_lists_repeat_keys_and_booleans_are_words(
        self, http: PooledHttpClient, recorder: ScriptedAnswers
    ) -> None:
        """A list becomes repeated keys; booleans are true/false; None is dropped."""
        recorder.answer(_created())
        data = {
            "MediaUrl": ["https://a.example/1", "https://a.example/2"],
            "SmartEncoded": True,
            "X": None,
        }
        http.request("POST", _MESSAGES, data=data, auth=_AUTH)
        sent = recorder.last.content.decode()
        assert (
            "MediaUrl=https%3A%2F%2Fa.example%2F1&MediaUrl=https%3A%2F%2Fa.example%2F2&SmartEncoded=true"
            == sent
        )

    def test_credentials_are_not_logged(
        self, http: PooledHttpClient, recorder: ScriptedAnswers, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Neither the auth token nor the Authorization header reaches the logs."""
        caplog.set_level(logging.DEBUG)
        recorder.answer(_error(429, 20429), _created())
        http.request("POST", _MESSAGES, data={"Body": "hi"}, auth=_AUTH)
        assert caplog.records
        assert "secret-token" not in caplog.text
        assert "Basic" not in caplog.text


class TestTransport:
    """Requests go to pooled transports directly: timeouts travel along, cookies do not."""

    def test_default_timeouts_travel_with_each_request(
        self, http: PooledHttpClient, recorder: ScriptedAnswers
    ) -> None:
        """Without a timeout from the twilio package, the client's own apply."""
        recorder.answer(_created())
        http.request("POST", _MESSAGES, data={"Body": "hi"}, auth=_AUTH)
        assert DEFAULT_TIMEOUT.as_dict() == recorder.last.extensions["timeout"]

    def test_timeout_from_the_twilio_package_wins(
        self, http: PooledHttpClient, recorder: ScriptedAnswers
    ) -> None:
        """A timeout passed by the package applies to connecting, reading and writing."""
        recorder.answer(_created())
        http.request("POST", _MESSAGES, data={"Body": "hi"}, auth=_AUTH, timeout=2.5)
        assert httpx.Timeout(2.5).as_dict() == recorder.last.extensions["timeout"]

    def test_basic_auth_and_form(self, http: PooledHttpClient, recorder: ScriptedAnswers) -> None:
        """The auth pair becomes a basic Authorization header; the form is URL-encoded."""
        recorder.answer(_created())
        http.request("POST", _MESSAGES, data={"Body": "hi there"}, auth=_AUTH)
        expected = "Basic " + base64.b64encode(":".join(_AUTH).encode()).decode()
        assert expected == recorder.last.headers["authorization"]
        assert "application/x-www-form-urlencoded" == recorder.last.headers["content-type"]
        assert b"Body=hi+there" == recorder.last.content

    def test_cookies_are_not_kept(self, http: PooledHttpClient, recorder: ScriptedAnswers) -> None:
        """A cookie one answer sets is never sent again, so accounts share no cookie jar."""
        with_cookie = _created()
        with_cookie.headers["Set-Cookie"] = "session=abc; Path=/"
        recorder.answer(with_cookie, _created())
        http.request("POST", _MESSAGES, data={"Body": "1"}, auth=_AUTH)
        http.request("POST", _MESSAGES, data={"Body": "2"}, auth=_AUTH)
        assert "cookie" not in recorder.last.headers

    def test_at_least_one_lane(self) -> None:
        """A pool split into no lanes is refused."""
        with pytest.raises(ValueError, match="lanes"):
            PooledHttpClient(lanes=0)

    def test_threads_share_the_lanes(self) -> None:
        """Many threads over fewer lanes all get their answers from a real loopback server."""
        sid = "AC" + "c" * 32
        url = f"https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"
        with (
            TwilioStandIn() as stand_in,
            PooledHttpClient(base_urls=stand_in.base_urls, lanes=2) as http,
            ThreadPoolExecutor(6) as pool,
        ):
            answers = list(
                pool.map(lambda _: http.request("GET", url, auth=(sid, AUTH_TOKEN)), range(24))
            )
        assert {200} == {answer.status_code for answer in answers}

    def test_timeout_applies_on_a_real_connection(self) -> None:
        """A create answered later than the read timeout is a lost answer, not a hang."""
        sid = "AC" + "d" * 32
        url = f"https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"
        with (
            TwilioStandIn(latency=1.0) as stand_in,
            PooledHttpClient(base_urls=stand_in.base_urls, timeout=httpx.Timeout(0.2)) as http,
            pytest.raises(ProviderTimeoutError),
        ):
            http.request("POST", url, data={"To": "+12125550100", "Body": "hi"}, auth=(sid, "x"))

    @pytest.mark.parametrize(
        ("fault", "created"),
        [
            (CreateFault(status=502), 1),
            (CreateFault(status=504), 1),
            (CreateFault(status=None), 1),
            (CreateFault(status=503, created=False), 0),
        ],
        ids=["502-after", "504-after", "dropped-after", "503-before"],
    )
    def test_gateway_error_on_a_real_connection_is_a_lost_answer(
        self, fault: CreateFault, created: int
    ) -> None:
        """Over a loopback socket, a gateway's answer or a dropped connection is never retried."""
        sid = "AC" + "e" * 32
        url = f"https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"
        with (
            TwilioStandIn() as stand_in,
            PooledHttpClient(base_urls=stand_in.base_urls, sleep=lambda _: None) as http,
        ):
            sender, _, _ = stand_in.state.provision_sender(sid)
            stand_in.state.spoil_creates(lambda _: fault)
            form = {"To": "+12125550100", "From": sender, "Body": "hi"}
            with pytest.raises(ProviderTimeoutError):
                http.request("POST", url, data=form, auth=(sid, AUTH_TOKEN))
            stand_in.state.spoil_creates(None)
            assert created == len(stand_in.state.messages(sid, {}))

    @pytest.mark.parametrize("failure", ["tls-handshake", "refused"])
    def test_failure_before_the_request_left_is_not_sent(
        self, failure: str, sleeps: list[float]
    ) -> None:
        """A TLS handshake that fails, or a refused connection, is "not sent" and retried.

        Real sockets: an https URL to the plain-HTTP stand-in fails in the handshake (httpcore
        raises ConnectError before a byte of the request is written); a closed port refuses.
        Nothing reaches Twilio, so the error is ProviderUnavailableError, not a lost answer.
        """
        sid = "AC" + "f" * 32
        url = f"https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"
        with TwilioStandIn() as stand_in:
            sender, _, _ = stand_in.state.provision_sender(sid)
            if failure == "tls-handshake":
                target = stand_in.url.replace("http://", "https://") + "/api"
            else:
                with socket.socket() as unused:
                    unused.bind(("127.0.0.1", 0))
                    target = f"http://127.0.0.1:{unused.getsockname()[1]}"
            with PooledHttpClient(
                base_urls={"https://api.twilio.com": target}, sleep=sleeps.append
            ) as http:
                form = {"To": "+12125550100", "From": sender, "Body": "hi"}
                with pytest.raises(ProviderUnavailableError) as caught:
                    http.request("POST", url, data=form, auth=(sid, AUTH_TOKEN))
            assert not isinstance(caught.value, ProviderTimeoutError)
            assert (2, []) == (len(sleeps), stand_in.state.messages(sid, {}))


class TestLanes:
    """The lanes share out exactly the connections asked for."""

    @pytest.mark.parametrize(
        ("max_connections", "lanes", "sizes"),
        [(100, 8, (13, 13, 13, 13, 12, 12, 12, 12)), (10, 3, (4, 3, 3)), (4, 8, (1, 1, 1, 1))],
    )
    def test_sizes_add_up(self, max_connections: int, lanes: int, sizes: tuple[int, ...]) -> None:
        """Never more lanes than connections; the first lanes take the remainder."""
        transport = LanedTransport(max_connections=max_connections, lanes=lanes)
        try:
            assert sizes == transport.sizes
            assert max_connections == sum(transport.sizes)
        finally:
            transport.close()
