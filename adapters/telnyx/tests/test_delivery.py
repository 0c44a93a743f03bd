"""Sending and looking up texts: the exact requests the ``telnyx`` package makes.

Request fields are those of "Send a message" (``POST /v2/messages``) and "Retrieve a message"
(``GET /v2/messages/{id}``), https://developers.telnyx.com/api-reference/messages/send-a-message;
error codes and meanings from https://developers.telnyx.com/docs/messaging/messages/error-codes/index
and https://developers.telnyx.com/api/errors/40300.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from telnyx_helpers import BASE_URL, PROFILE, Handler, Recorder, account, message_record

from sms_core import (
    AmbiguousMessageError,
    DeliveryStatus,
    FailureReason,
    InvalidRecipientError,
    OutboundMessage,
    PhoneNumber,
    ProviderAuthenticationError,
    ProviderError,
    ProviderNotFoundError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RateLimitedError,
    RecipientOptedOutError,
    UnregisteredSenderError,
)
from sms_telnyx import TelnyxAdapter
from sms_telnyx.statuses import STATUSES

MakeAdapter = Callable[[Handler], tuple[TelnyxAdapter, Recorder]]
_TELNYX_ID = "40385f64-5717-4562-b3fc-2c963f66afa6"


def _message(callback: str | None = "https://sms.example/webhooks/acme/status") -> OutboundMessage:
    return OutboundMessage(
        message_id="msg_1",
        sender=PhoneNumber.parse("+14152345678"),
        recipient=PhoneNumber.parse("+12065550142"),
        body="Your shift starts at 9",
        status_callback_url=callback,
    )


def _error(status: int, code: str, title: str = "Refused") -> Handler:
    def answer(_: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"errors": [{"code": code, "title": title}]})

    return answer


class TestSend:
    """``POST /v2/messages``, once, with the SDK's id where the reports will carry it."""

    def test_the_request(self, make_adapter: MakeAdapter) -> None:
        adapter, recorder = make_adapter(
            lambda _: httpx.Response(200, json={"data": message_record()})
        )
        receipt = adapter.sms_send_message(account(messaging_profile_id=PROFILE), _message())
        [request] = recorder.requests
        assert ("POST", f"{BASE_URL}/messages") == (request.method, str(request.url))
        assert {
            "to": "+12065550142",
            "from": "+14152345678",
            "text": "Your shift starts at 9",
            "messaging_profile_id": PROFILE,
            "webhook_url": "https://sms.example/webhooks/acme/status?sms_message_id=msg_1",
            "webhook_failover_url": (
                "https://sms.example/webhooks/acme/status?sms_message_id=msg_1"
            ),
            "use_profile_webhooks": False,
        } == recorder.json()
        assert "msg_1" == request.headers["idempotency-key"]
        assert receipt is not None
        assert (_TELNYX_ID, DeliveryStatus.QUEUED, "queued", 1) == (
            receipt.provider_message_id,
            receipt.status,
            receipt.raw_status,
            receipt.segments,
        )

    def test_without_profile_or_callback_the_fields_are_left_out(
        self, make_adapter: MakeAdapter
    ) -> None:
        adapter, recorder = make_adapter(
            lambda _: httpx.Response(200, json={"data": message_record()})
        )
        adapter.sms_send_message(account(), _message(callback=None))
        assert {"to", "from", "text"} == set(recorder.json())

    def test_an_existing_query_keeps_its_parameters(self, make_adapter: MakeAdapter) -> None:
        adapter, recorder = make_adapter(
            lambda _: httpx.Response(200, json={"data": message_record()})
        )
        adapter.sms_send_message(account(), _message("https://h.example/s?a=1&sms_message_id=x"))
        assert "https://h.example/s?a=1&sms_message_id=msg_1" == recorder.json()["webhook_url"]

    @pytest.mark.parametrize(
        ("status", "code", "error", "reason"),
        [
            (409, "40300", RecipientOptedOutError, FailureReason.OPTED_OUT),
            (400, "10002", InvalidRecipientError, FailureReason.INVALID_RECIPIENT),
            (400, "40001", InvalidRecipientError, FailureReason.LANDLINE_OR_UNSUPPORTED),
            (400, "40013", UnregisteredSenderError, FailureReason.UNREGISTERED_SENDER),
            (401, "10009", ProviderAuthenticationError, FailureReason.ACCOUNT_PROBLEM),
            (429, "10011", RateLimitedError, FailureReason.RATE_LIMITED),
            (400, "40302", ProviderError, FailureReason.OTHER),
        ],
    )
    def test_refusals_are_typed_with_their_reason(
        self,
        make_adapter: MakeAdapter,
        status: int,
        code: str,
        error: type[ProviderError],
        reason: FailureReason,
    ) -> None:
        adapter, recorder = make_adapter(_error(status, code))
        with pytest.raises(error) as caught:
            adapter.sms_send_message(account(), _message())
        assert (code, status, reason) == (
            caught.value.code,
            caught.value.status,
            caught.value.reason,
        )
        assert 1 == len(recorder.requests)

    def test_rate_limit_carries_retry_after(self, make_adapter: MakeAdapter) -> None:
        adapter, _ = make_adapter(
            lambda _: httpx.Response(
                429, headers={"Retry-After": "7"}, json={"errors": [{"code": "10011"}]}
            )
        )
        with pytest.raises(RateLimitedError) as caught:
            adapter.sms_send_message(account(), _message())
        assert 7.0 == caught.value.retry_after

    @pytest.mark.parametrize(
        "fail",
        [
            lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("lost", request=r)),
            lambda r: (_ for _ in ()).throw(httpx.RemoteProtocolError("dropped", request=r)),
            lambda _: httpx.Response(503, json={"errors": [{"code": "10007"}]}),
        ],
        ids=["read-timeout", "dropped-connection", "server-error"],
    )
    def test_a_lost_answer_is_a_timeout_and_never_sent_again(
        self, make_adapter: MakeAdapter, fail: Handler
    ) -> None:
        """A send whose answer is lost is asked once.

        The package retries timeouts and 5xx twice by default; the adapter's client must not
        (``max_retries=0``): the message may exist at Telnyx.
        """
        adapter, recorder = make_adapter(fail)
        with pytest.raises(ProviderTimeoutError):
            adapter.sms_send_message(account(), _message())
        assert 1 == len(recorder.requests)

    @pytest.mark.parametrize(
        "answer",
        [
            httpx.Response(
                200, content=b"<html>proxy</html>", headers={"content-type": "application/json"}
            ),
            httpx.Response(200, json={"data": "nope"}),
            httpx.Response(200, json={"data": {"to": [{"status": "queued"}]}}),
        ],
        ids=["not-json", "no-record", "no-id"],
    )
    def test_an_unreadable_answer_is_a_lost_answer(
        self, make_adapter: MakeAdapter, answer: httpx.Response
    ) -> None:
        """A 2xx whose body cannot be read may stand for a created message."""
        adapter, recorder = make_adapter(lambda _: answer)
        with pytest.raises(ProviderTimeoutError):
            adapter.sms_send_message(account(), _message())
        assert 1 == len(recorder.requests)

    def test_an_unreadable_answer_to_a_read_is_unavailable(self, make_adapter: MakeAdapter) -> None:
        adapter, _ = make_adapter(
            lambda _: httpx.Response(
                200, content=b"<html/>", headers={"content-type": "application/json"}
            )
        )
        with pytest.raises(ProviderUnavailableError) as caught:
            adapter.sms_fetch_message(account(), _message(), _TELNYX_ID)
        assert not isinstance(caught.value, ProviderTimeoutError)

    def test_a_refused_connection_is_unavailable_not_lost(self, make_adapter: MakeAdapter) -> None:
        """Nothing reached Telnyx: no reconciliation is needed."""

        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("refused", request=request)

        adapter, recorder = make_adapter(refuse)
        with pytest.raises(ProviderUnavailableError) as caught:
            adapter.sms_send_message(account(), _message())
        assert not isinstance(caught.value, ProviderTimeoutError)
        assert 1 == len(recorder.requests)


