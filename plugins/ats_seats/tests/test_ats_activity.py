from __future__ import annotations

import logging

import pytest

from sms_ats_seats import AtsSeatsHost
from sms_core import (
    Account,
    Activity,
    Direction,
    Hooks,
    User,
    make_plugin_manager,
)
from sms_core.testing.activities import sample_activity


def activity(direction: Direction, user: User | None) -> Activity:
    return sample_activity(direction, user, candidate_id="cand-9")


class TestActivitySink:
    """Each stored message goes to the sink the host application supplies."""

    def test_sink_receives_each_activity_once(self, account: Account, recruiter: User) -> None:
        """Outbound and inbound messages arrive in order, once each."""
        received: list[Activity] = []
        hooks = Hooks(
            make_plugin_manager(
                host="ats_seats",
                plugins=[AtsSeatsHost(activity_sink=received.append)],
                load_entry_points=False,
            )
        )
        sent = activity(Direction.OUTBOUND, recruiter)
        reply = activity(Direction.INBOUND, None)
        hooks.record_activity(account, sent)
        hooks.record_activity(account, reply)
        assert [sent, reply] == received

    def test_sink_errors_reach_the_caller(self, account: Account, recruiter: User) -> None:
        """A failing sink is not silenced: the core decides what to do about it."""

        def broken_sink(activity: Activity) -> None:
            raise RuntimeError("activity store is down")

        hooks = Hooks(
            make_plugin_manager(
                host="ats_seats",
                plugins=[AtsSeatsHost(activity_sink=broken_sink)],
                load_entry_points=False,
            )
        )
        with pytest.raises(RuntimeError, match="activity store is down"):
            hooks.record_activity(account, activity(Direction.OUTBOUND, recruiter))


class TestDefaultLog:
    """Without a sink, each message goes to the core's activity log (``log_activity``)."""

    def test_one_record_per_message(
        self,
        hooks: Hooks,
        account: Account,
        recruiter: User,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        """The default sink writes one INFO record on the core's activity logger."""
        with caplog.at_level(logging.INFO, logger="sms_core.plugins.activity"):
            hooks.record_activity(account, activity(Direction.OUTBOUND, recruiter))
        assert [("sms_core.plugins.activity", logging.INFO)] == [
            (name, level) for name, level, _ in caplog.record_tuples
        ]
