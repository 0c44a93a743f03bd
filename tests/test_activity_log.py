import logging
from datetime import UTC, datetime

import pytest

from sms_core import Activity, DeliveryStatus, Direction, Message, PhoneNumber, User
from sms_core.plugins.activity import log_activity

LINE_NUMBER = PhoneNumber(e164="+14155550100")
CANDIDATE_NUMBER = PhoneNumber(e164="+14155550199")
STORED_AT = datetime(2026, 3, 1, 15, 30, tzinfo=UTC)
RECRUITER = User(id="u-ada", account_id="acme", first_name="Ada", last_name="Lee")


def activity(direction: Direction, user: User | None) -> Activity:
    outbound = direction is Direction.OUTBOUND
    message = Message(
        id=f"m-{direction.value}",
        account_id="acme",
        line_id="line-1",
        direction=direction,
        sender=LINE_NUMBER if outbound else CANDIDATE_NUMBER,
        recipient=CANDIDATE_NUMBER if outbound else LINE_NUMBER,
        body="Hi Sam, the forklift shift starts at 7. Reply YES to confirm.",
        status=DeliveryStatus.QUEUED if outbound else DeliveryStatus.RECEIVED,
        created_at=STORED_AT,
        updated_at=STORED_AT,
        candidate_id="cand-9",
        user_id=user.id if user is not None else None,
    )
    return Activity(account_id="acme", candidate_id="cand-9", message=message, user=user)


class TestLogActivity:
    """The default activity sink hosts use: ids and direction, never personal data."""

    def test_outbound_logs_ids_and_direction(self, caplog: pytest.LogCaptureFixture) -> None:
        """One INFO record names the message, line, candidate and user."""
        with caplog.at_level(logging.INFO, logger="sms_core.plugins.activity"):
            log_activity(activity(Direction.OUTBOUND, RECRUITER))
        assert [
            (
                "sms_core.plugins.activity",
                logging.INFO,
                "sms activity: outbound message m-outbound account=acme line=line-1 "
                "candidate=cand-9 user=u-ada",
            )
        ] == caplog.record_tuples

    def test_inbound_has_no_user(self, caplog: pytest.LogCaptureFixture) -> None:
        """A candidate's reply is logged without a user."""
        with caplog.at_level(logging.INFO, logger="sms_core.plugins.activity"):
            log_activity(activity(Direction.INBOUND, None))
        assert caplog.messages[-1].endswith(
            "inbound message m-inbound account=acme line=line-1 candidate=cand-9 user=-"
        )

    def test_personal_data_stays_out(self, caplog: pytest.LogCaptureFixture) -> None:
        """Neither the body nor a phone number reaches the log."""
        with caplog.at_level(logging.INFO, logger="sms_core.plugins.activity"):
            log_activity(activity(Direction.OUTBOUND, RECRUITER))
        assert "forklift" not in caplog.text
        assert "5550199" not in caplog.text
        assert "5550100" not in caplog.text