class TestFetch:
    """``GET /v2/messages/{id}`` and the statuses Telnyx reports."""

    def test_the_request_and_a_failure(self, make_adapter: MakeAdapter) -> None:
        record = message_record(
            status="delivery_failed",
            errors=[{"code": "40002", "title": "Blocked as spam (temporary)"}],
            completed_at="2026-12-06T20:00:05.000+00:00",
        )
        adapter, recorder = make_adapter(lambda _: httpx.Response(200, json={"data": record}))
        update = adapter.sms_fetch_message(account(), _message(), _TELNYX_ID)
        [request] = recorder.requests
        assert ("GET", f"{BASE_URL}/messages/{_TELNYX_ID}") == (request.method, str(request.url))
        assert update is not None
        assert (
            DeliveryStatus.UNDELIVERED,
            "delivery_failed",
            "40002",
            FailureReason.FILTERED,
            "msg_1",
        ) == (
            update.status,
            update.raw_status,
            update.error_code,
            update.failure_reason,
            update.message_id,
        )
        assert update.occurred_at is not None

    def test_reads_are_retried_on_a_server_error(self, make_adapter: MakeAdapter) -> None:
        answers = iter([httpx.Response(503), httpx.Response(200, json={"data": message_record()})])
        adapter, recorder = make_adapter(lambda _: next(answers))
        update = adapter.sms_fetch_message(account(), _message(), _TELNYX_ID)
        assert update is not None
        assert DeliveryStatus.QUEUED == update.status
        assert 2 == len(recorder.requests)

    def test_an_unknown_id_is_not_found(self, make_adapter: MakeAdapter) -> None:
        adapter, _ = make_adapter(_error(404, "10005", "Resource not found"))
        with pytest.raises(ProviderNotFoundError):
            adapter.sms_fetch_message(account(), _message(), _TELNYX_ID)

    def test_every_documented_status_is_mapped(self) -> None:
        """The ``to[].status`` enum of ``telnyx/types/outbound_message_payload.py``."""
        documented = {
            "queued",
            "sending",
            "sent",
            "delivered",
            "sending_failed",
            "delivery_failed",
            "delivery_unconfirmed",
        }
        assert documented <= set(STATUSES)
        assert {DeliveryStatus.FAILED, DeliveryStatus.UNDELIVERED} == {
            STATUSES["sending_failed"],
            STATUSES["delivery_failed"],
        }


