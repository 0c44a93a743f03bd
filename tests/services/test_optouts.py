from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from sms_core import (
    Account,
    AccountAdmin,
    AuditAction,
    DeliveryStatus,
    Direction,
    InboundMessage,
    KeywordClass,
    ManualClock,
    OptOutSource,
    PhoneNumber,
    ProviderEvent,
    ProviderInfo,
    SmsAdmin,
    WebhookKind,
    WebhookRequest,
    hookimpl,
)
from sms_core.exceptions import (
    CandidateOptedOutError,
    InvalidInputError,
    InvalidPhoneNumberError,
    OptOutNotFoundError,
    PermissionDeniedError,
    UserNotFoundError,
)
from sms_core.services.inbound import FALLBACK_HELP
from sms_core.testing import sample_campaign
from sms_fake import FakeAdapter, SandboxCarrier
from tests.services.messaging_fixtures import (
    ALICE,
    BRUNO,
    START,
    Texting,
    approve_registration,
    buy_line,
    outbound_at_carrier,
    reply,
    seat_line,
    snapshot,
)


@pytest.fixture
def lines(acme: AccountAdmin) -> tuple[str, str]:
    """Ann's line and Bob's line."""
    return buy_line(acme, "ann").e164, buy_line(acme, "bob").e164


class TestKeywordOptOut(Texting):
    """An opt-out texted to one line blocks the number on every line of the account."""

    @pytest.mark.parametrize("body", ["STOP", " stop. ", "Opt out", "UNSUBSCRIBE!", "revoke"])
    def test_blocks_every_line(
        self, acme: AccountAdmin, carrier: SandboxCarrier, lines: tuple[str, str], body: str
    ) -> None:
        """Alice replies to Ann's line; Bob's line may not text her either."""
        ann_line, bob_line = lines
        acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Shift tomorrow?")
        reply(acme, carrier, ALICE, ann_line, body)
        [opt_out] = acme.optouts.list("admin")
        assert (ALICE, START, OptOutSource.KEYWORD, body.strip(), ann_line) == (
            opt_out.number.e164,
            opt_out.opted_out_at,
            opt_out.source,
            opt_out.keyword,
            str(opt_out.line),
        )
        before = snapshot(acme, carrier)
        with pytest.raises(CandidateOptedOutError, match=re.escape(f"{ALICE} texted")):
            acme.messages.send("bob", candidate_id="alice", to=ALICE, body="Hi")
        assert before == snapshot(acme, carrier)
        assert [] == acme.messages.thread("ann", bob_line, ALICE)

    def test_keyword_stored_with_the_reply(
        self, acme: AccountAdmin, carrier: SandboxCarrier, lines: tuple[str, str]
    ) -> None:
        """The inbound message says what it asked for."""
        reply(acme, carrier, ALICE, lines[0], "STOP")
        [stop] = acme.messages.thread("ann", lines[0], ALICE)
        assert (Direction.INBOUND, "opt_out") == (stop.direction, stop.keyword)

    def test_possible_opt_out_does_not_block(
        self, acme: AccountAdmin, carrier: SandboxCarrier, lines: tuple[str, str]
    ) -> None:
        """Free text with a revocation word is flagged for a person, not acted on."""
        reply(acme, carrier, ALICE, lines[0], "please stop texting me at work")
        [message] = acme.messages.thread("ann", lines[0], ALICE)
        assert "possible_opt_out" == message.keyword
        assert not acme.optouts.is_opted_out(ALICE)

    def test_second_opt_out_keeps_the_first(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        clock: ManualClock,
        lines: tuple[str, str],
    ) -> None:
        """A number blocked already stays blocked as first recorded."""
        reply(acme, carrier, ALICE, lines[0], "STOP")
        clock.advance(timedelta(hours=1))
        reply(acme, carrier, ALICE, lines[1], "QUIT")
        [opt_out] = acme.optouts.list("admin", include_lifted=True)
        assert (START, "STOP") == (opt_out.opted_out_at, opt_out.keyword)


