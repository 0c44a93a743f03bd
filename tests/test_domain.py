from datetime import UTC, datetime, timedelta

import pytest

from sms_core import (
    DeliveryStatus,
    Direction,
    FailureReason,
    InboundMessage,
    InvalidQueryError,
    KeywordClass,
    Line,
    ManualClock,
    Message,
    NextAction,
    NumberQuery,
    PhoneNumber,
    RegistrationFailure,
    RegistrationStep,
    Seat,
    StepRecord,
    StepStatus,
    WebhookRequest,
)


class TestNumberQuery:
    """Search filters are normalized and checked before any carrier is asked."""

    def test_blank_filters_are_ignored(self) -> None:
        """A form's blank fields become None."""
        query = NumberQuery(country="us", area_code="", region="  ", postal_code="")
        assert ("US", None, None, None) == (
            query.country,
            query.area_code,
            query.region,
            query.postal_code,
        )

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("country", "USA", "two-letter ISO code"),
            ("area_code", "41a", "digits only"),
            ("area_code", "\uff14\uff11\uff15", "digits only"),
            ("area_code", "41", "three digits and start with 2-9"),
            ("area_code", "4155", "three digits and start with 2-9"),
            ("area_code", "115", "three digits and start with 2-9"),
            ("contains", "5", "2-16 digits"),
            ("limit", 0, "1 to 100"),
            ("limit", 101, "1 to 100"),
        ],
    )
    def test_bad_filters_are_refused_by_name(self, field: str, value: object, message: str) -> None:
        """Each refusal names the value and the fix."""
        with pytest.raises(InvalidQueryError, match=message) as caught:
            NumberQuery(**{field: value})  # type: ignore[arg-type]
        assert str(value) in str(caught.value)


def test_area_codes_of_other_countries_keep_their_lengths() -> None:
    """Outside North America an area code may have two to five digits."""
    assert "20" == NumberQuery(country="GB", area_code="20").area_code


class TestDeliveryStatus:
    """The normalized status vocabulary."""

    def test_progress_order(self) -> None:
        """Statuses rank in delivery order; final ones outrank the rest."""
        order = [DeliveryStatus.PENDING, DeliveryStatus.QUEUED, DeliveryStatus.SENT]
        assert order == sorted(order, key=lambda status: status.rank)
        assert DeliveryStatus.DELIVERED.rank > DeliveryStatus.SENT.rank
        assert DeliveryStatus.FAILED.rank == DeliveryStatus.DELIVERED.rank

    @pytest.mark.parametrize("status", list(DeliveryStatus))
    def test_final_statuses_have_the_top_rank(self, status: DeliveryStatus) -> None:
        """Only a final status has the highest rank."""
        assert status.is_final == (status.rank == DeliveryStatus.DELIVERED.rank)


class TestLinesAndSeats:
    """Derived values on lines and seats."""

    @pytest.mark.parametrize(("users", "badge"), [(0, ""), (1, ""), (2, "+1"), (4, "+3")])
    def test_shared_badge(self, users: int, badge: str) -> None:
        """The badge counts the users beyond the first."""
        line = Line(
            id="l1",
            account_id="a",
            number=PhoneNumber.parse("+14155550100"),
            provider_ref="PN1",
            user_ids=tuple(f"u{i}" for i in range(users)),
        )
        assert badge == line.shared_badge

    def test_seat_remaining_never_negative(self) -> None:
        """An overspent seat shows zero remaining."""
        assert (
            0 == Seat(id="s", account_id="a", name="Seat 1", monthly_allowance=5, used=7).remaining
        )


class TestWebhookRequest:
    """The raw request as the webhook app hands it to adapters."""

    def test_header_names_are_lower_cased(self) -> None:
        """Lookups do not depend on the carrier's header case."""
        request = WebhookRequest(method="POST", url="https://x.test/", headers={"X-Sig": "abc"})
        assert {"x-sig": "abc"} == dict(request.headers)

    def test_form_keeps_repeated_and_blank_values(self) -> None:
        """Form decoding keeps every value, blank ones too."""
        request = WebhookRequest(method="POST", url="https://x.test/", body=b"A=1&A=2&B=&C=%2B1")
        assert {"A": ["1", "2"], "B": [""], "C": ["+1"]} == request.form()


class TestManualClock:
    """Injected time for tests and the sandbox."""

    def test_advances_forward_only(self) -> None:
        """The clock moves when told, and never back."""
        clock = ManualClock(datetime(2026, 1, 31, 23, 59, tzinfo=UTC))
        assert datetime(2026, 2, 1, 0, 1, tzinfo=UTC) == clock.advance(timedelta(minutes=2))
        with pytest.raises(ValueError, match="only moves forward"):
            clock.advance(timedelta(seconds=-1))

    def test_refuses_naive_datetimes(self) -> None:
        """A clock without a timezone would make local-time rules ambiguous."""
        with pytest.raises(ValueError, match="aware"):
            ManualClock(datetime(2026, 1, 1))


