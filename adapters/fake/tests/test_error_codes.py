"""The sandbox's error codes read as the SDK's failure reasons."""

import pytest

from sms_core.domain import FailureReason
from sms_fake.errors import ErrorCode, failure_reason, opted_out, refused_body


class TestFailureReason:
    """The sandbox names why a text failed for each of its codes."""

    @pytest.mark.parametrize(
        ("code", "expected"),
        [
            ("30003", FailureReason.UNREACHABLE),
            ("30005", FailureReason.INVALID_RECIPIENT),
            ("30006", FailureReason.LANDLINE_OR_UNSUPPORTED),
            ("30007", FailureReason.FILTERED),
            (ErrorCode.OPTED_OUT, FailureReason.OPTED_OUT),
            (ErrorCode.UNREGISTERED_SENDER, FailureReason.UNREGISTERED_SENDER),
            ("30999", FailureReason.OTHER),
            (None, None),
        ],
    )
    def test_code(self, code: str | None, expected: FailureReason | None) -> None:
        """Each known code has its reason; an unknown one is OTHER; no code, no reason."""
        assert expected is failure_reason(code)

    def test_refusals_carry_the_reason(self) -> None:
        """A refused send's error names the reason beside the code."""
        assert (FailureReason.OPTED_OUT, ErrorCode.OPTED_OUT) == (
            opted_out("+14155550100", "+14155550199").reason,
            opted_out("+14155550100", "+14155550199").code,
        )
        assert FailureReason.OTHER is refused_body(ErrorCode.BODY_REQUIRED, "is empty").reason