class TestOptIn(Texting):
    """An opt-in keyword lifts the block, on the record."""

    def test_start_lifts(
        self,
        acme: AccountAdmin,
        carrier: SandboxCarrier,
        clock: ManualClock,
        lines: tuple[str, str],
    ) -> None:
        """After START on either line, every line may text the number again."""
        reply(acme, carrier, ALICE, lines[0], "STOP")
        clock.advance(timedelta(minutes=10))
        reply(acme, carrier, ALICE, lines[0], "start")
        [lifted] = acme.optouts.list("admin", include_lifted=True)
        assert [] == acme.optouts.list("admin")
        assert (START + timedelta(minutes=10), None) == (lifted.lifted_at, lifted.lifted_by)
        assert f"texted 'start' to {lines[0]}" in (lifted.lift_reason or "")
        message = acme.messages.send(
            "bob", candidate_id=None, to=ALICE, body="Welcome back"
        ).message
        assert DeliveryStatus.QUEUED == message.status


class TestLift(Texting):
    """An admin lifts an opt-out only with a recorded reason."""

    @pytest.fixture
    def recorded(self, acme: AccountAdmin, lines: tuple[str, str]) -> None:
        """Alice opted out through the host (by phone), so the carrier does not block her."""
        acme.optouts.record(ALICE, source="host", keyword=None, at=START - timedelta(days=1))

    @pytest.mark.usefixtures("recorded")
    def test_lift_with_reason(self, acme: AccountAdmin, clock: ManualClock) -> None:
        """The lift records who, when and why, also in the audit trail; texts go again."""
        clock.advance(timedelta(minutes=5))
        lifted = acme.optouts.lift("admin", ALICE, reason="  Consent form signed 2026-03-10 ")
        assert (START + timedelta(minutes=5), "admin", "Consent form signed 2026-03-10") == (
            lifted.lifted_at,
            lifted.lifted_by,
            lifted.lift_reason,
        )
        assert [lifted] == acme.optouts.list("admin", include_lifted=True)
        [entry] = acme.audit.list(action=AuditAction.LIFT_OPT_OUT)
        assert ("admin", ALICE) == (entry.actor_id, entry.target)
        assert not acme.optouts.is_opted_out(ALICE)
        acme.messages.send("ann", candidate_id=None, to=ALICE, body="Thanks for signing")

    @pytest.mark.usefixtures("recorded")
    @pytest.mark.parametrize("reason", ["", "   "])
    def test_reason_required(
        self, acme: AccountAdmin, carrier: SandboxCarrier, reason: str
    ) -> None:
        """Without a reason nothing is lifted."""
        before = snapshot(acme, carrier)
        with pytest.raises(InvalidInputError, match="needs a reason"):
            acme.optouts.lift("admin", ALICE, reason=reason)
        assert before == snapshot(acme, carrier)

    @pytest.mark.usefixtures("recorded")
    def test_admins_only(self, acme: AccountAdmin, carrier: SandboxCarrier) -> None:
        """A recruiter cannot override a candidate's opt-out."""
        before = snapshot(acme, carrier)
        with pytest.raises(PermissionDeniedError):
            acme.optouts.lift("ann", ALICE, reason="she said yes")
        assert before == snapshot(acme, carrier)

    @pytest.mark.usefixtures("recorded")
    def test_nothing_to_lift(self, acme: AccountAdmin) -> None:
        """A number that is not opted out has nothing to lift."""
        with pytest.raises(OptOutNotFoundError, match=re.escape(BRUNO)):
            acme.optouts.lift("admin", BRUNO, reason="consent")


