from __future__ import annotations

import os
from datetime import UTC, datetime

from sms_core import OptOutChange, OptOutChanged, OptOutSource, PhoneNumber, SmsAdmin
from sms_core.cli.testing import SmsadminRunner
from sms_core.store import host_events as event_store


class TestDeliverEvents:
    """``smsadmin deliver-events`` delivers, once, the host events left undelivered."""

    def test_nothing_due(self, cli: SmsadminRunner) -> None:
        """With no event waiting, it says so."""
        assert "no host events due" in cli.ok("deliver-events").stdout

    def test_left_undelivered(self, cli: SmsadminRunner) -> None:
        """An event a stopped process committed is delivered once; a second run finds none."""
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
        assert "1 host events delivered, 0 failed again" in cli.ok("deliver-events").stdout
        assert "no host events due" in cli.ok("deliver-events").stdout

    def test_serve_option(self, cli: SmsadminRunner) -> None:
        """``serve`` runs the same delivery in the background, as often as asked."""
        assert "--deliver-events-every" in cli.ok("serve", "--help").stdout