class TestFinalFailures:
    """The core reads a failure's ``final`` flag, never the carrier's code behind it."""

    def test_final_flag_forbids_resubmission_whatever_the_code(self) -> None:
        """A final failure, even without a code, means support; the advice names its words."""
        record = StepRecord(
            step=RegistrationStep.BRAND,
            status=StepStatus.FAILED,
            failures=(RegistrationFailure(reason="refused as high risk", final=True),),
        )
        troubleshooting = record.troubleshooting
        assert troubleshooting is not None
        assert (record.failures, NextAction.CONTACT_SUPPORT) == (
            record.final_failures,
            troubleshooting.action,
        )
        assert "refused as high risk" in troubleshooting.advice

    def test_a_code_alone_decides_nothing(self) -> None:
        """A code the core once treated as final (30885) is resubmittable unless flagged."""
        record = StepRecord(
            step=RegistrationStep.BRAND,
            status=StepStatus.FAILED,
            failures=(RegistrationFailure(reason="High risk brand", code="30885"),),
        )
        assert () == record.final_failures


class TestCarrierKeyword:
    """An inbound text's carrier verdict is a definite keyword class, or nothing."""

    def test_possible_opt_out_is_no_carrier_verdict(self) -> None:
        """A carrier acts on keywords, never on a hint: the adapter is told what to report."""
        with pytest.raises(ValueError, match="carrier_keyword 'possible_opt_out'"):
            _inbound(carrier_keyword=KeywordClass.POSSIBLE_OPT_OUT)

    def test_provider_keyword_warns(self) -> None:
        """The deprecated word still builds the event, with a warning that names the fix."""
        with pytest.warns(DeprecationWarning, match="carrier_keyword=KeywordClass"):
            event = _inbound(provider_keyword="STOP")
        assert (None, "STOP") == (event.carrier_keyword, event.provider_keyword)


def _inbound(
    *, carrier_keyword: KeywordClass | None = None, provider_keyword: str | None = None
) -> InboundMessage:
    return InboundMessage(
        provider_message_id="m-1",
        sender=PhoneNumber(e164="+14155550199"),
        recipient=PhoneNumber(e164="+14155550100"),
        body="STOP",
        carrier_keyword=carrier_keyword,
        provider_keyword=provider_keyword,
    )


class TestFailureText:
    """A failed text reads as the SDK's reason, with the carrier's code and words beside it."""

    def test_reason_code_and_words(self) -> None:
        """The reason first, then the code, then the carrier's words."""
        failed = _message(FailureReason.UNREACHABLE, "30003", "Unreachable destination handset")
        assert "unreachable (30003): Unreachable destination handset" == failed.failure_text

    def test_code_not_repeated(self) -> None:
        """Words that already name the code (a refused send) do not get it twice."""
        failed = _message(FailureReason.OPTED_OUT, "21610", "fake error 21610: opted out")
        assert "opted out: fake error 21610: opted out" == failed.failure_text

    def test_before_reasons(self) -> None:
        """A text that failed before adapters named reasons shows its code and words."""
        failed = _message(None, "30003", "Unreachable destination handset")
        assert "30003 Unreachable destination handset" == failed.failure_text

    def test_nothing_failed(self) -> None:
        """No failure, no text."""
        assert _message(None, None, None).failure_text is None


def _message(reason: FailureReason | None, code: str | None, words: str | None) -> Message:
    now = datetime(2026, 1, 5, tzinfo=UTC)
    return Message(
        id="m-1",
        account_id="acme",
        line_id="l-1",
        direction=Direction.OUTBOUND,
        sender=PhoneNumber(e164="+14155550100"),
        recipient=PhoneNumber(e164="+14155550199"),
        body="Hi",
        status=DeliveryStatus.UNDELIVERED if code else DeliveryStatus.DELIVERED,
        created_at=now,
        updated_at=now,
        error_code=code,
        error_message=words,
        failure_reason=reason,
    )


class TestStepWords:
    """A registration step or status is named in a sentence in one way, by its ``words``."""

    @pytest.mark.parametrize(
        ("expected", "value"),
        [
            ("brand", RegistrationStep.BRAND),
            ("messaging service", RegistrationStep.MESSAGING_SERVICE),
            ("not started", StepStatus.NOT_STARTED),
            ("in progress", StepStatus.IN_PROGRESS),
        ],
    )
    def test_words(self, expected: str, value: RegistrationStep | StepStatus) -> None:
        assert expected == value.words