class TestHelp(Texting):
    """A help request is answered from the line with the campaign's help message."""

    def test_help_answered_once(
        self, acme: AccountAdmin, carrier: SandboxCarrier, lines: tuple[str, str]
    ) -> None:
        """The reply is an ordinary outbound message in the thread, sent by no user."""
        acme.messages.send("ann", candidate_id="alice", to=ALICE, body="Shift tomorrow?")
        text = carrier.inject_inbound_text(
            "acme", PhoneNumber.parse(ALICE), PhoneNumber.parse(lines[0]), "HELP"
        )
        [request] = carrier.collect_webhooks(subject_sid=text.sid)
        acme.webhooks.handle(WebhookKind.MESSAGES, request)
        acme.webhooks.handle(WebhookKind.MESSAGES, request)
        thread = acme.messages.thread("ann", lines[0], ALICE)
        help_reply = thread[-1]
        assert ["Shift tomorrow?", "HELP", sample_campaign().help_message] == [
            message.body for message in thread
        ]
        assert (Direction.OUTBOUND, None, "alice") == (
            help_reply.direction,
            help_reply.user_id,
            help_reply.candidate_id,
        )
        assert 2 == len(outbound_at_carrier(carrier))

    def test_without_a_help_message(self, admin: SmsAdmin, carrier: SandboxCarrier) -> None:
        """A campaign without a help message gets a reply naming the agency and STOP."""
        beta = admin.create_account("beta", name="Beta Jobs", provider="fake")
        beta.users.upsert("admin", first_name="Al", last_name="Ma", permissions=["sms.admin"])
        beta.users.upsert("eve", first_name="Eve", last_name="Ng")
        approve_registration(beta, carrier, attrs.evolve(sample_campaign(), help_message=""))
        line = buy_line(beta, "eve")
        reply(beta, carrier, ALICE, line.e164, "info")
        assert (
            FALLBACK_HELP.format(name="Beta Jobs")
            == beta.messages.thread("eve", line, ALICE)[-1].body
        )

    def test_unregistered_line_does_not_answer(
        self, admin: SmsAdmin, carrier: SandboxCarrier
    ) -> None:
        """A line that cannot text stores the request but sends nothing."""
        beta = admin.create_account("beta", name="Beta Jobs", provider="fake")
        beta.users.upsert("admin", first_name="Al", last_name="Ma", permissions=["sms.admin"])
        beta.users.upsert("eve", first_name="Eve", last_name="Ng")
        line = buy_line(beta, "eve")
        reply(beta, carrier, ALICE, line.e164, "HELP")
        [request] = beta.messages.thread("eve", line, ALICE)
        assert "help" == request.keyword
        assert [] == outbound_at_carrier(carrier, "beta")

    def test_opted_out_number_not_answered(
        self, acme: AccountAdmin, carrier: SandboxCarrier, lines: tuple[str, str]
    ) -> None:
        """A number that opted out gets no help reply."""
        acme.optouts.record(ALICE, source="host", keyword=None, at=datetime(2026, 1, 1, tzinfo=UTC))
        reply(acme, carrier, ALICE, lines[0], "HELP")
        assert [] == outbound_at_carrier(carrier)


class TestCampaignKeywords(Texting):
    """The keywords the campaign registered count as much as the default ones."""

    @pytest.fixture
    def beta(self, admin: SmsAdmin, carrier: SandboxCarrier) -> tuple[AccountAdmin, str]:
        beta = admin.create_account("beta", name="Beta Jobs", provider="fake")
        beta.users.upsert("admin", first_name="Al", last_name="Ma", permissions=["sms.admin"])
        beta.users.upsert("eve", first_name="Eve", last_name="Ng")
        campaign = attrs.evolve(
            sample_campaign(),
            opt_out_keywords=("STOP", "REMOVE"),
            help_keywords=("HELP", "AYUDA"),
            opt_in_keywords=("JOBS",),
            opt_in_message="Beta Jobs: you will get shift offers again. Reply STOP to opt out.",
        )
        approve_registration(beta, carrier, campaign)
        return beta, buy_line(beta, "eve").e164

    def test_campaign_opt_out_help_and_opt_in(
        self, beta: tuple[AccountAdmin, str], carrier: SandboxCarrier
    ) -> None:
        """REMOVE opts out, AYUDA is answered, JOBS opts back in."""
        account, line = beta
        reply(account, carrier, ALICE, line, "Ayuda")
        assert (
            sample_campaign().help_message == account.messages.thread("eve", line, ALICE)[-1].body
        )
        reply(account, carrier, ALICE, line, "remove")
        [opt_out] = account.optouts.list("admin")
        assert (OptOutSource.KEYWORD, "remove") == (opt_out.source, opt_out.keyword)
        reply(account, carrier, ALICE, line, "JOBS")
        assert not account.optouts.is_opted_out(ALICE)


class TestOptOutConfirmed(Texting):
    """An opt-out the carrier did not act on is confirmed by the line, once."""

    def test_phrase_confirmed_with_the_campaign_message(
        self, acme: AccountAdmin, carrier: SandboxCarrier, lines: tuple[str, str]
    ) -> None:
        """The phrase "Opt out" is no carrier keyword: the SDK blocks and confirms it."""
        text = carrier.inject_inbound_text(
            "acme", PhoneNumber.parse(ALICE), PhoneNumber.parse(lines[0]), "Opt out"
        )
        [request] = carrier.collect_webhooks(subject_sid=text.sid)
        acme.webhooks.handle(WebhookKind.MESSAGES, request)
        acme.webhooks.handle(WebhookKind.MESSAGES, request)
        thread = acme.messages.thread("ann", lines[0], ALICE)
        assert ["Opt out", sample_campaign().opt_out_message] == [m.body for m in thread]
        assert DeliveryStatus.QUEUED == thread[-1].status
        assert acme.optouts.is_opted_out(ALICE)
        assert 1 == len(outbound_at_carrier(carrier))

    def test_carrier_keyword_left_to_the_carrier(
        self, acme: AccountAdmin, carrier: SandboxCarrier, lines: tuple[str, str]
    ) -> None:
        """STOP is the carrier's own keyword: it answers it, the SDK sends nothing."""
        reply(acme, carrier, ALICE, lines[0], "STOP")
        assert acme.optouts.is_opted_out(ALICE)
        assert [] == outbound_at_carrier(carrier)


