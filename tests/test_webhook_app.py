"""The webhook app over real HTTP: uvicorn on a loopback port, the sandbox carrier posting to it."""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

import httpx
import pytest
import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.routing import Mount

from sms_core import (
    CarrierRegistration,
    DeliveryStatus,
    ManualClock,
    NumberQuery,
    PhoneNumber,
    WebhookKind,
    WebhookRequest,
)
from sms_core.exceptions import CandidateOptedOutError
from sms_core.services import AccountAdmin, SmsAdmin
from sms_core.testing import sample_brand, sample_campaign
from sms_core.webhooks import MAX_BODY_BYTES, LoopbackServer, create_app
from sms_fake import SIGNATURE_HEADER, FakeAdapter, SandboxCarrier
from sms_fake.testing import SandboxDriver

#: A Tuesday afternoon in every US time zone, so quiet hours never get in the way.
START = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
#: The public base URL carriers call when the app sits behind a proxy.
PUBLIC = "https://sms.example.test/webhooks"
CANDIDATE = PhoneNumber.parse("+12065550142")
#: The sandbox's review times: a brand takes an hour, a campaign four, a service a day.
REVIEWS = (timedelta(hours=1), timedelta(hours=4), timedelta(days=1))

Serve = Callable[[Starlette], LoopbackServer]


class Post(Protocol):
    """Posts a carrier's signed request, to the URL it names or to ``url``."""

    def __call__(self, request: WebhookRequest, *, url: str | None = None) -> httpx.Response: ...


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def carrier(tmp_path: Path, clock: ManualClock) -> Iterator[SandboxCarrier]:
    with SandboxCarrier(tmp_path / "carrier.sqlite3", clock=clock) as opened:
        yield opened


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Starts an app on its own loopback port; every server stops when the test ends."""
    with ExitStack() as stack:

        def start(app: Starlette) -> LoopbackServer:
            server = stack.enter_context(LoopbackServer())
            stack.enter_context(server.serving(app))
            return server

        yield start


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    """The loopback port of the main app, bound before the SDK names it in webhook URLs."""
    with LoopbackServer() as bound:
        yield bound


def open_sdk(
    tmp_path: Path, clock: ManualClock, carrier: SandboxCarrier, base_url: str | None
) -> SmsAdmin:
    return SmsAdmin.open(
        f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}",
        plugins=[FakeAdapter(carrier=carrier)],
        clock=clock,
        webhook_base_url=base_url,
        rng=random.Random(7),
    )


@pytest.fixture
def admin(
    tmp_path: Path, clock: ManualClock, carrier: SandboxCarrier, server: LoopbackServer
) -> Iterator[SmsAdmin]:
    """The SDK, with webhook URLs pointing at the main app's port."""
    with open_sdk(tmp_path, clock, carrier, server.url("/webhooks")) as opened:
        yield opened


def set_up(sdk: SmsAdmin, carrier: SandboxCarrier) -> AccountAdmin:
    """Account ``acme`` with an approved campaign, an admin, and Ann on a registered line."""
    account = sdk.create_account("acme", name="Acme Staffing", provider="fake")
    account.users.upsert("admin", first_name="Dana", last_name="Reyes", permissions=["sms.admin"])
    account.users.upsert("ann", first_name="Ann", last_name="Lee")
    carrier.set_number_registration_duration(timedelta(0))
    account.registration.register("admin", sample_brand(), sample_campaign())
    for review in REVIEWS:
        carrier.advance(review)
        account.registration.sync()
    [offer] = account.numbers.search("admin", NumberQuery(area_code="415", limit=1))
    account.numbers.purchase("admin", offer.number, ["ann"], accept_terms=True)
    # The carrier registers the number with the mobile carriers; its events are applied here,
    # so the outbox holds only what a test makes happen.
    [summary] = account.numbers.list()
    for event in carrier.collect_webhooks(subject_sid=summary.line.provider_ref):
        account.webhooks.handle(WebhookKind.EVENTS, event)
    return account


@pytest.fixture
def acme(admin: SmsAdmin, carrier: SandboxCarrier) -> AccountAdmin:
    """The account, its webhook URLs on the main app's port."""
    return set_up(admin, carrier)


