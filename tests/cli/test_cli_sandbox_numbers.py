"""``smsadmin sandbox``: steering numbers' registration with the mobile carriers."""

from __future__ import annotations

import json
from pathlib import Path

from sms_core import NumberQuery, NumberSettings
from sms_core.cli.testing import SmsadminRunner
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import SandboxCarrier


class TestNumberRegistrationSteering:
    """The sandbox's number registration time and planned failures, from the command line."""

    def test_registration_time(self, cli: SmsadminRunner) -> None:
        """Shown, and set for later registrations."""
        assert "takes 1:00:00" in cli.ok("sandbox", "number-registration-time").stdout
        assert "takes 0:10:00" in cli.ok("sandbox", "number-registration-time", "10m").stdout
        assert "takes 0:10:00" in cli.ok("sandbox", "number-registration-time").stdout

    def test_fail_next_number(self, cli: SmsadminRunner, environment: Path) -> None:
        """The account's next attached number fails to register, with the code given."""
        said = cli.ok(
            "sandbox", "fail-next-number", "flagged", "--code", "30999", "--account", "acme"
        )
        assert "will fail to register: flagged" in said.stdout
        with SandboxCarrier(environment / "sandbox-carrier.sqlite3") as carrier:
            brand = carrier.complete_review(
                "acme", carrier.submit_brand("acme", sample_brand()).sid
            )
            campaign = carrier.submit_campaign("acme", brand.sid, sample_campaign())
            carrier.complete_review("acme", campaign.sid)
            settings = NumberSettings(events_url="https://hooks.example/acme/events")
            service = carrier.submit_messaging_service("acme", campaign.sid, settings)
            service = carrier.complete_review("acme", service.sid)
            [offer] = carrier.search_numbers(NumberQuery(area_code="415", limit=1))
            number = carrier.purchase_number("acme", offer.number)
            carrier.attach_number("acme", service.sid, number.sid)
            carrier.advance(carrier.number_registration_duration())
            reports = carrier.collect_webhooks(subject_sid=number.sid)
        assert ["pending_registration", "failure"] == [
            json.loads(r.body)["status"] for r in reports
        ]
        assert "30999" == json.loads(reports[-1].body)["error_code"]

    def test_fail_next_number_needs_an_account(self, cli: SmsadminRunner) -> None:
        """Planning a failure names the account."""
        cli.misused("sandbox", "fail-next-number", "no reason")
