import json
import re
import sqlite3
from datetime import timedelta
from pathlib import Path

import attrs
import pytest

from sms_core import (
    BrandProfile,
    EntityType,
    NumberQuery,
    NumberSettings,
    ProviderError,
    ProviderNotFoundError,
    RegistrationFailure,
    RegistrationStep,
)
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import DEFAULT_REVIEW_TIMES, Registration, SandboxCarrier


def _approved_brand(carrier: SandboxCarrier, account_id: str) -> Registration:
    brand = carrier.submit_brand(account_id, sample_brand())
    return carrier.complete_review(account_id, brand.sid)


def _verified_campaign(carrier: SandboxCarrier, account_id: str) -> Registration:
    brand = _approved_brand(carrier, account_id)
    campaign = carrier.submit_campaign(account_id, brand.sid, sample_campaign())
    return carrier.complete_review(account_id, campaign.sid)


class TestReviewTimeline:
    """Reviews run on the carrier clock."""

    @pytest.mark.parametrize(
        ("step", "reviewing", "approved", "prefix"),
        [
            (RegistrationStep.BRAND, "PENDING", "APPROVED", "BN"),
            (RegistrationStep.CAMPAIGN, "IN_PROGRESS", "VERIFIED", "QE"),
            (RegistrationStep.MESSAGING_SERVICE, "PENDING", "ACTIVE", "MG"),
        ],
    )
    def test_step_is_reviewed_for_its_duration(
        self,
        carrier: SandboxCarrier,
        account_id: str,
        step: RegistrationStep,
        reviewing: str,
        approved: str,
        prefix: str,
    ) -> None:
        """A step is under review until its review time has passed, then approved."""
        submitted = _submit(carrier, account_id, step)
        assert re.fullmatch(rf"{prefix}[0-9a-f]{{32}}", submitted.sid)
        assert reviewing == submitted.status
        carrier.advance(DEFAULT_REVIEW_TIMES[step] - timedelta(seconds=1))
        assert reviewing == carrier.registration(account_id, submitted.sid).status
        carrier.advance(timedelta(seconds=1))
        decided = carrier.registration(account_id, submitted.sid)
        assert approved == decided.status
        assert submitted.submitted_at + DEFAULT_REVIEW_TIMES[step] == decided.decided_at

    def test_default_durations_follow_the_seeds(self) -> None:
        """A brand takes an hour, a campaign a few hours, a messaging service a day."""
        assert timedelta(hours=1) == DEFAULT_REVIEW_TIMES[RegistrationStep.BRAND]
        assert timedelta(hours=4) == DEFAULT_REVIEW_TIMES[RegistrationStep.CAMPAIGN]
        assert timedelta(days=1) == DEFAULT_REVIEW_TIMES[RegistrationStep.MESSAGING_SERVICE]

    def test_set_duration_applies_to_later_submissions(
        self, carrier: SandboxCarrier, account_id: str
    ) -> None:
        """A new review time changes reviews submitted after it, not the running one."""
        running = carrier.submit_brand(account_id, sample_brand())
        carrier.set_review_duration(RegistrationStep.BRAND, timedelta(minutes=5))
        later = carrier.submit_brand(account_id, sample_brand("Other Agency LLC"))
        assert timedelta(minutes=5) == carrier.review_duration(RegistrationStep.BRAND)
        carrier.advance(timedelta(minutes=5))
        assert "PENDING" == carrier.registration(account_id, running.sid).status
        assert "APPROVED" == carrier.registration(account_id, later.sid).status

    def test_negative_duration_is_refused(self, carrier: SandboxCarrier) -> None:
        """A review cannot end before it starts."""
        with pytest.raises(ValueError, match="negative"):
            carrier.set_review_duration(RegistrationStep.BRAND, timedelta(seconds=-1))

    def test_complete_review_moves_the_clock_to_the_decision(
        self, carrier: SandboxCarrier, account_id: str
    ) -> None:
        """Completing a review advances carrier time exactly to its end, once."""
        brand = carrier.submit_brand(account_id, sample_brand())
        assert "APPROVED" == carrier.complete_review(account_id, brand.sid).status
        assert brand.submitted_at + timedelta(hours=1) == carrier.now()
        carrier.complete_review(account_id, brand.sid)
        assert brand.submitted_at + timedelta(hours=1) == carrier.now()


