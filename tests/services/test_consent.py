"""Consent records, the account's rule requiring one before a first text, and START."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sms_core import (
    AccountAdmin,
    AuditAction,
    ConsentSource,
    DeliveryStatus,
    ManualClock,
    PhoneNumber,
    Recipient,
    RecipientStatus,
    WebhookKind,
    inputs,
)
from sms_core.domain import KEYWORD_RECORDER
from sms_core.exceptions import (
    CandidateOptedOutError,
    ConsentRequiredError,
    InvalidCursorError,
    InvalidFieldError,
    InvalidInputError,
    InvalidPhoneNumberError,
    PermissionDeniedError,
    UserNotFoundError,
)
from sms_core.store import schema
from sms_fake import SandboxCarrier
from tests.services.messaging_fixtures import (
    ALICE,
    BRUNO,
    CARLA,
    START,
    Texting,
    buy_line,
    outbound_at_carrier,
    reply,
    snapshot,
)


@pytest.fixture
def line(acme: AccountAdmin) -> str:
    """Ann's line."""
    return buy_line(acme, "ann").e164


def _require_consent(acme: AccountAdmin) -> None:
    acme.policy.set_consent_required("admin", True)


class TestRecord(Texting):
    """A user records how a candidate agreed; every record is kept."""

    def test_history_is_kept(self, acme: AccountAdmin, clock: ManualClock) -> None:
        """A second record for the number is added beside the first, never over it."""
        first = acme.consent.record(
            "ann", ALICE, source="web_form", evidence="Apply form #812", candidate_id="alice"
        )
        clock.advance(timedelta(days=30))
        second = acme.consent.record(
            "bob", ALICE, source=ConsentSource.VERBAL, evidence="Phone screen, said yes"
        )
        assert [first, second] == acme.consent.of("admin", ALICE)
        assert (
            ConsentSource.WEB_FORM,
            "ann",
            "Apply form #812",
            START,
            "alice",
            PhoneNumber.parse(ALICE),
        ) == (
            first.source,
            first.recorded_by,
            first.evidence,
            first.recorded_at,
            first.candidate_id,
            first.number,
        )
        assert START + timedelta(days=30) == second.recorded_at
        assert acme.consent.has_consent(ALICE)
        assert not acme.consent.has_consent(BRUNO)
        assert [] == acme.consent.of("admin", BRUNO)
        with pytest.raises(InvalidFieldError, match="number"):
            acme.consent.has_consent(2125550101)  # type: ignore[arg-type]

    def test_audited(self, acme: AccountAdmin) -> None:
        """Who recorded what is on the audit trail."""
        record = acme.consent.record("ann", ALICE, source="paper", evidence="Binder 3, p. 14")
        [entry] = acme.audit.list(action=AuditAction.RECORD_CONSENT)
        assert ("ann", ALICE) == (entry.actor_id, entry.target)
        assert {
            "id": record.id,
            "source": "paper",
            "candidate_id": None,
            "evidence": "Binder 3, p. 14",
        } == entry.after

    @pytest.mark.parametrize(
        ("arguments", "error", "wording"),
        [
            ({"source": "email"}, InvalidInputError, "'web_form', 'paper', 'verbal'"),
            ({"source": "text_keyword"}, InvalidInputError, "texts START"),
            ({"evidence": "   "}, InvalidInputError, "needs evidence"),
            ({"evidence": "x" * 2001}, InvalidFieldError, "at most 2000 characters"),
            ({"evidence": "nul\x00"}, InvalidFieldError, "NUL"),
            ({"number": "555-01"}, InvalidPhoneNumberError, "555-01"),
            ({"candidate_id": "x" * 65}, InvalidFieldError, "candidate_id"),
            ({"actor_id": "nobody"}, UserNotFoundError, "nobody"),
        ],
    )
    def test_bad_input_changes_nothing(
        self,
        acme: AccountAdmin,
        arguments: dict[str, str],
        error: type[Exception],
        wording: str,
    ) -> None:
        """Each bad value is refused with a typed error naming it; nothing is written."""
        given: dict[str, str] = {
            "actor_id": "ann",
            "number": ALICE,
            "source": "verbal",
            "evidence": "said yes",
            **arguments,
        }
        actor_id, number = given.pop("actor_id"), given.pop("number")
        with pytest.raises(error, match=re.escape(wording)):
            acme.consent.record(actor_id, number, **given)
        assert [] == acme.consent.of("admin", ALICE)
        assert [] == acme.audit.list(action=AuditAction.RECORD_CONSENT)


