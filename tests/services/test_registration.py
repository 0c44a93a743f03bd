from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import attrs
import pytest

from sms_core import (
    Account,
    AuditAction,
    BrandProfile,
    CampaignProfile,
    CampaignUseCase,
    ConfirmationChannel,
    EntityType,
    ManualClock,
    NextAction,
    NumberQuery,
    NumberSettings,
    PhoneNumber,
    RegistrationState,
    RegistrationStep,
    StepStatus,
    hookimpl,
)
from sms_core.domain import ANSWER_LOST_CODE
from sms_core.exceptions import (
    InvalidInputError,
    PermissionDeniedError,
    ProviderTimeoutError,
    ProviderUnavailableError,
    RegistrationExistsError,
    RegistrationLintError,
    ResubmissionRefusedError,
    StepNotFailedError,
)
from sms_core.services import AccountAdmin, RegistrationPoller, SmsAdmin
from sms_core.services.registration_sync import SYNC_ACTOR
from sms_core.testing import sample_brand, sample_campaign
from sms_fake import CarrierNumber, FakeAdapter, Registration, SandboxCarrier

BRAND, CAMPAIGN, SERVICE = (
    RegistrationStep.BRAND,
    RegistrationStep.CAMPAIGN,
    RegistrationStep.MESSAGING_SERVICE,
)
#: The sandbox's review times: a brand takes an hour, a campaign four, a service a day.
REVIEW = {BRAND: timedelta(hours=1), CAMPAIGN: timedelta(hours=4), SERVICE: timedelta(days=1)}


class RecordingCarrier(SandboxCarrier):
    """The sandbox carrier, noting every registration submission it receives.

    A step in ``lose_next_answer`` is registered on its next submission, and then its answer
    is lost on the way back (``ProviderTimeoutError``).
    """

    def __init__(self, path: Path, *, clock: ManualClock) -> None:
        super().__init__(path, clock=clock)
        self.submissions: list[RegistrationStep] = []
        self.lose_next_answer: set[RegistrationStep] = set()
        self.refuse_next_attachment = False

    def submit_brand(
        self, account_id: str, brand: BrandProfile, previous_sid: str | None = None
    ) -> Registration:
        self.submissions.append(BRAND)
        return self._answer(BRAND, super().submit_brand(account_id, brand, previous_sid))

    def submit_campaign(
        self,
        account_id: str,
        brand_sid: str,
        campaign: CampaignProfile,
        previous_sid: str | None = None,
    ) -> Registration:
        self.submissions.append(CAMPAIGN)
        submitted = super().submit_campaign(account_id, brand_sid, campaign, previous_sid)
        return self._answer(CAMPAIGN, submitted)

    def attach_number(self, account_id: str, service_sid: str, number_sid: str) -> CarrierNumber:
        if self.refuse_next_attachment:
            self.refuse_next_attachment = False
            raise ProviderUnavailableError("the carrier is down", provider="fake")
        return super().attach_number(account_id, service_sid, number_sid)

    def _answer(self, step: RegistrationStep, registration: Registration) -> Registration:
        if step in self.lose_next_answer:
            self.lose_next_answer.discard(step)
            raise ProviderTimeoutError("read timed out", provider="fake")
        return registration

    def submit_messaging_service(
        self, account_id: str, campaign_sid: str, settings: NumberSettings | None = None
    ) -> Registration:
        self.submissions.append(SERVICE)
        return super().submit_messaging_service(account_id, campaign_sid, settings)


