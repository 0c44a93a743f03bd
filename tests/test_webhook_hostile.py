"""Hostile requests to the webhook app, over real HTTP, on SQLite and PostgreSQL.

The app never answers 5xx to a request it can classify: a path, header or body it refuses gets
a 4xx and leaves every table as it was. Signed bodies are signed by the sandbox carrier itself,
so they get past the signature and test what lies behind it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sms_core import DeliveryStatus, ManualClock, NumberQuery, PhoneNumber, WebhookRequest
from sms_core.domain.json_body import MAX_DEPTH, MAX_INTEGER_DIGITS
from sms_core.services import AccountAdmin, SmsAdmin
from sms_core.store import schema
from sms_core.testing import sample_brand, sample_campaign
from sms_core.webhooks import MAX_BODY_BYTES, LoopbackServer, create_app
from sms_core.webhooks.pipeline import _FIELD_WIDTHS
from sms_fake import FakeAdapter, SandboxCarrier

#: A Tuesday afternoon in every US time zone, so quiet hours never get in the way.
START = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)
CANDIDATE = PhoneNumber.parse("+12065550142")
REVIEWS = (timedelta(hours=1), timedelta(hours=4), timedelta(days=1))

Dump = dict[str, list[tuple[Any, ...]]]


def dump(admin: SmsAdmin) -> Dump:
    """Every row of every table, in a stable order."""
    with admin.database.engine.connect() as connection:
        return {
            table.name: sorted(
                (tuple(row) for row in connection.execute(sa.select(table))), key=repr
            )
            for table in schema.metadata.sorted_tables
        }


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def carrier(tmp_path: Path, clock: ManualClock) -> Iterator[SandboxCarrier]:
    with SandboxCarrier(tmp_path / "carrier.sqlite3", clock=clock) as opened:
        yield opened


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    with LoopbackServer() as bound:
        yield bound


@pytest.fixture
def admin(
    database_url: str, clock: ManualClock, carrier: SandboxCarrier, server: LoopbackServer
) -> Iterator[SmsAdmin]:
    """The SDK on both databases, its app serving on the loopback port its URLs name."""
    with (
        SmsAdmin.open(
            database_url,
            plugins=[FakeAdapter(carrier=carrier)],
            clock=clock,
            webhook_base_url=server.url("/webhooks"),
            rng=random.Random(7),
        ) as opened,
        server.serving(create_app(opened)),
    ):
        yield opened


@pytest.fixture
def acme(admin: SmsAdmin, carrier: SandboxCarrier) -> AccountAdmin:
    """Account ``acme``: an approved campaign, Ann on a registered line, one text sent."""
    account = admin.create_account("acme", name="Acme Staffing", provider="fake")
    account.users.upsert("admin", first_name="Dana", last_name="Reyes", permissions=["sms.admin"])
    account.users.upsert("ann", first_name="Ann", last_name="Lee")
    account.registration.register("admin", sample_brand(), sample_campaign())
    for review in REVIEWS:
        carrier.advance(review)
        account.registration.sync()
    [offer] = account.numbers.search("admin", NumberQuery(area_code="415", limit=1))
    account.numbers.purchase("admin", offer.number, ["ann"], accept_terms=True)
    account.messages.send("ann", candidate_id="cand-7", to=CANDIDATE, body="Free Friday?")
    return account


def due(carrier: SandboxCarrier, kind: str) -> list[WebhookRequest]:
    """The carrier's due webhooks of one kind (the line's registration events set aside)."""
    return [w for w in carrier.collect_webhooks() if urlsplit(w.url).path.endswith(f"/{kind}")]


@pytest.fixture
def report(acme: AccountAdmin, carrier: SandboxCarrier) -> WebhookRequest:
    """The carrier's signed ``sent`` report for the text."""
    carrier.advance(timedelta(minutes=5))
    return due(carrier, "status")[0]


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as opened:
        yield opened


def post(client: httpx.Client, request: WebhookRequest) -> httpx.Response:
    return client.post(request.url, content=request.body, headers=dict(request.headers))