@pytest.fixture
def line(acme: AccountAdmin) -> PhoneNumber:
    """Ann's number."""
    [summary] = acme.numbers.list()
    assert summary.line.registered
    return summary.line.number


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as opened:
        yield opened


@pytest.fixture
def app(admin: SmsAdmin, server: LoopbackServer, acme: AccountAdmin) -> Iterator[None]:
    """The main app, serving ``admin`` on the port its webhook URLs name."""
    with server.serving(create_app(admin)):
        yield


@pytest.fixture
def post(client: httpx.Client) -> Post:
    """Posts a carrier's signed request as it is."""

    def send(request: WebhookRequest, *, url: str | None = None) -> httpx.Response:
        return client.post(url or request.url, content=request.body, headers=dict(request.headers))

    return send


def text_candidate(acme: AccountAdmin, body: str = "Hi Sam, free for a call?") -> str:
    """Ann texts the candidate; returns the message id."""
    return acme.messages.send("ann", candidate_id="cand-7", to=CANDIDATE, body=body).message.id


def state(acme: AccountAdmin, line: PhoneNumber) -> tuple[object, ...]:
    """Everything a webhook could change: the thread and the opt-outs."""
    return (
        tuple(acme.messages.thread("ann", line, CANDIDATE)),
        tuple(acme.optouts.list("admin", include_lifted=True)),
    )


def status_reports(carrier: SandboxCarrier) -> list[WebhookRequest]:
    """The carrier's delivery reports for the texts sent so far, taken from its outbox."""
    carrier.advance(timedelta(minutes=5))
    return carrier.collect_webhooks()


@pytest.mark.usefixtures("app")
class TestStatusCallbacks:
    """Delivery reports move a message forward, never back."""

    def test_delivered_through_http(
        self, acme: AccountAdmin, carrier: SandboxCarrier, client: httpx.Client
    ) -> None:
        """The carrier's signed reports, posted by the carrier itself, mark the text delivered."""
        message_id = text_candidate(acme)
        assert DeliveryStatus.QUEUED == acme.messages.get("ann", message_id).status

        carrier.advance(timedelta(minutes=5))
        responses = carrier.deliver_webhooks(client)

        assert [204, 204] == [response.status_code for response in responses]
        assert DeliveryStatus.DELIVERED == acme.messages.get("ann", message_id).status

    def test_out_of_order(self, acme: AccountAdmin, carrier: SandboxCarrier, post: Post) -> None:
        """``delivered`` arriving before ``sent`` stays delivered."""
        message_id = text_candidate(acme)
        sent, delivered = status_reports(carrier)

        assert 204 == post(delivered).status_code
        assert 204 == post(sent).status_code

        assert DeliveryStatus.DELIVERED == acme.messages.get("ann", message_id).status

    def test_duplicates(
        self, acme: AccountAdmin, carrier: SandboxCarrier, post: Post, line: PhoneNumber
    ) -> None:
        """A report delivered again is acknowledged and changes nothing."""
        text_candidate(acme)
        reports = status_reports(carrier)
        for report in reports:
            post(report)
        before = state(acme, line)

        answers = [post(report).status_code for report in reports]

        assert [204, 204] == answers
        assert before == state(acme, line)

    def test_undelivered_keeps_the_error(
        self, acme: AccountAdmin, carrier: SandboxCarrier, client: httpx.Client
    ) -> None:
        """A failed delivery shows its status and the carrier's error code."""
        carrier.mark_recipient(CANDIDATE, "30003")
        message_id = text_candidate(acme)

        carrier.advance(timedelta(minutes=5))
        carrier.deliver_webhooks(client)

        message = acme.messages.get("ann", message_id)
        assert DeliveryStatus.UNDELIVERED == message.status
        assert "30003" == message.error_code


@pytest.mark.usefixtures("app")
class TestCarrierEvents:
    """A number's registration with the mobile carriers, reported to the events URL."""

    def test_registered_through_http(
        self, acme: AccountAdmin, carrier: SandboxCarrier, client: httpx.Client
    ) -> None:
        """The carrier posts pending, then registered, to ``/events``: the line shows it."""
        [offer] = acme.numbers.search("admin", NumberQuery(area_code="212", limit=1))
        acme.numbers.purchase("admin", offer.number, ["admin"], accept_terms=True)

        responses = carrier.deliver_webhooks(client)

        assert [(204, "/webhooks/acme/events")] * 2 == [
            (response.status_code, response.request.url.path) for response in responses
        ]
        [summary] = [s for s in acme.numbers.list() if s.line.number == offer.number]
        assert CarrierRegistration.REGISTERED == summary.line.carrier_registration