class TestFailures:
    """Planned failures and resubmissions."""

    def test_planned_failure_fails_the_next_submission(
        self, carrier: SandboxCarrier, account_id: str
    ) -> None:
        """The failure shows once the review ends, with the planned reason and code."""
        carrier.fail_next(account_id, RegistrationStep.BRAND, "TAX_ID mismatch", "30794", "tax_id")
        brand = carrier.submit_brand(account_id, sample_brand())
        assert ("PENDING", None) == (brand.status, brand.failure)
        failed = carrier.complete_review(account_id, brand.sid)
        assert "FAILED" == failed.status
        expected = RegistrationFailure(reason="TAX_ID mismatch", code="30794", field="tax_id")
        assert expected == failed.failure

    @pytest.mark.parametrize(("code", "final"), [("30885", True), ("30794", False), (None, False)])
    def test_high_risk_failure_is_final(
        self, carrier: SandboxCarrier, account_id: str, code: str | None, final: bool
    ) -> None:
        """Like Twilio, a 30885 (high risk or fraud) failure takes no resubmission: ``final``.

        Source: https://www.twilio.com/docs/api/errors/30885 ("no resubmission allowed", as
        /work/shared/reference/sms-rules.md section 6 sums it up).
        """
        carrier.fail_next(account_id, RegistrationStep.BRAND, "High risk brand", code)
        brand = carrier.submit_brand(account_id, sample_brand())
        failed = carrier.complete_review(account_id, brand.sid)
        assert RegistrationFailure(reason="High risk brand", code=code, final=final) == (
            failed.failure
        )

    def test_failure_is_used_once(self, carrier: SandboxCarrier, account_id: str) -> None:
        """Only the next submission fails; the one after it is approved."""
        carrier.fail_next(account_id, RegistrationStep.BRAND, "TAX_ID mismatch")
        first = carrier.submit_brand(account_id, sample_brand())
        second = carrier.submit_brand(account_id, sample_brand())
        assert "FAILED" == carrier.complete_review(account_id, first.sid).status
        assert "APPROVED" == carrier.complete_review(account_id, second.sid).status

    def test_failure_belongs_to_its_account_and_step(
        self, carrier: SandboxCarrier, account_id: str
    ) -> None:
        """A failure planned for a campaign, or for another account, leaves this brand alone."""
        carrier.fail_next(account_id, RegistrationStep.CAMPAIGN, "Samples", "30893")
        carrier.fail_next("other-agency", RegistrationStep.BRAND, "TAX_ID mismatch")
        brand = carrier.submit_brand(account_id, sample_brand())
        assert "APPROVED" == carrier.complete_review(account_id, brand.sid).status

    def test_resubmitting_a_failed_step_starts_a_new_review(
        self, carrier: SandboxCarrier, account_id: str
    ) -> None:
        """The failed campaign is reviewed again under its id, from now, and approved."""
        brand = _approved_brand(carrier, account_id)
        reason = "Sample messages do not name the brand"
        carrier.fail_next(account_id, RegistrationStep.CAMPAIGN, reason, "30893")
        campaign = carrier.submit_campaign(account_id, brand.sid, sample_campaign())
        assert "FAILED" == carrier.complete_review(account_id, campaign.sid).status
        again = carrier.submit_campaign(account_id, brand.sid, sample_campaign(), campaign.sid)
        assert (campaign.sid, "IN_PROGRESS", None) == (again.sid, again.status, again.failure)
        assert carrier.now() == again.submitted_at
        assert "VERIFIED" == carrier.complete_review(account_id, again.sid).status

    def test_resubmitting_a_step_under_review_changes_nothing(
        self, carrier: SandboxCarrier, account_id: str
    ) -> None:
        """Only a failed step is reviewed again."""
        brand = carrier.submit_brand(account_id, sample_brand())
        carrier.advance(timedelta(minutes=30))
        assert brand == carrier.submit_brand(account_id, sample_brand(), brand.sid)

    def test_resubmitting_an_unknown_step_is_not_found(
        self, carrier: SandboxCarrier, account_id: str
    ) -> None:
        """A previous id that is not the account's brand raises ProviderNotFoundError."""
        with pytest.raises(ProviderNotFoundError):
            carrier.submit_brand(account_id, sample_brand(), "BN" + "0" * 32)