def _detail_record(uuid: str, message_id: str = "msg_1") -> dict[str, object]:
    """A ``MessageDetailRecord`` (spec3.yml) of a text sent with the SDK's status URL."""
    return {
        "record_type": "message_detail_record",
        "uuid": uuid,
        "direction": "outbound",
        "cli": "+14152345678",
        "cld": "+12065550142",
        "delivery_status_webhook_url": (
            f"https://sms.example/webhooks/acme/status?sms_message_id={message_id}"
        ),
    }


def _records(*records: dict[str, object]) -> httpx.Response:
    meta = {"total_pages": 1, "page_number": 1, "page_size": 20, "total_results": len(records)}
    return httpx.Response(200, json={"data": list(records), "meta": meta})


class TestFetchWithoutTelnyxId:
    """A lost send is found in Telnyx's message detail records by the SDK's id.

    "Telnyx creates an MDR when a message is submitted"
    (https://developers.telnyx.com/docs/messaging/messages/message-detail-records); the search is
    ``GET /v2/detail_records`` with ``filter[record_type]=messaging`` and a filter on any field
    of the record (spec3.yml, ``SearchDetailRecords`` and ``MessageDetailRecord``).
    """

    def test_the_search_then_the_message(self, make_adapter: MakeAdapter) -> None:
        answers = iter(
            [
                _records(_detail_record(_TELNYX_ID)),
                httpx.Response(200, json={"data": message_record()}),
            ]
        )
        adapter, recorder = make_adapter(lambda _: next(answers))
        update = adapter.sms_fetch_message(account(), _message(), None)
        search, lookup = recorder.requests
        assert ("GET", "/v2/detail_records") == (search.method, search.url.path)
        assert {
            "filter[record_type]": "messaging",
            "filter[direction]": "outbound",
            "filter[cli]": "+14152345678",
            "filter[cld]": "+12065550142",
            "filter[delivery_status_webhook_url][contains]": "sms_message_id=msg_1",
            "page[size]": "20",
        } == dict(search.url.params)
        assert ("GET", f"/v2/messages/{_TELNYX_ID}") == (lookup.method, lookup.url.path)
        assert update is not None
        assert (_TELNYX_ID, DeliveryStatus.QUEUED, "msg_1") == (
            update.provider_message_id,
            update.status,
            update.message_id,
        )

    def test_a_longer_id_that_contains_the_sdks_is_not_it(self, make_adapter: MakeAdapter) -> None:
        """``contains`` also matches ``msg_10``; only the exact id counts."""
        adapter, recorder = make_adapter(lambda _: _records(_detail_record(_TELNYX_ID, "msg_10")))
        with pytest.raises(ProviderNotFoundError, match="no record"):
            adapter.sms_fetch_message(account(), _message(), None)
        assert 1 == len(recorder.requests)

    def test_no_record_is_not_found(self, make_adapter: MakeAdapter) -> None:
        adapter, _ = make_adapter(lambda _: _records())
        with pytest.raises(ProviderNotFoundError):
            adapter.sms_fetch_message(account(), _message(), None)

    def test_two_records_are_ambiguous(self, make_adapter: MakeAdapter) -> None:
        other = "50385f64-5717-4562-b3fc-2c963f66afa6"
        adapter, _ = make_adapter(
            lambda _: _records(_detail_record(_TELNYX_ID), _detail_record(other))
        )
        with pytest.raises(AmbiguousMessageError, match=other):
            adapter.sms_fetch_message(account(), _message(), None)

    def test_without_a_status_url_nothing_can_match(self, make_adapter: MakeAdapter) -> None:
        """A text sent without a status URL carries the SDK's id nowhere: never "not found"."""
        adapter, recorder = make_adapter(lambda _: _records(_detail_record(_TELNYX_ID)))
        with pytest.raises(AmbiguousMessageError, match="by hand"):
            adapter.sms_fetch_message(account(), _message(callback=None), None)
        assert [] == recorder.requests

    def test_a_record_past_the_message_api_keeps_the_text_known(
        self, make_adapter: MakeAdapter
    ) -> None:
        """Its record exists but ``GET /messages/{id}`` keeps 10 days: UNKNOWN, with its id."""
        gone = httpx.Response(404, json={"errors": [{"code": "10005", "title": "Not found"}]})
        answers = iter([_records(_detail_record(_TELNYX_ID)), gone])
        adapter, _ = make_adapter(lambda _: next(answers))
        update = adapter.sms_fetch_message(account(), _message(), None)
        assert update is not None
        assert (_TELNYX_ID, DeliveryStatus.UNKNOWN) == (update.provider_message_id, update.status)