class TestAuthorization(Texting):
    """Recording and reading consent ask the host, as the other admin actions do."""

    def test_inactive_user_refused(self, acme: AccountAdmin) -> None:
        """An inactive user may neither record nor read consent; nothing is written."""
        acme.consent.record("bob", ALICE, source="verbal", evidence="said yes")
        acme.users.upsert("ann", first_name="Ann", last_name="Lee", active=False)
        with pytest.raises(PermissionDeniedError, match="inactive"):
            acme.consent.record("ann", BRUNO, source="verbal", evidence="said yes")
        with pytest.raises(PermissionDeniedError):
            acme.consent.of("ann", ALICE)
        with pytest.raises(PermissionDeniedError):
            acme.consent.list_page("ann")
        assert not acme.consent.has_consent(BRUNO)


class TestColumns:
    """The consent table's text columns are exactly as wide as their inputs' limits."""

    def test_sizes(self) -> None:
        """Evidence, ids and numbers fit the values the service lets through."""
        columns: Any = schema.consent_records.c  # the typed Column hides String's length
        assert (
            inputs.EVIDENCE_LENGTH,
            inputs.ID_LENGTH,
            inputs.ID_LENGTH,
            inputs.ID_LENGTH,
        ) == (
            columns.evidence.type.length,
            columns.candidate_id.type.length,
            columns.recorded_by.type.length,
            columns.id.type.length,
        )