class TestOrder:
    """Each step needs the one before it approved."""

    def test_campaign_needs_an_approved_brand(
        self, carrier: SandboxCarrier, account_id: str
    ) -> None:
        """A campaign under a pending brand is refused with code 20409."""
        brand = carrier.submit_brand(account_id, sample_brand())
        with pytest.raises(ProviderError, match="is PENDING") as caught:
            carrier.submit_campaign(account_id, brand.sid, sample_campaign())
        assert "20409" == caught.value.code

    def test_service_needs_a_verified_campaign(
        self, carrier: SandboxCarrier, account_id: str
    ) -> None:
        """A messaging service for a campaign still in review is refused."""
        brand = _approved_brand(carrier, account_id)
        campaign = carrier.submit_campaign(account_id, brand.sid, sample_campaign())
        with pytest.raises(ProviderError, match="is IN_PROGRESS"):
            carrier.submit_messaging_service(account_id, campaign.sid)

    def test_brand_of_another_account_is_not_found(
        self, carrier: SandboxCarrier, account_id: str
    ) -> None:
        """Another account's approved brand cannot carry this account's campaign."""
        brand = _approved_brand(carrier, "other-agency")
        with pytest.raises(ProviderNotFoundError):
            carrier.submit_campaign(account_id, brand.sid, sample_campaign())

    def test_campaign_id_is_not_a_brand(self, carrier: SandboxCarrier, account_id: str) -> None:
        """A campaign's id passed as a brand's is not found."""
        campaign = _verified_campaign(carrier, account_id)
        with pytest.raises(ProviderNotFoundError, match="brand"):
            carrier.submit_campaign(account_id, campaign.sid, sample_campaign())

    def test_campaign_has_one_messaging_service(
        self, carrier: SandboxCarrier, account_id: str
    ) -> None:
        """Setting the service up again returns it; after a failure it is reviewed again."""
        campaign = _verified_campaign(carrier, account_id)
        carrier.fail_next(account_id, RegistrationStep.MESSAGING_SERVICE, "Provisioning error")
        service = carrier.submit_messaging_service(account_id, campaign.sid)
        assert service == carrier.submit_messaging_service(account_id, campaign.sid)
        assert "FAILED" == carrier.complete_review(account_id, service.sid).status
        again = carrier.submit_messaging_service(account_id, campaign.sid)
        assert (service.sid, "PENDING") == (again.sid, again.status)


class TestAttach:
    """Numbers join a messaging service's sender pool."""

    def test_attach_is_idempotent(self, carrier: SandboxCarrier, account_id: str) -> None:
        """Attaching twice leaves the number in the service."""
        campaign = _verified_campaign(carrier, account_id)
        service = carrier.submit_messaging_service(account_id, campaign.sid)
        offer = carrier.search_numbers(NumberQuery(area_code="415", limit=1))[0]
        number = carrier.purchase_number(account_id, offer.number)
        carrier.attach_number(account_id, service.sid, number.sid)
        attached = carrier.attach_number(account_id, service.sid, number.sid)
        assert service.sid == attached.service_sid

    def test_failed_service_takes_no_numbers(
        self, carrier: SandboxCarrier, account_id: str
    ) -> None:
        """A number cannot join a service whose setup failed."""
        campaign = _verified_campaign(carrier, account_id)
        carrier.fail_next(account_id, RegistrationStep.MESSAGING_SERVICE, "Provisioning error")
        service = carrier.submit_messaging_service(account_id, campaign.sid)
        carrier.complete_review(account_id, service.sid)
        offer = carrier.search_numbers(NumberQuery(area_code="415", limit=1))[0]
        number = carrier.purchase_number(account_id, offer.number)
        with pytest.raises(ProviderError, match="resubmit it"):
            carrier.attach_number(account_id, service.sid, number.sid)

    def test_brand_is_not_a_service(self, carrier: SandboxCarrier, account_id: str) -> None:
        """A brand's id is no messaging service."""
        brand = _approved_brand(carrier, account_id)
        offer = carrier.search_numbers(NumberQuery(area_code="415", limit=1))[0]
        number = carrier.purchase_number(account_id, offer.number, NumberSettings())
        with pytest.raises(ProviderNotFoundError):
            carrier.attach_number(account_id, brand.sid, number.sid)


