import logging

import pytest

from sms_core import Activity, Direction, User
from sms_core.plugins.activity import log_activity
from sms_core.testing.activities import sample_activity

RECRUITER = User(id="u-ada", account_id="acme", first_name="Ada", last_name="Lee")


def activity(direction: Direction, user: User | None) -> Activity:
    return sample_activity(direction, user, candidate_id="cand-9")


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