@pytest.mark.usefixtures("app")
class TestInbound:
    """Texts and calls the candidate makes to a line."""

    def test_reply_is_stored(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        client: httpx.Client,
        line: PhoneNumber,
    ) -> None:
        """A reply lands in the thread, on the candidate the line texted."""
        text_candidate(acme)
        carrier.inject_inbound_text("acme", CANDIDATE, line, "Yes, Friday works")

        [response] = [r for r in carrier.deliver_webhooks(client) if "/messages" in str(r.url)]

        assert 204 == response.status_code
        reply = acme.messages.thread("ann", line, CANDIDATE)[-1]
        assert "Yes, Friday works" == reply.body
        assert DeliveryStatus.RECEIVED == reply.status
        assert "cand-7" == reply.candidate_id

    def test_stop_opts_out(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        client: httpx.Client,
        line: PhoneNumber,
    ) -> None:
        """STOP blocks the number; the next send is refused before the carrier is called."""
        carrier.inject_inbound_text("acme", CANDIDATE, line, "stop")
        carrier.deliver_webhooks(client)
        sent_before = len(carrier.messages("acme"))

        with pytest.raises(CandidateOptedOutError):
            text_candidate(acme)

        [optout] = acme.optouts.list("admin")
        assert CANDIDATE == optout.number
        assert "stop" == optout.keyword
        assert sent_before == len(carrier.messages("acme"))

    def test_call_is_forwarded(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        client: httpx.Client,
        line: PhoneNumber,
    ) -> None:
        """A call to a line with a forwarding number is answered with the adapter's forward."""
        acme.numbers.set_forwarding("ann", line, "(415) 555-0199")
        carrier.inject_inbound_call("acme", CANDIDATE, line)

        [response] = carrier.deliver_webhooks(client)

        assert 200 == response.status_code
        assert {"action": "forward", "to": "+14155550199"} == response.json()
        assert PhoneNumber.parse("+14155550199") == carrier.calls("acme")[-1].forwarded_to

    def test_call_without_forwarding(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        client: httpx.Client,
        line: PhoneNumber,
    ) -> None:
        """Without a forwarding number the call is declined politely."""
        carrier.inject_inbound_call("acme", CANDIDATE, line)

        [response] = carrier.deliver_webhooks(client)

        assert 200 == response.status_code
        assert "decline" == response.json()["action"]