class TestHostOptOutKept(Texting):
    """An opt-in keyword does not lift what the host recorded."""

    def test_yes_does_not_lift_a_host_opt_out(
        self, acme: AccountAdmin, carrier: SandboxCarrier, lines: tuple[str, str]
    ) -> None:
        """A "Yes" to an old offer leaves the block the candidate asked a recruiter for."""
        acme.optouts.record(ALICE, source="host", keyword=None, at=datetime(2026, 1, 1, tzinfo=UTC))
        reply(acme, carrier, ALICE, lines[0], "Yes")
        assert acme.optouts.is_opted_out(ALICE)
        assert "opt_in" == acme.messages.thread("ann", lines[0], ALICE)[-1].keyword


class TestRecordRefusals(Texting):
    """A host's opt-out with a bad source or a time without zone is refused, not stored."""

    @pytest.mark.parametrize(
        ("source", "at", "match"),
        [
            ("bogus", START, "source 'bogus' is unknown"),
            ("host", datetime(2026, 1, 5), "has no time zone"),
        ],
    )
    def test_refused(
        self, acme: AccountAdmin, carrier: SandboxCarrier, source: str, at: datetime, match: str
    ) -> None:
        """Refused by value, with the fix; nothing is blocked."""
        before = snapshot(acme, carrier)
        with pytest.raises(InvalidInputError, match=match):
            acme.optouts.record(ALICE, source=source, keyword=None, at=at)
        assert before == snapshot(acme, carrier)


class HelpAnsweringCarrier(FakeAdapter):
    """The sandbox adapter, saying its carrier replies to the help keywords it reports."""

    @hookimpl
    def sms_provider_info(self) -> ProviderInfo:
        """The sandbox's description, with the carrier answering help itself."""
        info = super().sms_provider_info()
        return attrs.evolve(info, capabilities=attrs.evolve(info.capabilities, answers_help=True))


class TestCarrierAnswersHelp(Texting):
    """A carrier that replies to help itself (Twilio) gets no second reply from the SDK."""

    @pytest.fixture
    def adapter(self, carrier: SandboxCarrier) -> FakeAdapter:
        return HelpAnsweringCarrier(carrier=carrier)

    def test_carrier_keyword_not_answered_twice(
        self, acme: AccountAdmin, carrier: SandboxCarrier, lines: tuple[str, str]
    ) -> None:
        """HELP, which the carrier reports, is stored but not answered by the SDK."""
        reply(acme, carrier, ALICE, lines[0], "HELP")
        [request] = acme.messages.thread("ann", lines[0], ALICE)
        assert "help" == request.keyword
        assert [] == outbound_at_carrier(carrier)

    def test_a_keyword_only_the_sdk_knows_is_answered(
        self, admin: SmsAdmin, carrier: SandboxCarrier
    ) -> None:
        """The campaign's own help keyword is news to the carrier: the SDK answers it."""
        beta = admin.create_account("beta", name="Beta Jobs", provider="fake")
        beta.users.upsert("admin", first_name="Al", last_name="Ma", permissions=["sms.admin"])
        beta.users.upsert("eve", first_name="Eve", last_name="Ng")
        campaign = attrs.evolve(sample_campaign(), help_keywords=("HELP", "AYUDA"))
        approve_registration(beta, carrier, campaign)
        line = buy_line(beta, "eve").e164
        reply(beta, carrier, ALICE, line, "ayuda")
        assert sample_campaign().help_message == beta.messages.thread("eve", line, ALICE)[-1].body