@pytest.fixture
def carrier(carrier_path: Path, clock: ManualClock) -> Iterator[RecordingCarrier]:
    """The sandbox carrier on the tests' manual clock, moved ahead only by ``advance``."""
    opened = RecordingCarrier(carrier_path, clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def admin(
    database_url: str, clock: ManualClock, host: str | None, carrier: RecordingCarrier
) -> Iterator[SmsAdmin]:
    with SmsAdmin.open(
        database_url,
        host=host,
        plugins=[FakeAdapter(carrier=carrier)],
        clock=clock,
        webhook_base_url="https://sms.example.test/webhooks",
        rng=random.Random(7),
    ) as opened:
        yield opened


def buy(account: AccountAdmin, user_id: str) -> PhoneNumber:
    [offer] = account.numbers.search("admin", NumberQuery(area_code="415", limit=1))
    account.numbers.purchase("admin", offer.number, [user_id], accept_terms=True)
    return offer.number


def registered(account: AccountAdmin) -> dict[str, bool]:
    return {str(s.line.number): s.line.registered for s in account.numbers.list()}


def review(carrier: SandboxCarrier, account: AccountAdmin, step: RegistrationStep) -> None:
    """Let the carrier's review of ``step`` end, then sync."""
    carrier.advance(REVIEW[step])
    account.registration.sync()


def state(account: AccountAdmin) -> tuple[object, ...]:
    """Everything a registration action could change, to show a refusal changed nothing."""
    return (account.registration.status(), tuple(account.audit.list()), account.policy.get())


def approve_all(carrier: SandboxCarrier, account: AccountAdmin) -> None:
    account.registration.register("admin", sample_brand(), sample_campaign())
    for step in RegistrationStep:
        review(carrier, account, step)


class TestRegister:
    """Starting a registration: lint, then the brand goes to the carrier."""

    def test_brand_submitted_campaign_kept(
        self, acme: AccountAdmin, carrier: RecordingCarrier, clock: ManualClock
    ) -> None:
        """The brand is in progress at the carrier; the campaign waits with its form."""
        submission = acme.registration.register("admin", sample_brand(), sample_campaign())
        status = submission.status
        assert [BRAND] == carrier.submissions
        assert StepStatus.IN_PROGRESS == status.brand.status
        assert "PENDING" == status.brand.raw_status
        assert status.brand.provider_ref
        assert 1 == status.brand.attempts
        assert clock.now() == status.brand.submitted_at
        assert StepStatus.NOT_STARTED == status.campaign.status
        assert sample_campaign() == status.campaign_profile
        assert sample_brand() == status.brand_profile
        assert StepStatus.NOT_STARTED == status.messaging_service.status
        assert StepStatus.IN_PROGRESS == status.overall
        assert () == submission.warnings

    def test_policy_settings_fill_the_form(self, acme: AccountAdmin) -> None:
        """Empty policy URLs on the form are taken from the policy settings."""
        acme.policy.set(
            "admin",
            privacy_policy_url="https://acme.example.com/privacy",
            terms_and_conditions_url="https://acme.example.com/terms",
        )
        form = attrs.evolve(sample_campaign(), privacy_policy_url="", terms_and_conditions_url="")
        status = acme.registration.register("admin", sample_brand(), form).status
        assert status.campaign_profile is not None
        assert "https://acme.example.com/privacy" == status.campaign_profile.privacy_policy_url
        assert "https://acme.example.com/terms" == status.campaign_profile.terms_and_conditions_url

    def test_warnings_do_not_block(self, acme: AccountAdmin) -> None:
        """A free-mail contact is a warning: returned, and the brand is submitted."""
        brand = sample_brand()
        brand = attrs.evolve(brand, contact=attrs.evolve(brand.contact, email="dana@gmail.com"))
        submission = acme.registration.register("admin", brand, sample_campaign())
        assert ["contact-free-mail"] == [issue.rule for issue in submission.warnings]
        assert StepStatus.IN_PROGRESS == submission.status.brand.status

    def test_audited(self, acme: AccountAdmin) -> None:
        """The audit trail names the admin, the brand and the carrier's id."""
        status = acme.registration.register("admin", sample_brand(), sample_campaign()).status
        [entry] = acme.audit.list(action=AuditAction.REGISTER)
        assert "admin" == entry.actor_id
        assert "brand" == entry.target
        assert entry.after is not None
        assert status.brand.provider_ref == entry.after["provider_ref"]
        assert "Northwind Staffing LLC" == entry.after["brand"]


class TestRefusals:
    """Every refusal names the field or state and the fix, and changes nothing anywhere."""

    def test_lint_errors_block(self, acme: AccountAdmin, carrier: RecordingCarrier) -> None:
        """Every error is reported at once, nothing is stored and the carrier saw nothing."""
        before = state(acme)
        form = attrs.evolve(
            sample_campaign(), sample_messages=("Hi there, interview?",), privacy_policy_url=""
        )
        with pytest.raises(RegistrationLintError, match=r"campaign\.privacy_policy_url") as caught:
            acme.registration.register("admin", sample_brand(), form)
        fields = {issue.field for issue in caught.value.report.errors}
        assert {
            "campaign.sample_messages",
            "campaign.privacy_policy_url",
        } <= fields
        assert before == state(acme)
        assert [] == carrier.submissions

    def test_missing_policy_urls(self, acme: AccountAdmin, carrier: RecordingCarrier) -> None:
        """Without URLs on the form or in the settings, both fields are named with the fix."""
        form = attrs.evolve(sample_campaign(), privacy_policy_url="", terms_and_conditions_url="")
        with pytest.raises(RegistrationLintError, match="policy settings") as caught:
            acme.registration.register("admin", sample_brand(), form)
        assert [
            "campaign.privacy_policy_url",
            "campaign.terms_and_conditions_url",
        ] == [issue.field for issue in caught.value.report.errors]
        assert [] == carrier.submissions

    def test_non_https_policy_url(self, acme: AccountAdmin, carrier: RecordingCarrier) -> None:
        """An http policy URL on the form is an error naming the field and value."""
        form = attrs.evolve(sample_campaign(), privacy_policy_url="http://acme.example.com/p")
        with pytest.raises(RegistrationLintError, match="uses http:// instead of https://"):
            acme.registration.register("admin", sample_brand(), form)
        assert [] == carrier.submissions

    def test_second_registration_in_progress(
        self, acme: AccountAdmin, carrier: RecordingCarrier
    ) -> None:
        """While the brand is under review a second registration is refused."""
        acme.registration.register("admin", sample_brand(), sample_campaign())
        before = state(acme)
        with pytest.raises(RegistrationExistsError, match=r"brand in progress.*wait") as caught:
            acme.registration.register("admin", sample_brand(), sample_campaign())
        assert BRAND == caught.value.step
        assert before == state(acme)
        assert [BRAND] == carrier.submissions

    def test_second_registration_when_approved(
        self, acme: AccountAdmin, carrier: RecordingCarrier
    ) -> None:
        """An approved account needs no second registration."""
        approve_all(carrier, acme)
        before = state(acme)
        with pytest.raises(RegistrationExistsError, match="the account is registered"):
            acme.registration.register("admin", sample_brand(), sample_campaign())
        assert before == state(acme)
        assert [BRAND, CAMPAIGN, SERVICE] == carrier.submissions

    def test_second_registration_after_failure(
        self, acme: AccountAdmin, carrier: RecordingCarrier
    ) -> None:
        """A failed registration is fixed and resubmitted, not registered again."""
        carrier.fail_next("acme", BRAND, "TAX_ID: the EIN does not match the name", "30794")
        acme.registration.register("admin", sample_brand(), sample_campaign())
        review(carrier, acme, BRAND)
        with pytest.raises(RegistrationExistsError, match="fix the brand and resubmit it"):
            acme.registration.register("admin", sample_brand(), sample_campaign())
        assert [BRAND] == carrier.submissions

    @pytest.mark.parametrize("step", list(RegistrationStep), ids=str)
    def test_non_admin(
        self, acme: AccountAdmin, carrier: RecordingCarrier, step: RegistrationStep
    ) -> None:
        """A recruiter may neither register nor resubmit."""
        before = state(acme)
        with pytest.raises(PermissionDeniedError, match=r"sms\.admin"):
            acme.registration.register("ann", sample_brand(), sample_campaign())
        with pytest.raises(PermissionDeniedError, match=r"sms\.admin"):
            acme.registration.resubmit("ann", step)
        assert before == state(acme)
        assert [] == carrier.submissions

    @pytest.mark.parametrize(
        ("step", "message"),
        [
            (BRAND, "brand is in progress, not failed.*wait for the carrier's review"),
            (CAMPAIGN, "campaign is not started.*once the step before it is approved"),
            (SERVICE, "messaging service is not started"),
        ],
    )
    def test_resubmitting_a_step_that_has_not_failed(
        self,
        acme: AccountAdmin,
        carrier: RecordingCarrier,
        step: RegistrationStep,
        message: str,
    ) -> None:
        """Only a failed step can be resubmitted; the error names the step's state."""
        acme.registration.register("admin", sample_brand(), sample_campaign())
        before = state(acme)
        with pytest.raises(StepNotFailedError, match=message) as caught:
            acme.registration.resubmit("admin", step)
        assert step == caught.value.step
        assert before == state(acme)
        assert [BRAND] == carrier.submissions

    def test_resubmitting_an_approved_step(
        self, acme: AccountAdmin, carrier: RecordingCarrier
    ) -> None:
        """An approved step needs no resubmission."""
        approve_all(carrier, acme)
        with pytest.raises(StepNotFailedError, match="approved step needs no resubmission"):
            acme.registration.resubmit("admin", CAMPAIGN, campaign=sample_campaign())
        assert [BRAND, CAMPAIGN, SERVICE] == carrier.submissions

    def test_resubmitting_without_a_registration(self, acme: AccountAdmin) -> None:
        """Nothing registered, nothing to resubmit: register first."""
        with pytest.raises(StepNotFailedError, match="register first"):
            acme.registration.resubmit("admin", BRAND, brand=sample_brand())

    def test_campaign_resubmission_takes_no_brand(self, acme: AccountAdmin) -> None:
        """The approved brand cannot change with a campaign resubmission."""
        with pytest.raises(InvalidInputError, match="pass only campaign"):
            acme.registration.resubmit("admin", CAMPAIGN, brand=sample_brand())


class TestApproval:
    """From nothing to an approved registration with registered lines, by sync."""

    def test_nothing_to_send_ready(self, acme: AccountAdmin, carrier: RecordingCarrier) -> None:
        """Each approval starts the next step; lines are attached when the service is ready."""
        early = buy(acme, "ann")
        acme.registration.register("admin", sample_brand(), sample_campaign())
        assert () == acme.registration.sync().changed  # still under review

        carrier.advance(REVIEW[BRAND])
        report = acme.registration.sync()
        assert (CAMPAIGN,) == report.submitted
        assert (BRAND, CAMPAIGN) == report.changed
        assert StepStatus.APPROVED == report.status.brand.status
        assert StepStatus.IN_PROGRESS == report.status.campaign.status
        during = buy(acme, "bob")
        assert {str(early): False, str(during): False} == registered(acme)

        carrier.advance(REVIEW[CAMPAIGN])
        report = acme.registration.sync()
        assert (SERVICE,) == report.submitted
        assert StepStatus.IN_PROGRESS == report.status.messaging_service.status
        assert () == report.attached

        carrier.advance(REVIEW[SERVICE])
        report = acme.registration.sync()
        assert () == report.submitted
        assert {early, during} == set(report.attached)
        assert report.status.send_ready
        assert {str(early): True, str(during): True} == registered(acme)

        after = buy(acme, "cy")
        assert registered(acme)[str(after)]
        assert [BRAND, CAMPAIGN, SERVICE] == carrier.submissions
        service_ref = report.status.messaging_service.provider_ref
        assert {service_ref} == {number.service_sid for number in carrier.numbers("acme")}

    def test_sync_is_idempotent(self, acme: AccountAdmin, carrier: RecordingCarrier) -> None:
        """Once everything is approved, another sync submits and changes nothing."""
        buy(acme, "ann")
        approve_all(carrier, acme)
        report = acme.registration.sync()
        assert ((), (), ()) == (report.submitted, report.changed, report.attached)
        assert [BRAND, CAMPAIGN, SERVICE] == carrier.submissions

    def test_sync_without_registration(self, acme: AccountAdmin) -> None:
        """An account that never registered has nothing to sync."""
        report = acme.registration.sync()
        assert StepStatus.NOT_STARTED == report.status.overall
        assert () == report.submitted

    def test_one_sync_catches_up(self, acme: AccountAdmin, carrier: RecordingCarrier) -> None:
        """After a long pause one sync records the approval and submits the next step."""
        acme.registration.register("admin", sample_brand(), sample_campaign())
        carrier.advance(timedelta(days=10))
        report = acme.registration.sync()
        assert (CAMPAIGN,) == report.submitted
        assert StepStatus.IN_PROGRESS == report.status.campaign.status

    def test_a_named_actor_needs_the_registration_permission(
        self, acme: AccountAdmin, carrier: RecordingCarrier
    ) -> None:
        """A screen's "check now" names its user; a recruiter is refused before the carrier."""
        acme.registration.register("admin", sample_brand(), sample_campaign())
        carrier.advance(timedelta(days=10))
        before = state(acme)
        with pytest.raises(PermissionDeniedError, match=r"sms\.admin"):
            acme.registration.sync(actor_id="ann")
        assert before == state(acme)
        assert [BRAND] == carrier.submissions
        report = acme.registration.sync(actor_id="admin")
        assert (CAMPAIGN,) == report.submitted

    def test_may_manage_is_the_registration_permission(self, acme: AccountAdmin) -> None:
        """Asked beforehand by a screen: the admin may, a recruiter may not, as the actions."""
        assert (True, False) == (
            acme.registration.may_manage("admin"),
            acme.registration.may_manage("ann"),
        )

    def test_sync_is_audited(self, acme: AccountAdmin, carrier: RecordingCarrier) -> None:
        """Approvals, submissions and attached numbers are in the trail, by the sync actor."""
        number = buy(acme, "ann")
        approve_all(carrier, acme)
        entries = [e for e in acme.audit.list() if e.actor_id == SYNC_ACTOR]
        assert [
            (AuditAction.REGISTER_NUMBER, str(number)),
            (AuditAction.STEP_DECIDED, "messaging_service"),
            (AuditAction.SUBMIT_STEP, "messaging_service"),
            (AuditAction.STEP_DECIDED, "campaign"),
            (AuditAction.SUBMIT_STEP, "campaign"),
            (AuditAction.STEP_DECIDED, "brand"),
        ] == [(entry.action, entry.target) for entry in entries]


class TestLostAnswers:
    """A submission whose answer was lost may have reached the carrier: never sent again alone."""

    def test_brand_answer_lost(self, acme: AccountAdmin, carrier: RecordingCarrier) -> None:
        """The brand is kept failed with the reason; register and sync do not submit it again."""
        carrier.lose_next_answer.add(BRAND)
        submitted = acme.registration.register("admin", sample_brand(), sample_campaign())
        brand = submitted.status.brand
        assert (StepStatus.FAILED, [ANSWER_LOST_CODE]) == (
            brand.status,
            [failure.code for failure in brand.failures],
        )
        help_ = brand.troubleshooting
        assert help_ is not None
        assert "carrier's console" in help_.advice
        with pytest.raises(RegistrationExistsError):
            acme.registration.register("admin", sample_brand(), sample_campaign())
        review(carrier, acme, BRAND)
        assert [BRAND] == carrier.submissions

    def test_campaign_answer_lost_then_resubmitted(
        self, acme: AccountAdmin, carrier: RecordingCarrier
    ) -> None:
        """Sync leaves the lost campaign alone; after checking, an admin resubmits it."""
        carrier.lose_next_answer.add(CAMPAIGN)
        acme.registration.register("admin", sample_brand(), sample_campaign())
        review(carrier, acme, BRAND)
        review(carrier, acme, CAMPAIGN)
        assert StepStatus.FAILED == acme.registration.status().campaign.status
        assert [BRAND, CAMPAIGN] == carrier.submissions
        acme.registration.resubmit("admin", CAMPAIGN)
        for step in (CAMPAIGN, SERVICE):
            review(carrier, acme, step)
        assert acme.registration.status().send_ready
        assert [BRAND, CAMPAIGN, CAMPAIGN, SERVICE] == carrier.submissions


class TestFailures:
    """A failed step shows the carrier's reasons and the next step, and is resubmitted."""

    def test_campaign_failure_fixed_and_resubmitted(
        self, acme: AccountAdmin, carrier: RecordingCarrier
    ) -> None:
        """Reasons and advice, then a fixed resubmission ends approved with registered lines."""
        number = buy(acme, "ann")
        reason = "Sample messages do not show the brand name"
        carrier.fail_next("acme", CAMPAIGN, reason, "30893", "sample_messages")
        acme.registration.register("admin", sample_brand(), sample_campaign())
        review(carrier, acme, BRAND)
        review(carrier, acme, CAMPAIGN)

        status = acme.registration.status()
        assert StepStatus.FAILED == status.overall
        assert status.failed is not None
        assert CAMPAIGN == status.failed.step
        assert "FAILED" == status.campaign.raw_status
        help_ = status.campaign.troubleshooting
        assert help_ is not None
        assert NextAction.CONTACT_SUPPORT == help_.action
        assert [(reason, "30893", "sample_messages")] == [
            (f.reason, f.code, f.field) for f in help_.reasons
        ]
        assert "resubmit the corrected campaign" in help_.advice
        assert () == acme.registration.sync().submitted  # a failure waits for an admin

        fixed = attrs.evolve(
            sample_campaign(),
            description="Northwind Staffing recruiters text applicants about interviews, "
            "shifts and paperwork.",
        )
        submission = acme.registration.resubmit("admin", CAMPAIGN, campaign=fixed)
        assert StepStatus.IN_PROGRESS == submission.status.campaign.status
        assert 2 == submission.status.campaign.attempts
        assert fixed == submission.status.campaign_profile
        assert () == submission.status.campaign.failures
        assert status.campaign.provider_ref == submission.status.campaign.provider_ref

        review(carrier, acme, CAMPAIGN)
        review(carrier, acme, SERVICE)
        assert acme.registration.status().send_ready
        assert {str(number): True} == registered(acme)
        assert [BRAND, CAMPAIGN, CAMPAIGN, SERVICE] == carrier.submissions
        [entry] = acme.audit.list(action=AuditAction.RESUBMIT)
        assert "admin" == entry.actor_id
        assert {"status": "failed", "reasons": [reason]} == entry.before

    def test_brand_failure_says_contact_support(
        self, acme: AccountAdmin, carrier: RecordingCarrier
    ) -> None:
        """A failed brand points to support; its corrected form may then be resubmitted."""
        carrier.fail_next("acme", BRAND, "TAX_ID: the EIN does not match the legal name")
        acme.registration.register("admin", sample_brand(), sample_campaign())
        review(carrier, acme, BRAND)
        help_ = acme.registration.status().brand.troubleshooting
        assert help_ is not None
        assert NextAction.CONTACT_SUPPORT == help_.action
        assert "Contact support" in help_.advice

        fixed_brand = attrs.evolve(sample_brand(), tax_id="98-7654321")
        fixed_campaign = attrs.evolve(sample_campaign(), opt_in_keywords=("JOBS",))
        status = acme.registration.resubmit(
            "admin", BRAND, brand=fixed_brand, campaign=fixed_campaign
        ).status
        assert fixed_brand == status.brand_profile
        assert fixed_campaign == status.campaign_profile
        review(carrier, acme, BRAND)
        assert StepStatus.IN_PROGRESS == acme.registration.status().campaign.status

    def test_resubmission_is_linted(self, acme: AccountAdmin, carrier: RecordingCarrier) -> None:
        """A resubmitted form with errors is refused and the step stays failed."""
        carrier.fail_next("acme", CAMPAIGN, "Opt-in unclear", "30841")
        acme.registration.register("admin", sample_brand(), sample_campaign())
        review(carrier, acme, BRAND)
        review(carrier, acme, CAMPAIGN)
        before = state(acme)
        broken = attrs.evolve(sample_campaign(), message_flow="They agree.")
        with pytest.raises(RegistrationLintError, match=r"campaign\.message_flow"):
            acme.registration.resubmit("admin", CAMPAIGN, campaign=broken)
        assert before == state(acme)
        assert [BRAND, CAMPAIGN] == carrier.submissions

    def test_messaging_service_failure(self, acme: AccountAdmin, carrier: RecordingCarrier) -> None:
        """A failed messaging service is resubmitted as it is."""
        carrier.fail_next("acme", SERVICE, "Number pool could not be created")
        acme.registration.register("admin", sample_brand(), sample_campaign())
        for step in RegistrationStep:
            review(carrier, acme, step)
        help_ = acme.registration.status().messaging_service.troubleshooting
        assert help_ is not None
        assert NextAction.RESUBMIT == help_.action
        acme.registration.resubmit("admin", SERVICE)
        review(carrier, acme, SERVICE)
        assert acme.registration.status().send_ready

    def test_no_resubmission_after_30885(
        self, acme: AccountAdmin, carrier: RecordingCarrier
    ) -> None:
        """A brand refused as high risk cannot be resubmitted: support only."""
        carrier.fail_next("acme", BRAND, "High risk brand", "30885")
        acme.registration.register("admin", sample_brand(), sample_campaign())
        review(carrier, acme, BRAND)
        help_ = acme.registration.status().brand.troubleshooting
        assert help_ is not None
        assert NextAction.CONTACT_SUPPORT == help_.action
        assert "does not allow this brand to be resubmitted" in help_.advice
        before = state(acme)
        with pytest.raises(ResubmissionRefusedError, match=r"30885.*contact support"):
            acme.registration.resubmit("admin", BRAND)
        assert before == state(acme)


class TestHosts:
    """Each host names the permission that registers."""

    @pytest.mark.parametrize(
        ("host", "permission"),
        [("hcm_widget", "Marketplace Admin"), ("ats_seats", "Administration"), (None, "sms.admin")],
    )
    def test_host_permission(self, acme: AccountAdmin, permission: str) -> None:
        """A user with just the host's admin permission registers."""
        acme.users.upsert("lee", first_name="Lee", last_name="Park", permissions=[permission])
        status = acme.registration.register("lee", sample_brand(), sample_campaign()).status
        assert StepStatus.IN_PROGRESS == status.brand.status

    @pytest.mark.parametrize("host", ["hcm_widget"])
    def test_other_hosts_permission(self, acme: AccountAdmin) -> None:
        """Another host's admin permission is not enough."""
        acme.users.upsert("lee", first_name="Lee", last_name="Park", permissions=["sms.admin"])
        with pytest.raises(PermissionDeniedError, match="Marketplace Admin"):
            acme.registration.register("lee", sample_brand(), sample_campaign())


class TestSoleProprietor:
    """The lint runs on the brand too."""

    def test_vertical_the_carrier_cannot_register(
        self, acme: AccountAdmin, carrier: RecordingCarrier
    ) -> None:
        """The account's carrier names its verticals; another is refused, nothing submitted."""
        before = state(acme)
        brand = attrs.evolve(sample_brand(), vertical="STAFFING")
        with pytest.raises(RegistrationLintError, match=r"brand\.vertical") as caught:
            acme.registration.register("admin", brand, sample_campaign())
        assert ["vertical-unmapped"] == [issue.rule for issue in caught.value.report.errors]
        linted = acme.registration.lint(brand, sample_campaign())
        assert "vertical-unmapped" in {issue.rule for issue in linted.errors}
        assert before == state(acme)
        assert [] == carrier.submissions

    def test_owner_confirms_by_text(self, acme: AccountAdmin, carrier: RecordingCarrier) -> None:
        """Reviewed, the brand waits for the owner's text reply; then the campaign follows.

        The extra step is the carrier-neutral CONFIRMING status with its next action: who
        confirms (the contact's mobile) and how to have the text sent again.
        """
        brand = attrs.evolve(
            sample_brand("Dana Reyes"), entity_type=EntityType.SOLE_PROPRIETOR, tax_id=""
        )
        campaign = attrs.evolve(
            sample_campaign(),
            use_case=CampaignUseCase.SOLE_PROPRIETOR,
            sample_messages=_own_name_samples(),
        )
        acme.registration.register("admin", brand, campaign)
        review(carrier, acme, BRAND)
        status = acme.registration.status()
        assert (StepStatus.CONFIRMING, StepStatus.NOT_STARTED) == (
            status.brand.status,
            status.campaign.status,
        )
        confirmation = status.brand.confirmation
        assert confirmation is not None
        assert (ConfirmationChannel.TEXT, brand.contact.phone.e164, NextAction.CONFIRM) == (
            confirmation.channel,
            confirmation.recipient,
            confirmation.action,
        )
        assert StepStatus.CONFIRMING == acme.registration.resend_confirmation("admin").brand.status
        assert 1 == carrier.confirmations_sent("acme", status.brand.provider_ref or "")
        assert [BRAND] == carrier.submissions
        carrier.confirm_brand("acme", status.brand.provider_ref or "")
        acme.registration.sync()
        after = acme.registration.status()
        assert (StepStatus.APPROVED, StepStatus.IN_PROGRESS) == (
            after.brand.status,
            after.campaign.status,
        )
        assert [BRAND, CAMPAIGN] == carrier.submissions

    def test_company_name_as_sole_proprietor(self, acme: AccountAdmin) -> None:
        """An LLC filed as a sole proprietor is refused before the carrier sees it."""
        brand = attrs.evolve(sample_brand(), entity_type=EntityType.SOLE_PROPRIETOR)
        with pytest.raises(RegistrationLintError, match=r"brand\.entity_type"):
            acme.registration.register("admin", brand, sample_campaign())


def _own_name_samples() -> tuple[str, ...]:
    return (
        "Dana Reyes: are you free for an interview on [date]? Reply STOP to opt out.",
        "Dana Reyes: your shift starts at 9am tomorrow. Reply STOP to opt out.",
    )


class OutageFor(FakeAdapter):
    """The sandbox adapter, whose status lookups fail for one account as in an outage."""

    def __init__(self, carrier: SandboxCarrier, account_id: str) -> None:
        super().__init__(carrier=carrier)
        self.account_id = account_id

    @hookimpl
    def sms_fetch_registration(
        self, account: Account, step: RegistrationStep, ref: str
    ) -> RegistrationState | None:
        """Unavailable for the one account; as the sandbox for the others."""
        if account.id == self.account_id:
            raise ProviderUnavailableError("the carrier is down", provider="fake")
        return super().sms_fetch_registration(account, step, ref)


class TestBackgroundSync:
    """Registrations move forward without anyone asking, every account on its own."""

    @pytest.fixture
    def admin(
        self, database_url: str, clock: ManualClock, carrier: RecordingCarrier
    ) -> Iterator[SmsAdmin]:
        with SmsAdmin.open(
            database_url,
            plugins=[OutageFor(carrier, "beta")],
            clock=clock,
            webhook_base_url="https://sms.example.test/webhooks",
            rng=random.Random(7),
        ) as opened:
            yield opened

    @pytest.fixture
    def beta(self, admin: SmsAdmin, carrier_path: Path) -> AccountAdmin:
        beta = admin.create_account(
            "beta",
            name="Beta Jobs",
            provider="fake",
            provider_settings={"state_path": str(carrier_path)},
        )
        beta.users.upsert("admin", first_name="Al", last_name="Ma", permissions=["sms.admin"])
        return beta

    def test_every_registration_in_progress(
        self, admin: SmsAdmin, acme: AccountAdmin, beta: AccountAdmin, carrier: RecordingCarrier
    ) -> None:
        """Acme's brand review ended and its campaign goes in; Beta's outage stops only Beta."""
        for account in (acme, beta):
            account.registration.register("admin", sample_brand(), sample_campaign())
        carrier.advance(REVIEW[BRAND])
        reports = admin.sync_registrations()
        assert ["acme"] == list(reports)
        assert (BRAND, CAMPAIGN) == reports["acme"].changed
        assert StepStatus.IN_PROGRESS == beta.registration.status().brand.status

    def test_line_whose_attachment_failed_is_attached(
        self, admin: SmsAdmin, acme: AccountAdmin, carrier: RecordingCarrier
    ) -> None:
        """Approved, with a line the carrier would not attach at purchase: the next pass does."""
        approve_all(carrier, acme)
        carrier.refuse_next_attachment = True
        number = buy(acme, "ann")
        assert {str(number): False} == registered(acme)
        assert ["acme"] == list(admin.sync_registrations())
        assert {str(number): True} == registered(acme)
        assert {} == admin.sync_registrations()

    def test_poller_restarts(self, admin: SmsAdmin, acme: AccountAdmin) -> None:
        """A stopped poller started again polls again."""
        poller = RegistrationPoller(admin, interval=0.01)
        for _ in range(2):
            with poller:
                assert poller.wait_for_passes(poller.passes + 1, timeout=60)

    def test_poller_in_the_background(
        self, admin: SmsAdmin, acme: AccountAdmin, carrier: RecordingCarrier
    ) -> None:
        """As each review ends, the poller's next pass submits the next step, to the end."""
        acme.registration.register("admin", sample_brand(), sample_campaign())
        with RegistrationPoller(admin, interval=0.01) as poller:
            for step in RegistrationStep:
                carrier.advance(REVIEW[step])
                # Two more passes: at least one begins after the review ended.
                assert poller.wait_for_passes(poller.passes + 2, timeout=60)
        assert acme.registration.status().send_ready
        assert [BRAND, CAMPAIGN, SERVICE] == carrier.submissions