def _submit(carrier: SandboxCarrier, account_id: str, step: RegistrationStep) -> Registration:
    if step is RegistrationStep.BRAND:
        return carrier.submit_brand(account_id, sample_brand())
    if step is RegistrationStep.CAMPAIGN:
        brand = _approved_brand(carrier, account_id)
        return carrier.submit_campaign(account_id, brand.sid, sample_campaign())
    campaign = _verified_campaign(carrier, account_id)
    return carrier.submit_messaging_service(account_id, campaign.sid)


class TestNumberRegistration:
    """Numbers in an active service are registered with the carriers on the carrier clock."""

    EVENTS = "https://hooks.example/northwind/events"

    def service(self, carrier: SandboxCarrier, account_id: str) -> Registration:
        campaign = _verified_campaign(carrier, account_id)
        return carrier.submit_messaging_service(
            account_id, campaign.sid, NumberSettings(events_url=self.EVENTS)
        )

    def number_sid(self, carrier: SandboxCarrier, account_id: str) -> str:
        [offer] = carrier.search_numbers(NumberQuery(area_code="415", limit=1))
        return carrier.purchase_number(account_id, offer.number).sid

    def reports(self, carrier: SandboxCarrier, number_sid: str) -> list[tuple[str, str | None]]:
        bodies = [json.loads(r.body) for r in carrier.collect_webhooks(subject_sid=number_sid)]
        return [(body["status"], body["error_code"]) for body in bodies]

    def test_starts_when_the_service_is_active(
        self, carrier: SandboxCarrier, account_id: str
    ) -> None:
        """Attached to a service under review: pending once it is active, registered later."""
        service = self.service(carrier, account_id)
        number = self.number_sid(carrier, account_id)
        carrier.attach_number(account_id, service.sid, number)
        assert [] == self.reports(carrier, number)
        carrier.advance(DEFAULT_REVIEW_TIMES[RegistrationStep.MESSAGING_SERVICE])
        assert [("pending_registration", None)] == self.reports(carrier, number)
        carrier.advance(carrier.number_registration_duration() - timedelta(microseconds=1))
        assert [] == self.reports(carrier, number)
        carrier.advance(timedelta(microseconds=1))
        assert [("registered", None)] == self.reports(carrier, number)

    def test_planned_failure_and_duration(self, carrier: SandboxCarrier, account_id: str) -> None:
        """A planned failure fails the next number only; a new duration applies to later ones."""
        service = carrier.complete_review(account_id, self.service(carrier, account_id).sid)
        carrier.set_number_registration_duration(timedelta(minutes=10))
        carrier.fail_next_number_registration(account_id, "flagged", code="30999")
        first, second = self.number_sid(carrier, account_id), self.number_sid(carrier, account_id)
        carrier.attach_number(account_id, service.sid, first)
        carrier.attach_number(account_id, service.sid, second)
        carrier.attach_number(account_id, service.sid, second)  # twice: nothing new
        carrier.advance(timedelta(minutes=10))
        assert [("pending_registration", None), ("failure", "30999")] == self.reports(
            carrier, first
        )
        assert [("pending_registration", None), ("registered", None)] == self.reports(
            carrier, second
        )

    def test_without_events_url_nothing_is_sent(
        self, carrier: SandboxCarrier, account_id: str
    ) -> None:
        """A service set up without an events URL reports nothing, like an unset webhook."""
        campaign = _verified_campaign(carrier, account_id)
        service = carrier.submit_messaging_service(account_id, campaign.sid)
        service = carrier.complete_review(account_id, service.sid)
        number = self.number_sid(carrier, account_id)
        carrier.attach_number(account_id, service.sid, number)
        carrier.advance(carrier.number_registration_duration())
        assert [] == self.reports(carrier, number)

    def test_negative_duration_refused(self, carrier: SandboxCarrier) -> None:
        """A registration cannot take a negative time."""
        with pytest.raises(ValueError, match="negative"):
            carrier.set_number_registration_duration(timedelta(seconds=-1))