@pytest.mark.usefixtures("app")
class TestRefusals:
    """Bad requests get a 4xx with a short reason, and change nothing."""

    @pytest.fixture
    def report(self, acme: AccountAdmin, carrier: SandboxCarrier) -> WebhookRequest:
        """The carrier's signed ``sent`` report for a text to the candidate."""
        text_candidate(acme)
        return status_reports(carrier)[0]

    def test_tampered_body(
        self, acme: AccountAdmin, report: WebhookRequest, post: Post, line: PhoneNumber
    ) -> None:
        """A body changed after signing is forbidden."""
        before = state(acme, line)
        body = json.loads(report.body) | {"status": "delivered"}
        tampered = WebhookRequest(
            method="POST",
            url=report.url,
            headers=report.headers,
            body=json.dumps(body).encode(),
        )

        response = post(tampered)

        assert 403 == response.status_code
        assert "signature" in response.text
        assert before == state(acme, line)

    def test_wrong_secret(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        report: WebhookRequest,
        post: Post,
        line: PhoneNumber,
    ) -> None:
        """A request signed with another key is forbidden."""
        before = state(acme, line)
        forged = SandboxDriver(carrier).sign_with_other_secret(acme.account, report)

        assert 403 == post(forged).status_code
        assert before == state(acme, line)

    def test_unsigned(
        self, acme: AccountAdmin, report: WebhookRequest, post: Post, line: PhoneNumber
    ) -> None:
        """A request without a signature is forbidden."""
        before = state(acme, line)
        headers = {k: v for k, v in report.headers.items() if k != SIGNATURE_HEADER}
        unsigned = WebhookRequest(method="POST", url=report.url, headers=headers, body=report.body)

        assert 403 == post(unsigned).status_code
        assert before == state(acme, line)

    def test_inbound_text_forged(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        post: Post,
        line: PhoneNumber,
    ) -> None:
        """A forged STOP records no opt-out and stores no text."""
        carrier.inject_inbound_text("acme", CANDIDATE, line, "STOP")
        [stop] = carrier.collect_webhooks()
        before = state(acme, line)

        forged = SandboxDriver(carrier).sign_with_other_secret(acme.account, stop)

        assert 403 == post(forged).status_code
        assert before == state(acme, line)
        assert not acme.optouts.is_opted_out(CANDIDATE)

    def test_unknown_account(
        self, carrier: SandboxCarrier, server: LoopbackServer, post: Post
    ) -> None:
        """A webhook for an account the SDK does not have is not found."""
        url = server.url("/webhooks/nobody/status")

        response = post(carrier.signed_request(url, b'{"event": "message.status"}'))

        assert 404 == response.status_code
        assert "unknown account" in response.text

    def test_malformed(
        self, acme: AccountAdmin, carrier: SandboxCarrier, report: WebhookRequest, post: Post
    ) -> None:
        """A signed body that is not a webhook is a bad request."""
        before = state(acme, acme.numbers.list()[0].line.number)

        response = post(carrier.signed_request(report.url, b"not json"))

        assert 400 == response.status_code
        assert before == state(acme, acme.numbers.list()[0].line.number)

    def test_wrong_kind(
        self, acme: AccountAdmin, carrier: SandboxCarrier, report: WebhookRequest, post: Post
    ) -> None:
        """A delivery report posted, signed, to the inbound-texts URL is a bad request."""
        url = report.url.replace("/status", "/messages")

        assert 400 == post(carrier.signed_request(url, report.body)).status_code

    def test_text_to_unknown_line(
        self, carrier: SandboxCarrier, server: LoopbackServer, post: Post
    ) -> None:
        """A signed text to a number the account has no line for is not found."""
        body = json.dumps(
            {
                "event": "message.inbound",
                "account_id": "acme",
                "message_sid": "SM0001",
                "from": CANDIDATE.e164,
                "to": "+14155550100",
                "body": "hello",
                "segments": 1,
                "keyword": None,
                "received_at": START.isoformat(),
            }
        ).encode()
        url = server.url("/webhooks/acme/messages")

        assert 404 == post(carrier.signed_request(url, body)).status_code

    def test_oversize(self, client: httpx.Client, server: LoopbackServer) -> None:
        """A body over the limit is refused before it is read, with or without its length."""
        url = server.url("/webhooks/acme/status")
        big = b"x" * (MAX_BODY_BYTES + 1)

        def chunks() -> Iterator[bytes]:
            yield big[:MAX_BODY_BYTES]
            yield big[MAX_BODY_BYTES:]

        assert 413 == client.post(url, content=big).status_code
        assert 413 == client.post(url, content=chunks()).status_code

    def test_only_post(self, client: httpx.Client, server: LoopbackServer) -> None:
        """Other methods are not allowed; other paths are not found."""
        assert 405 == client.get(server.url("/webhooks/acme/status")).status_code
        assert 404 == client.post(server.url("/webhooks/acme/other"), content=b"").status_code