class TestListing(Texting):
    """The account's records, newest first, each beside its number's opt-out."""

    def test_opt_out_beside(
        self, acme: AccountAdmin, carrier: SandboxCarrier, clock: ManualClock, line: str
    ) -> None:
        """A number that opted out after consenting shows its opt-out beside the record."""
        acme.consent.record("ann", ALICE, source="verbal", evidence="said yes")
        clock.advance(timedelta(minutes=1))
        acme.consent.record("ann", BRUNO, source="paper", evidence="signed")
        reply(acme, carrier, ALICE, line, "STOP")
        page = acme.consent.list_page("admin")
        assert [BRUNO, ALICE] == [standing.record.number.e164 for standing in page.items]
        bruno, alice = page.items
        assert (False, True) == (bruno.opted_out, alice.opted_out)
        assert alice.opt_out is not None
        assert "STOP" == alice.opt_out.keyword
        assert page.next_cursor is None

    def test_paged(self, acme: AccountAdmin, clock: ManualClock) -> None:
        """Paging on with the cursor reads every record once, newest first."""
        for number in (ALICE, BRUNO, CARLA):
            acme.consent.record("ann", number, source="verbal", evidence="said yes")
            clock.advance(timedelta(seconds=1))
        seen: list[str] = []
        cursor = None
        while True:
            page = acme.consent.list_page("ann", limit=2, cursor=cursor)
            seen.extend(standing.record.number.e164 for standing in page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert [CARLA, BRUNO, ALICE] == seen

    def test_foreign_cursor_refused(self, acme: AccountAdmin) -> None:
        """A cursor of another list does not continue this one."""
        acme.consent.record("ann", ALICE, source="verbal", evidence="said yes")
        acme.consent.record("ann", BRUNO, source="verbal", evidence="said yes")
        cursor = acme.audit.page(limit=1).next_cursor
        with pytest.raises(InvalidCursorError):
            acme.consent.list_page("ann", cursor=cursor)


class TestSetting(Texting):
    """The account's setting: off by default, changed by an admin, audited."""

    def test_off_by_default(self, acme: AccountAdmin, line: str) -> None:
        """Without the setting, a first text needs no record."""
        assert not acme.policy.get().consent_required
        sent = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Shift?").message
        assert DeliveryStatus.QUEUED == sent.status

    def test_turned_on_and_kept(self, acme: AccountAdmin) -> None:
        """Turning it on is audited, and saving the policy URLs keeps it."""
        settings = acme.policy.set_consent_required("admin", True)
        assert settings.consent_required
        acme.policy.set(
            "admin",
            privacy_policy_url="https://acme.example/privacy",
            terms_and_conditions_url="https://acme.example/terms",
        )
        assert acme.policy.get().consent_required
        acme.policy.set_consent_required("admin", True)  # no change, no second entry
        [entry] = acme.audit.list(action=AuditAction.SET_CONSENT_REQUIRED)
        assert ({"consent_required": False}, {"consent_required": True}) == (
            entry.before,
            entry.after,
        )
        assert not acme.policy.set_consent_required("admin", False).consent_required

    def test_admins_only(self, acme: AccountAdmin) -> None:
        """A recruiter may not change it; a value that is not a bool is refused."""
        with pytest.raises(PermissionDeniedError):
            acme.policy.set_consent_required("ann", True)
        with pytest.raises(InvalidFieldError, match="required"):
            acme.policy.set_consent_required("admin", "yes")  # type: ignore[arg-type]
        assert not acme.policy.get().consent_required


class TestRequired(Texting):
    """With the setting on, a first text to a number without a record is refused."""

    def test_single_send_refused(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """The refusal is typed, names the number and the fix, and nothing is stored."""
        _require_consent(acme)
        before = snapshot(acme, carrier)
        with pytest.raises(ConsentRequiredError, match=re.escape(ALICE)) as refused:
            acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Shift tomorrow?")
        assert ALICE == refused.value.number
        assert "record how the candidate agreed" in str(refused.value)
        assert before == snapshot(acme, carrier)

    def test_record_allows_it(self, acme: AccountAdmin, carrier: SandboxCarrier, line: str) -> None:
        """Once consent is recorded, the text goes."""
        _require_consent(acme)
        acme.consent.record("ann", ALICE, source="web_form", evidence="Apply form #812")
        sent = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Shift?").message
        assert DeliveryStatus.QUEUED == sent.status
        assert [ALICE] == [m.recipient.e164 for m in outbound_at_carrier(carrier)]

    def test_candidate_texted_first(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """A reply to a candidate who started the conversation is allowed (CTIA: implied)."""
        _require_consent(acme)
        reply(acme, carrier, ALICE, line, "Is the forklift job still open?")
        sent = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Yes!").message
        assert DeliveryStatus.QUEUED == sent.status
        assert not acme.consent.has_consent(ALICE)  # a conversation is not a record

    def test_texted_before_the_rule(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """Turning the rule on does not cut off a conversation under way."""
        acme.messages.send("ann", candidate_id=None, to=ALICE, body="Shift?")
        _require_consent(acme)
        sent = acme.messages.send("ann", candidate_id=None, to=ALICE, body="Still on?").message
        assert DeliveryStatus.QUEUED == sent.status

    def test_opt_out_beats_consent(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """A record does not undo an opt-out: the opt-out is the revocation."""
        _require_consent(acme)
        acme.consent.record("ann", ALICE, source="paper", evidence="signed")
        reply(acme, carrier, ALICE, line, "STOP")
        with pytest.raises(CandidateOptedOutError):
            acme.messages.send("ann", candidate_id=None, to=ALICE, body="Shift?")

    def test_mass_text_per_recipient(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """Each recipient is checked: those without a record are refused, the others sent."""
        _require_consent(acme)
        acme.consent.record("ann", ALICE, source="web_form", evidence="Apply form #812")
        result = acme.messages.send_mass(
            "ann",
            [
                Recipient(candidate_id="alice", number=ALICE),
                Recipient(candidate_id="bruno", number=BRUNO),
            ],
            "Shift tomorrow?",
        )
        sent, refused = result.outcomes
        assert (RecipientStatus.SENT, RecipientStatus.REFUSED) == (sent.status, refused.status)
        assert None is refused.message
        assert f"{BRUNO} has no consent record" in (refused.reason or "")
        assert [ALICE] == [m.recipient.e164 for m in outbound_at_carrier(carrier)]
        assert [] == acme.messages.thread("ann", line, BRUNO)


class TestKeywordConsent(Texting):
    """A candidate's START records consent by keyword.

    START, YES and UNSTOP are Twilio's default opt-in keywords ("Twilio support for opt-out
    keywords", https://support.twilio.com/hc/en-us/articles/223134027), which the keyword
    classifier reads.
    """

    def test_start_records(self, acme: AccountAdmin, carrier: SandboxCarrier, line: str) -> None:
        """The record names the keyword as evidence, the line, and the candidate texted."""
        acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Shift?")
        reply(acme, carrier, ALICE, line, "STOP")
        reply(acme, carrier, ALICE, line, " Start ")
        [record] = acme.consent.of("admin", ALICE)
        assert (
            ConsentSource.TEXT_KEYWORD,
            KEYWORD_RECORDER,
            "Start",
            line,
            "alice",
        ) == (
            record.source,
            record.recorded_by,
            record.evidence,
            str(record.line),
            record.candidate_id,
        )
        [standing] = acme.consent.list_page("admin").items
        assert not standing.opted_out

    @pytest.mark.parametrize("keyword", ["START", "unstop"])
    def test_start_without_opt_out(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str, keyword: str
    ) -> None:
        """An opt-in from a number never opted out is consent too; STOP and chat are not."""
        reply(acme, carrier, BRUNO, line, keyword)
        reply(acme, carrier, CARLA, line, "STOP")
        reply(acme, carrier, ALICE, line, "hello")
        assert [BRUNO] == [s.record.number.e164 for s in acme.consent.list_page("admin").items]

    def test_redelivered_webhook_records_once(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """The same text delivered twice records one consent."""
        carrier.inject_inbound_text(
            "acme", PhoneNumber.parse(BRUNO), PhoneNumber.parse(line), "START"
        )
        requests = carrier.collect_webhooks()
        for _ in range(2):
            for request in requests:
                acme.webhooks.handle(WebhookKind(request.url.rsplit("/", 1)[-1]), request)
        assert 1 == len(acme.consent.of("admin", BRUNO))


class TestStream(Texting):
    """The records of a time range, streamed for the export."""

    def test_range(self, acme: AccountAdmin, clock: ManualClock) -> None:
        """``since`` is included, ``until`` is not; oldest first."""
        for number in (ALICE, BRUNO, CARLA):
            acme.consent.record("ann", number, source="verbal", evidence="said yes")
            clock.advance(timedelta(hours=1))
        with acme.consent.stream(START + timedelta(hours=1), START + timedelta(hours=2)) as rows:
            assert [BRUNO] == [record.number.e164 for record in rows]
        with acme.consent.stream() as rows:
            assert [ALICE, BRUNO, CARLA] == [record.number.e164 for record in rows]

    def test_naive_time_refused(self, acme: AccountAdmin) -> None:
        """A time without its zone is refused before anything is read."""
        with (
            pytest.raises(InvalidInputError, match="no time zone"),
            acme.consent.stream(datetime(2026, 1, 1)),
        ):
            pass
        with acme.consent.stream(datetime(2026, 1, 1, tzinfo=UTC)) as rows:
            assert [] == list(rows)