class WordKeywordCarrier(HelpAnsweringCarrier):
    """An adapter written before ``carrier_keyword``: it reports the carrier's verdict as a word."""

    @hookimpl
    def sms_parse_webhook(
        self, account: Account, request: WebhookRequest
    ) -> Sequence[ProviderEvent] | None:
        """The sandbox's events, each keyword verdict moved into ``provider_keyword``."""
        events = super().sms_parse_webhook(account=account, request=request) or []
        return [
            attrs.evolve(
                event, carrier_keyword=None, provider_keyword=_WORDS[event.carrier_keyword]
            )
            if isinstance(event, InboundMessage) and event.carrier_keyword is not None
            else event
            for event in events
        ]


# The words adapters set in provider_keyword before carrier_keyword replaced it.
_WORDS = {KeywordClass.OPT_OUT: "STOP", KeywordClass.OPT_IN: "START", KeywordClass.HELP: "HELP"}


class TestDeprecatedProviderKeyword(Texting):
    """An adapter still setting ``provider_keyword`` is honoured for one series, with a warning."""

    @pytest.fixture
    def adapter(self, carrier: SandboxCarrier) -> FakeAdapter:
        return WordKeywordCarrier(carrier=carrier)

    def test_help_the_carrier_answered_is_not_answered_again(
        self, acme: AccountAdmin, carrier: SandboxCarrier, lines: tuple[str, str]
    ) -> None:
        """``provider_keyword="HELP"`` still means the carrier replied: the SDK stays silent."""
        with pytest.warns(DeprecationWarning, match="provider_keyword is deprecated"):
            reply(acme, carrier, ALICE, lines[0], "HELP")
        [request] = acme.messages.thread("ann", lines[0], ALICE)
        assert "help" == request.keyword
        assert [] == outbound_at_carrier(carrier)

    def test_stop_the_carrier_acted_on_is_not_confirmed_again(
        self, acme: AccountAdmin, carrier: SandboxCarrier, lines: tuple[str, str]
    ) -> None:
        """``provider_keyword="STOP"`` still means the carrier confirmed the opt-out itself."""
        with pytest.warns(DeprecationWarning, match="provider_keyword is deprecated"):
            reply(acme, carrier, ALICE, lines[0], "STOP")
        assert acme.optouts.is_opted_out(ALICE)
        assert ["STOP"] == [m.body for m in acme.messages.thread("ann", lines[0], ALICE)]


class TestWhoMayRead(Texting):
    """Opt-outs hold candidates' numbers and words: only history viewers read them (13.10)."""

    @pytest.fixture
    def host(self) -> str:
        return "ats_seats"

    @pytest.fixture
    def line(self, acme: AccountAdmin) -> str:
        return seat_line(acme, 100, "ann")[1]

    def test_without_page_access(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """A user without the ATS's candidate pages reads no opt-out; a recruiter reads them."""
        reply(acme, carrier, ALICE, line, "STOP")
        acme.users.upsert("dee", first_name="Dee", last_name="Ox")
        for read in (
            lambda: acme.optouts.list("dee"),
            lambda: acme.optouts.list("dee", include_lifted=True),
            lambda: acme.optouts.get("dee", ALICE),
        ):
            with pytest.raises(PermissionDeniedError, match="which Dee Ox does not have"):
                read()
        [opt_out] = acme.optouts.list("ann")
        assert opt_out == acme.optouts.get("ann", ALICE)
        assert acme.optouts.get("ann", BRUNO) is None

    def test_unknown_and_inactive_viewers(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """An id the account does not have, or a deactivated user, reads nothing."""
        reply(acme, carrier, ALICE, line, "STOP")
        with pytest.raises(UserNotFoundError):
            acme.optouts.list("nobody")
        acme.users.deactivate("ann")
        with pytest.raises(PermissionDeniedError, match="inactive"):
            acme.optouts.get("ann", ALICE)

    def test_check_names_nobody(
        self, acme: AccountAdmin, carrier: SandboxCarrier, line: str
    ) -> None:
        """``is_opted_out`` answers yes or no, no more than a refused send would."""
        reply(acme, carrier, ALICE, line, "STOP")

        assert acme.optouts.is_opted_out(ALICE)
        assert not acme.optouts.is_opted_out(BRUNO)

    def test_a_number_not_in_use_is_refused_as_text_and_as_phone_number(
        self, acme: AccountAdmin
    ) -> None:
        """An unchecked PhoneNumber is validated like the same number typed as text."""
        for number in ("+15555550100", PhoneNumber(e164="+15555550100")):
            with pytest.raises(InvalidPhoneNumberError, match="not a number in use"):
                acme.optouts.is_opted_out(number)