def count_statements(admin: SmsAdmin) -> list[str]:
    """Every SQL statement the SDK runs from now on, appended as it runs."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    sa.event.listen(admin.database.engine, "before_cursor_execute", record)
    return statements


class TestAccountBeforeDatabase:
    """An account id no account can have is refused without a query."""

    @pytest.mark.parametrize(
        "segment",
        ["%00", "a%00b", "%ED%A0%80", "x" * 65, "-leading-dash", "caf%C3%A9", "%20acme"],
    )
    def test_impossible_id(
        self, admin: SmsAdmin, server: LoopbackServer, client: httpx.Client, segment: str
    ) -> None:
        """``POST /webhooks/%00/status`` (issue 13.5 crashed PostgreSQL with it) is a 404."""
        statements = count_statements(admin)

        response = client.post(server.url(f"/webhooks/{segment}/status"), content=b"{}")

        assert 404 == response.status_code
        assert [] == statements

    def test_unknown_but_possible_id(
        self, admin: SmsAdmin, server: LoopbackServer, client: httpx.Client
    ) -> None:
        """A well-formed id is looked up, and an unknown one is a 404 as before."""
        response = client.post(server.url("/webhooks/nobody/status"), content=b"{}")

        assert 404 == response.status_code
        assert "unknown account" in response.text


def status_body(report: WebhookRequest, **changes: object) -> bytes:
    """The report's JSON body with some fields changed."""
    return json.dumps(json.loads(report.body) | changes).encode()


def deep(levels: int) -> bytes:
    """A status report whose ``error_message`` nests ``levels`` arrays deep."""
    return b'{"event": "message.status", "error_message": ' + b"[" * levels + b"]" * levels + b"}"


class TestSignedButHostile:
    """Bodies signed by the carrier that no database could take are a 400 and change nothing."""

    @pytest.mark.parametrize(
        ("name", "body"),
        [
            ("deep nesting past the stack", deep(20_000)),
            ("nesting past the limit", deep(MAX_DEPTH + 1)),
            ("4,000-digit integer", b'{"segments": ' + b"9" * 4000 + b"}"),
            ("5,000-digit integer", b'{"n": ' + b"9" * 5000 + b"}"),
            ("NaN", b'{"event": "message.status", "n": NaN}'),
            ("overflowing float", b'{"event": "message.status", "n": 1e999}'),
            ("not UTF-8", b'{"event": "\xff"}'),
        ],
    )
    def test_unreadable(
        self,
        admin: SmsAdmin,
        report: WebhookRequest,
        carrier: SandboxCarrier,
        client: httpx.Client,
        name: str,
        body: bytes,
    ) -> None:
        """JSON the app cannot read safely is malformed, not a crash."""
        before = dump(admin)

        response = post(client, carrier.signed_request(report.url, body))

        assert 400 == response.status_code, name
        assert before == dump(admin)

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("message_sid", "SM\ud800"),
            ("message_sid", "SM\x00"),
            ("message_sid", "SM" + "1" * _FIELD_WIDTHS["provider_message_id"]),
            ("error_code", "3" * (_FIELD_WIDTHS["error_code"] + 1)),
            ("error_message", "unreachable\x00"),
            ("message_id", "msg\x00"),
            ("message_id", "msg\udfff"),
        ],
    )
    def test_unstorable_field(
        self,
        admin: SmsAdmin,
        report: WebhookRequest,
        carrier: SandboxCarrier,
        client: httpx.Client,
        field: str,
        value: str,
    ) -> None:
        """A field with a NUL, a lone surrogate or longer than its column is a 400."""
        before = dump(admin)
        body = status_body(report, **{field: value})

        response = post(client, carrier.signed_request(report.url, body))

        assert 400 == response.status_code
        assert before == dump(admin)

    @pytest.mark.parametrize("at", ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59"])
    def test_times_at_the_ends_of_the_calendar(
        self,
        acme: AccountAdmin,
        report: WebhookRequest,
        carrier: SandboxCarrier,
        client: httpx.Client,
        at: str,
    ) -> None:
        """A report time past UTC's calendar is no crash: the SDK stamps reports itself."""
        body = status_body(report, occurred_at=at)

        response = post(client, carrier.signed_request(report.url, body))

        assert 204 == response.status_code
        line = acme.numbers.list()[0].line.number
        assert DeliveryStatus.SENT == acme.messages.thread("ann", line, CANDIDATE)[0].status

    def test_report_still_applies(
        self, acme: AccountAdmin, report: WebhookRequest, client: httpx.Client
    ) -> None:
        """The unchanged report, after all the checks, is applied as before."""
        assert 204 == post(client, report).status_code
        [message] = acme.messages.thread("ann", acme.numbers.list()[0].line.number, CANDIDATE)
        assert DeliveryStatus.SENT == message.status

    def test_inbound_body_stored_safely(
        self, acme: AccountAdmin, carrier: SandboxCarrier, client: httpx.Client
    ) -> None:
        """A candidate's text with a lone surrogate and a NUL is kept, those made U+FFFD."""
        line = acme.numbers.list()[0].line.number
        carrier.inject_inbound_text("acme", CANDIDATE, line, "yes")
        [inbound] = due(carrier, "messages")
        body = json.dumps(json.loads(inbound.body) | {"body": "y\ud800es\x00"}).encode()

        response = post(client, carrier.signed_request(inbound.url, body))

        assert 204 == response.status_code
        assert "y\ufffdes\ufffd" == acme.messages.thread("ann", line, CANDIDATE)[-1].body


class TestFieldWidths:
    """The widths the receiver holds event fields to are the columns'."""

    def test_match_the_schema(self) -> None:
        """Each width is the ``messages`` column the field is stored in."""
        widths = {
            name: column.type.length
            for name, column in schema.messages.c.items()
            if isinstance(column.type, sa.String)
        }
        assert {name: widths[name] for name in _FIELD_WIDTHS} == _FIELD_WIDTHS

    def test_integers_fit_a_bigint(self) -> None:
        """Every integer the JSON reader lets through fits a signed 64-bit column."""
        assert int("9" * MAX_INTEGER_DIGITS) < 2**63


# -- generated hostile requests ------------------------------------------------------------

_SEGMENTS = st.one_of(
    st.just("acme"),
    st.text(min_size=1, max_size=80).map(lambda text: quote(text, safe="")),
    st.sampled_from(["%00", "%ED%A0%80", "%2F", "..", "x" * 65, "acme%00", "ACME"]),
)
_KINDS = st.sampled_from(["status", "messages", "calls", "other"])
# Query strings: carriers sign them with the URL, and an SDK id may ride in one.
_QUERIES = st.one_of(
    st.just(""),
    st.sampled_from(["?attempt=2", "?sms_message_id=%00", "?a=%ED%A0%80", "?" + "x=1&" * 200]),
    st.text(max_size=40).map(lambda text: "?" + quote(text, safe="=&")),
)
# The headers that frame the request: the HTTP client refuses to send them wrong.
_FRAMING = frozenset({"content-length", "transfer-encoding", "host", "connection", "expect"})
# Header values as HTTP carries them: visible ASCII and Latin-1, no edge spaces, sent as bytes.
_HEADERS = st.dictionaries(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=20).filter(
        lambda name: name not in _FRAMING
    ),
    st.text(
        alphabet=st.characters(min_codepoint=32, max_codepoint=126)
        | st.characters(min_codepoint=160, max_codepoint=255),
        max_size=60,
    ).map(lambda value: value.strip(" ")),
    max_size=4,
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=80),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
_REPORT_FIELDS = st.sampled_from(
    [
        "event",
        "account_id",
        "message_sid",
        "message_id",
        "status",
        "from",
        "to",
        "error_code",
        "error_message",
        "occurred_at",
        "body",
        "segments",
        "keyword",
        "received_at",
        "call_sid",
    ]
)


