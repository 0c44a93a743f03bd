"""``smsadmin numbers adopt`` and ``smsadmin campaign adopt`` on the sandbox carrier."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sms_core.cli.testing import E164, SmsadminRunner

if TYPE_CHECKING:
    from sms_fake import SandboxCarrier

OLD_SMS = "https://old.example.test/sms"


@pytest.fixture
def console(environment: Path, installed: None) -> Iterator[SandboxCarrier]:
    """The sandbox carrier the CLI uses, worked directly as the agency's console would be."""
    from sms_fake import SandboxCarrier  # noqa: PLC0415 - skipped, not broken, without it

    with SandboxCarrier(environment / "sandbox-carrier.sqlite3") as carrier:
        yield carrier


def hold(carrier: SandboxCarrier, area_code: str = "415") -> str:
    """Buy a number for ``acme`` in the console, its texts going to the old system."""
    from sms_core import NumberQuery, NumberSettings  # noqa: PLC0415

    [offer] = carrier.search_numbers(NumberQuery(area_code=area_code, limit=1))
    bought = carrier.purchase_number("acme", offer.number, NumberSettings(sms_url=OLD_SMS))
    return bought.number.e164


class TestNumbersAdopt:
    """numbers adopt: the list of adoptable numbers, and adopting chosen ones."""

    def test_lists_adoptable_numbers(self, widget: SmsadminRunner, console: SandboxCarrier) -> None:
        """Without numbers, the held ones are listed with where their texts go."""
        number = hold(console)
        result = widget.ok("numbers", "adopt")
        assert [number] == E164.findall(result.stdout)
        assert f"elsewhere: {OLD_SMS}" in result.stdout

    def test_nothing_to_adopt_gives_the_hint(self, widget: SmsadminRunner) -> None:
        """An account whose numbers are all lines has nothing to adopt; that is an answer."""
        result = widget.ok("numbers", "adopt")
        assert "holds no number" in result.stdout

    def test_adopts_with_users(self, widget: SmsadminRunner, console: SandboxCarrier) -> None:
        """The number becomes a line of its users and answers at the SDK."""
        number = hold(console)
        result = widget.ok("numbers", "adopt", number, "--user", f"{number}=u-ada")
        assert f"Adopted {number}" in result.stdout
        assert "Ada Lee" in widget.ok("numbers", "list").stdout
        [held] = console.numbers("acme")
        assert held.settings.sms_url is not None
        assert OLD_SMS != held.settings.sms_url
        assert "holds no number" in widget.ok("numbers", "adopt").stdout

    def test_malformed_user_pair_is_a_usage_error(
        self, widget: SmsadminRunner, console: SandboxCarrier
    ) -> None:
        """--user takes NUMBER=USER; anything else is refused before anything is done."""
        number = hold(console)
        result = widget.misused("numbers", "adopt", number, "--user", "u-ada")
        assert "NUMBER=USER" in result.output
        [held] = console.numbers("acme")
        assert OLD_SMS == held.settings.sms_url

    def test_number_not_held_is_refused(
        self, widget: SmsadminRunner, console: SandboxCarrier
    ) -> None:
        """A number the carrier does not list for the account is refused by name."""
        hold(console)
        before = widget.state()
        result = widget.refused("numbers", "adopt", "+14155550100")
        assert "+14155550100" in result.stderr
        assert before == widget.state()


class TestCampaignAdopt:
    """campaign adopt: the registration starts from what the carrier reports."""

    def test_adopts_an_approved_registration(
        self, widget: SmsadminRunner, console: SandboxCarrier
    ) -> None:
        """Three approved steps show approved, with the carrier's ids."""
        from sms_core.testing import sample_brand, sample_campaign  # noqa: PLC0415

        brand = console.submit_brand("acme", sample_brand())
        console.complete_review("acme", brand.sid)
        campaign = console.submit_campaign("acme", brand.sid, sample_campaign())
        console.complete_review("acme", campaign.sid)
        service = console.submit_messaging_service("acme", campaign.sid)
        console.complete_review("acme", service.sid)
        result = widget.ok(
            "campaign", "adopt",
            "--brand", brand.sid, "--campaign", campaign.sid, "--service", service.sid,
        )  # fmt: skip
        assert "Adopted the registration (approved)" in result.stdout
        assert all(sid in result.stdout for sid in (brand.sid, campaign.sid, service.sid))

    def test_unknown_ids_are_refused(self, widget: SmsadminRunner) -> None:
        """Ids the carrier does not know are refused; nothing is registered."""
        widget.refused(
            "campaign", "adopt", "--brand", "BN1", "--campaign", "QE1", "--service", "MG1"
        )
        assert "not started" in widget.ok("campaign", "status").stdout.lower()


class TestSandboxConsole:
    """The sandbox's hold-number and hold-registration, to try adoption from the CLI alone."""

    def test_held_number_is_adopted(self, widget: SmsadminRunner) -> None:
        """A number held through the sandbox is adoptable, then a line."""
        held = widget.ok("sandbox", "hold-number", "--area-code", "718")
        [number] = E164.findall(held.stdout)
        assert [number] == E164.findall(widget.ok("numbers", "adopt").stdout)
        widget.ok("numbers", "adopt", number, "--user", f"{number}=u-ben")
        assert "Ben Ortiz" in widget.ok("numbers", "list").stdout

    def test_held_registration_is_adopted(self, widget: SmsadminRunner) -> None:
        """The ids hold-registration prints adopt as an approved registration."""
        words = widget.ok("sandbox", "hold-registration").stdout.split()
        ids = dict(zip(words[::2], words[1::2], strict=True))
        result = widget.ok(
            "campaign", "adopt",
            "--brand", ids["brand"], "--campaign", ids["campaign"], "--service", ids["service"],
        )  # fmt: skip
        assert "Adopted the registration (approved)" in result.stdout


class TestSeatsAdopt:
    """Under a host with seats, a held number is adopted into a seat."""

    def test_numbers_adopt_points_to_seats_adopt(
        self, seats: SmsadminRunner, console: SandboxCarrier
    ) -> None:
        """'numbers adopt' is refused with the seat command to use instead."""
        number = hold(console)
        result = seats.refused("numbers", "adopt", number)
        assert "smsadmin seats adopt SEAT NUMBER" in result.stderr

    def test_seat_adopts_a_held_number(
        self, seats: SmsadminRunner, console: SandboxCarrier
    ) -> None:
        """The seat texts from the adopted number, which now answers at the SDK."""
        number = hold(console)
        result = seats.ok("seats", "adopt", "Seat 1", number)
        assert f"Seat 'Seat 1' texts from {number}" in result.stdout
        [held] = console.numbers("acme")
        assert OLD_SMS != held.settings.sms_url
