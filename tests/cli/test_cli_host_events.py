from __future__ import annotations

import os
from datetime import UTC, datetime

from sms_core import OptOutChange, OptOutChanged, OptOutSource, PhoneNumber, SmsAdmin
from sms_core.cli.testing import SmsadminRunner
from sms_core.store import host_events as event_store

from .test_cli_demo import serve_until_logged


class TestDeliverEvents:
    """``smsadmin deliver-events`` delivers, once, the host events left undelivered."""

    def test_nothing_due(self, cli: SmsadminRunner) -> None:
        """With no event waiting, it says so."""
        assert "no host events due" in cli.ok("deliver-events").stdout

    def test_left_undelivered(self, cli: SmsadminRunner) -> None:
        """An event a stopped process committed is delivered once; a second run finds none."""
        left_undelivered()
        assert "1 host events delivered, 0 failed again" in cli.ok("deliver-events").stdout
        assert "no host events due" in cli.ok("deliver-events").stdout

    def test_serve_delivers_in_the_background(self, cli: SmsadminRunner) -> None:
        """``serve --deliver-events-every`` delivers what was left, with no one asking."""
        left_undelivered()
        returncode = serve_until_logged(
            ["--sync-every", "0", "--reconcile-every", "0", "--deliver-events-every", "0.2"],
            "delivered 1 host events, 0 failed again",
        )
        assert 0 == returncode
        assert "no host events due" in cli.ok("deliver-events").stdout


def left_undelivered() -> None:
    """Account ``acme`` with an event a stopped process committed and never delivered."""
    with SmsAdmin.open(os.environ["SMS_DATABASE_URL"]) as admin:
        account = admin.create_account("acme", name="Acme", provider="fake").account
        at = datetime(2020, 1, 6, tzinfo=UTC)  # long due, whatever the clock says
        event = OptOutChanged(
            id="evt-1",
            account_id=account.id,
            occurred_at=at,
            number=PhoneNumber.parse("+12125550101"),
            change=OptOutChange.RECORDED,
            source=OptOutSource.HOST,
        )
        with admin.database.transaction() as connection:
            event_store.insert_event(connection, event, at)