class TestPublicUrl:
    """Behind a proxy the signed URL is rebuilt from the public base URL."""

    @pytest.fixture
    def public(
        self, tmp_path: Path, clock: ManualClock, carrier: SandboxCarrier
    ) -> Iterator[AccountAdmin]:
        """An account whose numbers carriers reach at the public URL."""
        with open_sdk(tmp_path, clock, carrier, PUBLIC) as sdk:
            yield set_up(sdk, carrier)

    @pytest.fixture
    def proxied(self, public: AccountAdmin, carrier: SandboxCarrier) -> WebhookRequest:
        """A delivery report signed for the public URL."""
        text_candidate(public)
        report = status_reports(carrier)[0]
        assert report.url.startswith(f"{PUBLIC}/acme/status")
        return report

    def forward(self, server: LoopbackServer, report: WebhookRequest, post: Post) -> int:
        """Post the report to the app's local address, as a proxy would."""
        path = report.url.removeprefix("https://sms.example.test")
        return post(report, url=server.url(path)).status_code

    def test_configured_base(
        self,
        tmp_path: Path,
        clock: ManualClock,
        carrier: SandboxCarrier,
        proxied: WebhookRequest,
        serve: Serve,
        post: Post,
    ) -> None:
        """The SDK's configured webhook base is the public one: the signature holds."""
        with open_sdk(tmp_path, clock, carrier, PUBLIC) as sdk:
            assert 204 == self.forward(serve(create_app(sdk)), proxied, post)

    def test_explicit_base(
        self,
        tmp_path: Path,
        clock: ManualClock,
        carrier: SandboxCarrier,
        proxied: WebhookRequest,
        serve: Serve,
        post: Post,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """``public_base_url`` names the public base when the SDK has the local default."""
        monkeypatch.delenv("SMS_WEBHOOK_BASE_URL", raising=False)
        with open_sdk(tmp_path, clock, carrier, None) as sdk:
            local = serve(create_app(sdk))
            public = serve(create_app(sdk, public_base_url=PUBLIC))

            assert 403 == self.forward(local, proxied, post)
            assert 204 == self.forward(public, proxied, post)

    def test_query_string_is_signed(
        self,
        tmp_path: Path,
        clock: ManualClock,
        carrier: SandboxCarrier,
        public: AccountAdmin,
        serve: Serve,
        post: Post,
    ) -> None:
        """The query string the carrier called with is part of the rebuilt URL."""
        with_query = carrier.signed_request(f"{PUBLIC}/acme/status?attempt=2", b"not json")
        with open_sdk(tmp_path, clock, carrier, PUBLIC) as sdk:
            server = serve(create_app(sdk))

            # Past the signature (so the query was signed as called), then refused as malformed.
            assert 400 == self.forward(server, with_query, post)


class TestMounted:
    """A host serves the app inside its own ASGI app."""

    def test_under_a_mount(
        self,
        tmp_path: Path,
        clock: ManualClock,
        carrier: SandboxCarrier,
        client: httpx.Client,
    ) -> None:
        """Mounted at ``/sms``, with its routes under ``/webhooks``, reports still apply."""
        with (
            LoopbackServer() as server,
            open_sdk(tmp_path, clock, carrier, server.url("/sms/webhooks")) as sdk,
        ):
            account = set_up(sdk, carrier)
            message_id = text_candidate(account)
            host_app = Starlette(
                routes=[Mount("/sms", app=create_app(sdk, path_prefix="/webhooks"))]
            )

            with server.serving(host_app):
                carrier.advance(timedelta(minutes=5))
                responses = carrier.deliver_webhooks(client)

            assert [204, 204] == [response.status_code for response in responses]
            assert DeliveryStatus.DELIVERED == account.messages.get("ann", message_id).status


class TestConfiguredUrlIsVerified:
    """The URL the SDK configures at the carrier is the URL the app verifies against.

    Both come from :func:`sms_core.webhooks.urls.webhook_url`: the carrier signs what the SDK
    configured on the number (and the messaging service), and the app rebuilds that URL from
    the same base, with carriers calling it directly and through a proxy that serves the
    public path prefix ``/sms/webhooks`` from the app's ``/webhooks``.
    """

    PROXIED = "https://sms.example.test/sms/webhooks"

    @pytest.mark.parametrize("proxied", [False, True], ids=["direct", "proxy-with-prefix"])
    def test_every_kind_verifies(
        self,
        tmp_path: Path,
        clock: ManualClock,
        carrier: SandboxCarrier,
        server: LoopbackServer,
        post: Post,
        proxied: bool,
    ) -> None:
        """Each kind of webhook arrives at its configured URL, and that URL's signature holds."""
        base = self.PROXIED if proxied else server.url("/webhooks")
        with open_sdk(tmp_path, clock, carrier, base) as sdk:
            acme = set_up(sdk, carrier)
            [summary] = acme.numbers.list()
            app = create_app(sdk, path_prefix="/webhooks") if proxied else create_app(sdk)
            with server.serving(app):
                text_candidate(acme)
                carrier.inject_inbound_text("acme", CANDIDATE, summary.line.number, "Sure")
                carrier.inject_inbound_call("acme", CANDIDATE, summary.line.number)
                [offer] = acme.numbers.search("admin", NumberQuery(area_code="212", limit=1))
                acme.numbers.purchase("admin", offer.number, ["admin"], accept_terms=True)
                carrier.advance(timedelta(minutes=5))
                requests = carrier.collect_webhooks()

                answers: dict[WebhookKind, list[int]] = {}
                for request in requests:
                    configured, _, _ = request.url.partition("?")
                    kind = WebhookKind(configured.rsplit("/", 1)[-1])
                    assert sdk.webhooks.url(acme.account, kind) == configured
                    local = request.url.replace(base, server.url("/webhooks"), 1)
                    answers.setdefault(kind, []).append(post(request, url=local).status_code)

        assert set(WebhookKind) == set(answers)
        assert all(200 <= status < 300 for statuses in answers.values() for status in statuses)


@pytest.mark.usefixtures("app")
class TestRefusalHandlers:
    """Each refusal is answered by the app's exception handler for its class, and logged."""

    @pytest.fixture
    def refusals(
        self, acme: AccountAdmin, carrier: SandboxCarrier, server: LoopbackServer
    ) -> dict[str, tuple[WebhookRequest, int, str]]:
        """Requests the pipeline refuses, with the code and the error class each one meets."""
        text_candidate(acme)
        report = status_reports(carrier)[0]
        line = acme.numbers.list()[0].line.number
        carrier.inject_inbound_text("acme", CANDIDATE, line, "Friday works")
        [text] = carrier.collect_webhooks()
        text_body = json.loads(text.body) | {"to": "+14155550100"}
        return {
            "forged": (
                SandboxDriver(carrier).sign_with_other_secret(acme.account, report),
                403,
                "WebhookSignatureError",
            ),
            "malformed": (carrier.signed_request(report.url, b"[]"), 400, "WebhookPayloadError"),
            "other kind": (
                carrier.signed_request(report.url.replace("/status", "/calls"), report.body),
                400,
                "WebhookPayloadError",
            ),
            "unknown line": (
                carrier.signed_request(text.url, json.dumps(text_body).encode()),
                404,
                "LineNotFoundError",
            ),
            "unknown account": (
                carrier.signed_request(server.url("/webhooks/nobody/status"), report.body),
                404,
                "AccountNotFoundError",
            ),
        }

    @pytest.mark.parametrize(
        "case", ["forged", "malformed", "other kind", "unknown line", "unknown account"]
    )
    def test_code_reason_and_log(
        self,
        acme: AccountAdmin,
        refusals: dict[str, tuple[WebhookRequest, int, str]],
        post: Post,
        caplog: pytest.LogCaptureFixture,
        case: str,
    ) -> None:
        """The code and reason of the error's closest class; the log names no body or number."""
        request, status, error = refusals[case]
        line = acme.numbers.list()[0].line.number
        before = state(acme, line)
        kind = request.url.partition("?")[0].rsplit("/", 1)[-1]
        account = request.url.partition("?")[0].rsplit("/", 2)[-2]

        with caplog.at_level(logging.INFO, logger="sms_core.webhooks.app"):
            response = post(request)

        reasons = {403: "Forbidden", 400: "Bad Request", 404: "Not Found"}
        assert (status, reasons[status]) == (
            response.status_code,
            response.text.partition(":")[0],
        )
        assert "text/plain" in response.headers["content-type"]
        assert [f"refused {kind} webhook for account {account!r}: {error} ({status})"] == [
            record.getMessage() for record in caplog.records
        ]
        logged = " ".join(record.getMessage() for record in caplog.records)
        assert CANDIDATE.e164 not in logged
        assert request.body.decode(errors="replace") not in logged
        assert before == state(acme, line)

    def test_unmapped_error_is_a_500(
        self,
        admin: SmsAdmin,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        post: Post,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """An error no handler maps (the messages table is gone) is a 500: the carrier retries."""
        text_candidate(acme)
        report = status_reports(carrier)[0]
        with admin.database.engine.begin() as connection:
            connection.execute(sa.text("ALTER TABLE messages RENAME TO messages_gone"))

        with caplog.at_level(logging.INFO, logger="sms_core.webhooks.app"):
            response = post(report)

        assert 500 == response.status_code
        assert [] == [record for record in caplog.records if "refused" in record.getMessage()]
