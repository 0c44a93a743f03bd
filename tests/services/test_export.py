"""Export of an account's records: streamed, parsed back equal to what the account holds."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from sms_core import (
    AccountAdmin,
    AuditAction,
    ExportFormat,
    ManualClock,
    Message,
    SmsAdmin,
)
from sms_core.exceptions import InvalidFieldError, InvalidInputError, PermissionDeniedError
from sms_core.services.export import RECORD_KINDS
from sms_core.store import records as record_store
from sms_fake import SandboxCarrier
from tests.services.database_dump import dump
from tests.services.messaging_fixtures import ALICE, BRUNO, START, Texting, buy_line, reply

#: The message fields, by the export's column names.
_MESSAGE_FIELDS: dict[str, Callable[[Message], object]] = {
    "id": lambda m: m.id,
    "created_at": lambda m: m.created_at.isoformat(),
    "direction": lambda m: m.direction.value,
    "candidate_id": lambda m: m.candidate_id,
    "user_id": lambda m: m.user_id,
    "body": lambda m: m.body,
    "segments": lambda m: m.segments,
    "status": lambda m: m.status.value,
}


def _texting_day(acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock) -> str:
    """Ann texts Alice and Bruno an hour apart, Alice replies, Bruno opts out."""
    line = buy_line(acme, "ann").e164
    acme.messages.send("ann", candidate_id="alice", to=ALICE, body='Shift at 9, "Dock 4", ok?')
    clock.advance(timedelta(hours=1))
    acme.messages.send("ann", candidate_id="bruno", to=BRUNO, body="Shift at 10,\nbring boots")
    clock.advance(timedelta(hours=1))
    reply(acme, carrier, ALICE, line, "Yes — see you ✓")
    reply(acme, carrier, BRUNO, line, "STOP")
    return line


def _all_messages(acme: AccountAdmin) -> list[Message]:
    found: list[Message] = []
    cursor = None
    while True:
        page = acme.messages.page("admin", limit=100, cursor=cursor)
        found.extend(page.items)
        if page.next_cursor is None:
            return found
        cursor = page.next_cursor


class TestMessages(Texting):
    """Messages exported as CSV or JSON Lines read back as the account's messages."""

    def test_csv_parses_back(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """Every message, oldest first, with quotes, commas, newlines and non-ASCII intact."""
        line = _texting_day(acme, carrier, clock)
        out = io.StringIO(newline="")
        summary = acme.export.write("admin", "messages", out, format="csv")
        rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
        expected = _all_messages(acme)
        assert len(expected) == summary.rows == len(rows)
        assert [
            {k: str(f(m)) if f(m) is not None else "" for k, f in _MESSAGE_FIELDS.items()}
            for m in expected
        ] == [{k: row[k] for k in _MESSAGE_FIELDS} for row in rows]
        assert {line} == {row["line_number"] for row in rows}
        assert [ALICE, BRUNO, ALICE, BRUNO] == [row["candidate_number"] for row in rows]

    def test_jsonl_to_a_binary_stream(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """JSON Lines written as UTF-8 to a binary stream, left open, keep the types."""
        _texting_day(acme, carrier, clock)
        out = io.BytesIO()
        summary = acme.export.write("admin", "messages", out, format=ExportFormat.JSONL)
        assert not out.closed
        records = [json.loads(line) for line in out.getvalue().decode("utf-8").splitlines()]
        expected = _all_messages(acme)
        assert summary.rows == len(records) == len(expected)
        assert [{k: f(m) for k, f in _MESSAGE_FIELDS.items()} for m in expected] == [
            {k: record[k] for k in _MESSAGE_FIELDS} for record in records
        ]
        assert None is records[0]["keyword"]

    def test_date_range(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """``since`` is included, ``until`` is not."""
        _texting_day(acme, carrier, clock)
        out = io.StringIO()
        summary = acme.export.write(
            "admin",
            "messages",
            out,
            format="jsonl",
            since=START + timedelta(hours=1),
            until=START + timedelta(hours=2),
        )
        [record] = [json.loads(line) for line in out.getvalue().splitlines()]
        assert (1, BRUNO) == (summary.rows, record["candidate_number"])

    def test_more_rows_than_a_chunk(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        clock: ManualClock,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Rows read a chunk at a time come out once each, in order, across chunk edges."""
        monkeypatch.setattr(record_store, "CHUNK", 2)
        _texting_day(acme, carrier, clock)
        acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Same instant 1")
        acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Same instant 2")
        out = io.StringIO()
        acme.export.write("admin", "messages", out, format="jsonl")
        ids = [json.loads(line)["id"] for line in out.getvalue().splitlines()]
        assert [message.id for message in _all_messages(acme)] == ids


class TestOptOutsAndAudit(Texting):
    """Opt-outs and the audit trail export the same way."""

    def test_opt_outs(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        line = _texting_day(acme, carrier, clock)
        out = io.StringIO()
        acme.export.write("admin", "opt-outs", out)
        [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
        [opt_out] = acme.optouts.list("admin", include_lifted=True)
        assert {
            "number": BRUNO,
            "opted_out_at": opt_out.opted_out_at.isoformat(),
            "source": "keyword",
            "keyword": "STOP",
            "line_number": line,
            "lifted_at": "",
            "lifted_by": "",
            "lift_reason": "",
        } == row

    def test_audit_records_the_export_without_content(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """Each export is on the trail (who, what, range, format), and the trail exports."""
        _texting_day(acme, carrier, clock)
        until = clock.now() + timedelta(days=1)
        acme.export.write("admin", "messages", io.StringIO(), format="jsonl", until=until)
        [entry] = acme.audit.list(action=AuditAction.EXPORT)
        assert ("admin", "messages", None) == (entry.actor_id, entry.target, entry.before)
        assert {"format": "jsonl", "since": None, "until": until.isoformat()} == entry.after
        out = io.StringIO()
        acme.export.write("admin", "audit", out, format="jsonl")
        records = [json.loads(line) for line in out.getvalue().splitlines()]
        entries = list(reversed(acme.audit.list()))
        assert [(e.action.value, e.target, e.after) for e in entries] == [
            (r["action"], r["target"], r["after"]) for r in records
        ]
        assert ALICE not in json.dumps(entry.after)


class TestConsent(Texting):
    """Consent records export beside opt-outs (issue 16.4 and 16.6), dated by recorded_at."""

    def test_csv_and_jsonl_parse_back(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock
    ) -> None:
        """Every record, oldest first, with whether its number has opted out since."""
        alice = acme.consent.record(
            "ann", ALICE, source="web_form", evidence='Form "A", signed, ✓', candidate_id="alice"
        )
        clock.advance(timedelta(hours=1))
        bruno = acme.consent.record("ann", BRUNO, source="paper", evidence="Binder 3,\np. 14")
        _texting_day(acme, carrier, clock)  # Bruno opts out afterwards
        out = io.StringIO(newline="")
        summary = acme.export.write("admin", "consent", out)
        rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
        assert summary.rows == 2
        assert [
            {
                "id": alice.id,
                "recorded_at": alice.recorded_at.isoformat(),
                "number": ALICE,
                "candidate_id": "alice",
                "source": "web_form",
                "recorded_by": "ann",
                "evidence": 'Form "A", signed, ✓',
                "line_number": "",
                "opted_out": "False",
            },
            {
                "id": bruno.id,
                "recorded_at": bruno.recorded_at.isoformat(),
                "number": BRUNO,
                "candidate_id": "",
                "source": "paper",
                "recorded_by": "ann",
                "evidence": "Binder 3,\np. 14",
                "line_number": "",
                "opted_out": "True",
            },
        ] == rows
        out = io.StringIO()
        acme.export.write("admin", "consent", out, format="jsonl")
        records = [json.loads(line) for line in out.getvalue().splitlines()]
        assert [(alice.id, False, "alice"), (bruno.id, True, None)] == [
            (r["id"], r["opted_out"], r["candidate_id"]) for r in records
        ]

    def test_date_range_and_chunks(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        clock: ManualClock,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """``since`` included, ``until`` not; records of one instant cross chunk edges once."""
        monkeypatch.setattr(record_store, "CHUNK", 2)
        early = acme.consent.record("ann", ALICE, source="verbal", evidence="Call at 9")
        clock.advance(timedelta(hours=1))
        same = [
            acme.consent.record("ann", number, source="verbal", evidence=f"Call {n}")
            for n, number in enumerate((ALICE, BRUNO, ALICE))
        ]
        clock.advance(timedelta(hours=1))
        acme.consent.record("ann", BRUNO, source="verbal", evidence="Call at 11")
        out = io.StringIO()
        summary = acme.export.write(
            "admin", "consent", out, format="jsonl", since=same[0].recorded_at, until=clock.now()
        )
        ids = [json.loads(line)["id"] for line in out.getvalue().splitlines()]
        assert ([r.id for r in same], 3) == (ids, summary.rows)
        assert early.id not in ids


class TestRefusals(Texting):
    """Bad input and non-admins are refused before anything is written or recorded."""

    @pytest.mark.parametrize(
        ("kwargs", "error", "words"),
        [
            ({"kind": "contacts"}, InvalidFieldError, "'messages', 'opt-outs', 'consent', 'audit'"),
            ({"format": "xlsx"}, InvalidFieldError, "'csv', 'jsonl'"),
            ({"since": datetime(2026, 1, 1)}, InvalidInputError, "no time zone"),
            (
                {"since": START, "until": START - timedelta(days=1)},
                InvalidInputError,
                "not before until",
            ),
        ],
    )
    def test_bad_input(
        self,
        admin: SmsAdmin,
        acme: AccountAdmin,
        kwargs: dict[str, object],
        error: type[Exception],
        words: str,
    ) -> None:
        before = dump(admin)
        out = io.StringIO()
        call = {"kind": "messages", **kwargs}
        kind = call.pop("kind")
        with pytest.raises(error, match=words):
            acme.export.write("admin", kind, out, **call)  # type: ignore[arg-type]
        assert ("", before) == (out.getvalue(), dump(admin))

    def test_recruiter_refused(self, admin: SmsAdmin, acme: AccountAdmin) -> None:
        """Exports are for admins: a recruiter who may read history still may not export."""
        before = dump(admin)
        with pytest.raises(PermissionDeniedError, match=re.escape("sms.admin")):
            acme.export.write("ann", "messages", io.StringIO())
        assert before == dump(admin)


class TestKinds:
    """The registry names each kind of record once."""

    def test_kinds(self) -> None:
        assert ["messages", "opt-outs", "consent", "audit"] == list(RECORD_KINDS)
        assert all(kind.dated_by in kind.columns for kind in RECORD_KINDS.values())