@st.composite
def _bodies(draw: st.DrawFn, report: bytes) -> bytes:
    """Raw bytes, arbitrary JSON, or the real report with some fields made hostile."""
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return draw(st.binary(max_size=200))
    if choice == 1:
        return json.dumps(draw(_JSON)).encode()
    if choice == 2:
        levels = draw(st.integers(0, 3000))
        return b"[" * levels + b"]" * draw(st.integers(0, levels))
    changes = draw(st.dictionaries(_REPORT_FIELDS, _JSON, min_size=1, max_size=3))
    return json.dumps(json.loads(report) | changes).encode()


class TestGenerated:
    """Hypothesis throws paths, headers and bodies at the app; nothing answers 5xx."""

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def test_never_5xx(
        self,
        admin: SmsAdmin,
        report: WebhookRequest,
        carrier: SandboxCarrier,
        server: LoopbackServer,
        client: httpx.Client,
        data: st.DataObject,
    ) -> None:
        """Any request: a status under 500; a refused one changes no table."""
        segment = data.draw(_SEGMENTS, label="account segment")
        kind = data.draw(_KINDS, label="kind")
        body = data.draw(_bodies(report.body), label="body")
        query = data.draw(_QUERIES, label="query string")
        url = server.url(f"/webhooks/{segment}/{kind}{query}")
        signed = data.draw(st.booleans(), label="signed")
        headers = data.draw(_HEADERS, label="headers")
        if signed:
            headers |= dict(carrier.signed_request(url, body).headers)
        before = dump(admin)

        response = client.post(
            url,
            content=body[:MAX_BODY_BYTES],
            headers=[(name.encode(), value.encode("latin-1")) for name, value in headers.items()],
        )

        assert response.status_code < 500, response.text
        if response.status_code >= 400:
            assert before == dump(admin)