def _sole_proprietor() -> BrandProfile:
    return attrs.evolve(sample_brand("Dana Reyes"), entity_type=EntityType.SOLE_PROPRIETOR)


class TestConfirmation:
    """A sole proprietor's or public company's brand waits for its person after review."""

    @pytest.mark.parametrize(
        "entity_type", [EntityType.SOLE_PROPRIETOR, EntityType.PUBLIC_PROFIT], ids=str
    )
    def test_unconfirmed_until_confirmed(
        self, carrier: SandboxCarrier, account_id: str, entity_type: EntityType
    ) -> None:
        """Reviewed: UNCONFIRMED, no campaign yet; confirmed: APPROVED, campaigns welcome."""
        brand = attrs.evolve(_sole_proprietor(), entity_type=entity_type)
        submitted = carrier.submit_brand(account_id, brand)
        assert "UNCONFIRMED" == carrier.complete_review(account_id, submitted.sid).status
        with pytest.raises(ProviderError, match="only be submitted once it is approved"):
            carrier.submit_campaign(account_id, submitted.sid, sample_campaign())
        assert "APPROVED" == carrier.confirm_brand(account_id, submitted.sid).status
        carrier.submit_campaign(account_id, submitted.sid, sample_campaign())

    def test_resend_counts_and_needs_a_waiting_brand(
        self, carrier: SandboxCarrier, account_id: str
    ) -> None:
        """Resending works only while the brand waits; the carrier counts each one."""
        submitted = carrier.submit_brand(account_id, _sole_proprietor())
        with pytest.raises(ProviderError, match="waits for its person"):
            carrier.resend_confirmation(account_id, submitted.sid)
        carrier.complete_review(account_id, submitted.sid)
        carrier.resend_confirmation(account_id, submitted.sid)
        carrier.resend_confirmation(account_id, submitted.sid)
        assert 2 == carrier.confirmations_sent(account_id, submitted.sid)
        carrier.confirm_brand(account_id, submitted.sid)
        with pytest.raises(ProviderError, match="it is APPROVED"):
            carrier.confirm_brand(account_id, submitted.sid)

    def test_private_company_is_approved_at_once(
        self, carrier: SandboxCarrier, account_id: str
    ) -> None:
        """A private company's brand needs no one to confirm it."""
        assert "APPROVED" == _approved_brand(carrier, account_id).status


class TestStateFileUpgrade:
    """A sandbox file written by the previous version is brought up to date on open."""

    def test_version_1_file(self, tmp_path: Path, account_id: str) -> None:
        """Its brands gain the confirmation columns and keep working."""
        path = tmp_path / "old.sqlite3"
        SandboxCarrier(path).close()
        with sqlite3.connect(path) as conn:  # back to version 1: without the new columns
            conn.execute("ALTER TABLE registrations DROP COLUMN awaiting_confirmation")
            conn.execute("ALTER TABLE registrations DROP COLUMN confirmations_sent")
            conn.execute("PRAGMA user_version=1")
        conn.close()
        carrier = SandboxCarrier(path)
        try:
            submitted = carrier.submit_brand(account_id, _sole_proprietor())
            assert "UNCONFIRMED" == carrier.complete_review(account_id, submitted.sid).status
        finally:
            carrier.close()
