"""Twilio's delivery error codes read as the SDK's failure reasons."""

import pytest

from sms_core.domain import FailureReason
from sms_twilio.errors import CODES, failure_reason


class TestFailureReason:
    """Each delivery code Twilio reports on a status update has the reason its page gives."""

    @pytest.mark.parametrize(
        ("code", "expected"),
        [
            # https://www.twilio.com/docs/api/errors/30001: the outgoing queue is full.
            ("30001", FailureReason.RATE_LIMITED),
            # https://www.twilio.com/docs/api/errors/30002: the account is suspended.
            ("30002", FailureReason.ACCOUNT_PROBLEM),
            # https://www.twilio.com/docs/api/errors/30003: "the destination handset is
            # unavailable on the carrier network".
            ("30003", FailureReason.UNREACHABLE),
            # https://www.twilio.com/docs/api/errors/30004: blocked, opted out, unavailable,
            # landline or filtered: the page names no one cause.
            ("30004", FailureReason.OTHER),
            # https://www.twilio.com/docs/api/errors/30005: unknown, inactive or no longer in
            # service.
            ("30005", FailureReason.INVALID_RECIPIENT),
            # https://www.twilio.com/docs/api/errors/30006: a landline or a carrier that takes
            # no texts.
            ("30006", FailureReason.LANDLINE_OR_UNSUPPORTED),
            # https://www.twilio.com/docs/api/errors/30007: "filtered (blocked) by Twilio or by
            # the carrier".
            ("30007", FailureReason.FILTERED),
            # https://www.twilio.com/docs/api/errors/30008: no cause given.
            ("30008", FailureReason.OTHER),
            # https://www.twilio.com/docs/api/errors/30022: throughput of the campaign exceeded.
            ("30022", FailureReason.RATE_LIMITED),
            # https://www.twilio.com/docs/api/errors/30034: no registered campaign.
            ("30034", FailureReason.UNREGISTERED_SENDER),
            # https://www.twilio.com/docs/api/errors/30036: queued longer than ValidityPeriod.
            ("30036", FailureReason.EXPIRED),
        ],
    )
    def test_delivery_code(self, code: str, expected: FailureReason) -> None:
        """The code's page decides the reason."""
        assert expected is failure_reason(code)

    def test_unknown_code_is_other(self) -> None:
        """A code the table does not know is OTHER; the raw code travels beside it."""
        assert "30999" not in CODES
        assert FailureReason.OTHER is failure_reason("30999")

    def test_no_code_no_reason(self) -> None:
        """Without a code nothing failed as far as Twilio says."""
        assert failure_reason(None) is None

    def test_every_delivery_code_has_a_reason(self) -> None:
        """A 3xxxx code added to the table must say why a text failed with it."""
        missing = [code for code, known in CODES.items() if code[0] == "3" and not known.reason]
        assert [] == missing
