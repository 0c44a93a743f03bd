"""Campaign registration: policy URLs, lint, brand → campaign → messaging service, troubleshooting.

The flow, as the HCM widget runs it:

1. :meth:`RegistrationAdmin.register` lints the brand and campaign forms (the campaign's empty
   policy URLs filled from the policy settings) and submits the brand. The campaign form is
   kept for later.
2. :meth:`RegistrationAdmin.sync` (from a scheduler, or ``smsadmin campaign sync``) asks the
   carrier for news, submits the campaign once the brand is approved and the messaging service
   once the campaign is, and attaches every line to the messaging service once it is approved.
3. A failed step shows the carrier's reasons and the next step; :meth:`RegistrationAdmin.resubmit`
   sends the fixed form.

Lines follow the registration: a line bought before the messaging service is approved is
unregistered until ``sync`` attaches it; a line bought after is attached at purchase. Which
call the registration's state allows, and each refusal's wording, is
:mod:`sms_core.services.registration_rules`.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import attrs

from sms_core import inputs
from sms_core.compliance import lint_registration
from sms_core.domain import (
    Action,
    AuditAction,
    BrandProfile,
    CampaignProfile,
    LintIssue,
    LintReport,
    ProvisionedNumber,
    RegistrationStatus,
    RegistrationStep,
    StepStatus,
    Submission,
    SyncReport,
)
from sms_core.exceptions import (
    InvalidFieldError,
    PermissionDeniedError,
    ProviderError,
    ProviderTimeoutError,
    StoreConflict,
    UnsupportedFeatureError,
)
from sms_core.services import host_events
from sms_core.services import registration_rules as rules
from sms_core.services.context import AccountContext
from sms_core.services.policy_settings import PolicySettingsAdmin
from sms_core.services.registration_adoption import adopt_registration, carrier_id
from sms_core.services.registration_sync import (
    SYNC_ACTOR,
    RegistrationSync,
    StepSubmitter,
    answer_lost,
)
from sms_core.store import registrations as registration_store

__all__ = ["CLAIM_TIMEOUT", "SYNC_ACTOR", "RegistrationAdmin", "attach_if_registered"]

#: How long a submission may take before another process takes its claim over, taking the
#: claiming process for dead. Far longer than any carrier call.
CLAIM_TIMEOUT = timedelta(minutes=10)


@attrs.define
class RegistrationAdmin:
    """The account's A2P 10DLC registration (the "Campaign Registration" page).

    Every action needs the host's ``MANAGE_REGISTRATION`` permission; a refused action
    submits nothing and changes nothing. Reading the status and ``sync`` need no actor.
    """

    _context: AccountContext
    _policy: PolicySettingsAdmin

    # -- reading -----------------------------------------------------------------------------

    def status(self) -> RegistrationStatus:
        """The three steps with their status, carrier words, reasons and troubleshooting."""
        with self._context.database.transaction() as connection:
            steps = registration_store.load_steps(connection, self._context.account.id)
        return registration_store.registration_status(self._context.account.id, steps)

    def may_manage(self, user_id: str) -> bool:
        """Whether the host lets the user register, fix and follow up the registration.

        ``Action.MANAGE_REGISTRATION``, asked beforehand, so a screen shows the forms (and the
        brand on record they are filled with: tax id, contact) only to whom may use them.

        Raises:
            InvalidFieldError: When ``user_id`` is not an identifier.
            UserNotFoundError: When the account has no such user.
        """
        inputs.identifier("user_id", user_id)
        try:
            self._context.require(user_id, Action.MANAGE_REGISTRATION)
        except PermissionDeniedError:
            return False
        return True

    def lint(self, brand: BrandProfile, campaign: CampaignProfile) -> LintReport:
        """Check a form as :meth:`register` would, without submitting anything."""
        rules.check_types(brand, campaign)
        return lint_registration(brand, campaign, self._policy.get(), verticals=self._verticals())

    # -- actions -----------------------------------------------------------------------------

    def register(self, actor_id: str, brand: BrandProfile, campaign: CampaignProfile) -> Submission:
        """Submit the brand and keep the campaign form for when the brand is approved.

        Args:
            actor_id: The admin registering.
            brand: The brand form.
            campaign: The campaign form; empty policy URLs are filled from the policy settings.

        Returns:
            The registration with the brand in progress, and the lint warnings to show.

        Raises:
            PermissionDeniedError: When the actor may not manage the registration.
            RegistrationLintError: When the form has errors; every one is in its report.
            RegistrationExistsError: When the account has a registration already.
            InvalidFieldError: When a form is not a form, or holds text that cannot be stored.
        """
        context = self._context
        inputs.identifier("actor_id", actor_id)
        rules.check_types(brand, campaign)
        actor = context.require(actor_id, Action.MANAGE_REGISTRATION)
        campaign = self._policy.get().apply_to(campaign)
        report = rules.checked(lint_registration(brand, campaign, verticals=self._verticals()))
        current = self.status()
        if current.overall is not StepStatus.NOT_STARTED:
            raise rules.exists(current)
        claim = uuid.uuid4().hex
        try:
            with context.database.transaction() as connection:
                registration_store.insert_registration(
                    connection,
                    context.account.id,
                    brand=brand,
                    campaign=campaign,
                    claim=claim,
                    now=context.now(),
                )
        except StoreConflict as err:
            raise rules.exists(self.status()) from err
        try:
            events_url = context.webhooks.events(context.account)
            state = context.hooks.submit_brand(context.account, brand, None, events_url)
        except ProviderTimeoutError as err:
            # The carrier may have the brand: kept as failed for an admin to check, never
            # submitted again on its own.
            state = answer_lost(RegistrationStep.BRAND, None, err)
        except Exception:
            with context.database.transaction() as connection:
                registration_store.delete_registration(connection, context.account.id, claim)
            raise
        self._submitter.record(
            claim,
            state,
            profile=brand,
            actor=actor,
            action=AuditAction.REGISTER,
            before=None,
            extra={"brand": brand.legal_name, "use_case": campaign.use_case.value},
        )
        return Submission(status=self.status(), warnings=report.warnings)

    def resubmit(
        self,
        actor_id: str,
        step: RegistrationStep,
        *,
        brand: BrandProfile | None = None,
        campaign: CampaignProfile | None = None,
    ) -> Submission:
        """Submit a failed step again, with its fixed form.

        Args:
            actor_id: The admin resubmitting.
            step: The failed step.
            brand: The fixed brand form (brand step only); default: the one on record.
            campaign: The fixed campaign form (brand or campaign step); default: the one on
                record. With a brand resubmission it replaces the waiting campaign form.

        Returns:
            The registration with the step in progress again, and the lint warnings to show.

        Raises:
            PermissionDeniedError: When the actor may not manage the registration.
            InvalidInputError: When a form is given that the step does not submit.
            StepNotFailedError: When the step has not failed (or nothing was registered).
            ResubmissionRefusedError: When the carrier marked the step's failure final.
            RegistrationLintError: When the form has errors; every one is in its report.
            InvalidFieldError: When a form is not a form, or holds text that cannot be stored.
        """
        context = self._context
        inputs.identifier("actor_id", actor_id)
        if not isinstance(step, RegistrationStep):
            raise InvalidFieldError.refused(
                field="step",
                value=inputs.shown(step),
                limit=f"a RegistrationStep ({', '.join(s.value for s in RegistrationStep)})",
            )
        rules.check_types(brand, campaign, optional=True)
        actor = context.require(actor_id, Action.MANAGE_REGISTRATION)
        rules.check_forms(step, brand, campaign)
        with context.database.transaction() as connection:
            steps = registration_store.load_steps(connection, context.account.id)
        status = registration_store.registration_status(context.account.id, steps)
        record = rules.resubmittable(status, step)
        forms = self._fixed_forms(status, step, brand, campaign)
        claim = self._submitter.claim(steps[step])
        if claim is None:
            raise rules.not_failed(self.status(), step)
        state = self._submitter.submit(
            claim, step, steps, forms.profile, previous_ref=record.provider_ref or None
        )
        self._submitter.record(
            claim,
            state,
            profile=forms.profile,
            actor=actor,
            action=AuditAction.RESUBMIT,
            before={"status": record.status.value, "reasons": [f.reason for f in record.failures]},
            waiting_campaign=forms.waiting_campaign,
        )
        return Submission(status=self.status(), warnings=forms.warnings)

    def resend_confirmation(self, actor_id: str) -> RegistrationStatus:
        """Have the registry send the brand's confirmation again (2FA e-mail or OTP text).

        For a brand that is ``CONFIRMING`` (its e-mail or text never came, or expired) or
        that failed for lack of the confirmation. The carrier sends a new message to the
        person :attr:`StepRecord.confirmation` names; the brand waits for it again.

        Raises:
            PermissionDeniedError: When the actor may not manage the registration.
            NothingToConfirmError: When the brand neither waits for a confirmation nor failed
                (or is a kind of brand that needs none).
            UnsupportedFeatureError: When the account's carrier sends no confirmations.
        """
        context = self._context
        actor = context.require(actor_id, Action.MANAGE_REGISTRATION)
        with context.database.transaction() as connection:
            steps = registration_store.load_steps(connection, context.account.id)
        status = registration_store.registration_status(context.account.id, steps)
        record = status.brand
        if not rules.confirms(record) or record.provider_ref is None:
            raise rules.nothing_to_confirm(record)
        state = context.hooks.resend_confirmation(
            context.account, RegistrationStep.BRAND, record.provider_ref
        )
        stored = steps[RegistrationStep.BRAND]
        with context.database.transaction() as connection:
            if registration_store.record_state(
                connection, context.account.id, stored, state, context.now()
            ):
                host_events.step_changed(context, connection, stored.status, state)
            self._submitter.audit(
                connection,
                actor=actor,
                action=AuditAction.RESEND_CONFIRMATION,
                target=RegistrationStep.BRAND.value,
                before={"status": record.status.value, "raw_status": record.raw_status},
                after={"status": state.status.value, "raw_status": state.raw_status},
            )
        return self.status()

    def adopt(
        self, actor_id: str, *, brand_id: str, campaign_id: str, service_id: str
    ) -> RegistrationStatus:
        """Take over a brand, campaign and messaging service registered at the carrier.

        Each step starts where the carrier says it stands (approved, in review, failed with
        its reasons); ``sync`` keeps them current from then on. See
        :mod:`sms_core.services.registration_adoption`.

        Args:
            actor_id: The admin adopting.
            brand_id: The brand's id at the carrier, as its console shows it.
            campaign_id: The campaign's id at the carrier.
            service_id: The messaging service's id at the carrier.

        Raises:
            PermissionDeniedError: When the actor may not manage the registration.
            RegistrationExistsError: When the account has a registration already.
            AdoptionMismatchError: When the ids do not belong together at the carrier.
            ProviderNotFoundError: When the carrier does not know one of them.
            UnsupportedFeatureError: When the account's carrier cannot read them.
        """
        inputs.identifier("actor_id", actor_id)
        ids = {
            "brand_id": carrier_id("brand_id", brand_id),
            "campaign_id": carrier_id("campaign_id", campaign_id),
            "service_id": carrier_id("service_id", service_id),
        }
        actor = self._context.require(actor_id, Action.MANAGE_REGISTRATION)
        adopt_registration(self._context, self._submitter, actor, **ids)
        return self.status()

    def sync(self, *, actor_id: str | None = None) -> SyncReport:
        """Ask the carrier for news and move the registration forward.

        Submits the campaign once the brand is approved and the messaging service once the
        campaign is, and attaches every unregistered line once the messaging service is
        approved. Safe to call from a scheduler in several processes at once: each submission
        is claimed by one conditional ``UPDATE`` first, so no step is submitted twice.

        Args:
            actor_id: The user asking for it (a screen's "check now"), whom the host must
                allow ``Action.MANAGE_REGISTRATION``, checked before the carrier is asked.
                ``None`` is the SDK's own caller (a scheduler, the CLI), not checked.

        Raises:
            InvalidFieldError: When ``actor_id`` is not an identifier.
            UserNotFoundError: When the account has no such user.
            PermissionDeniedError: When the host does not let ``actor_id`` manage the
                registration; the carrier was not asked.
            ProviderError: When the carrier cannot be asked; nothing half-done is kept, and
                the next call tries again.
        """
        if actor_id is not None:
            inputs.identifier("actor_id", actor_id)
            self._context.require(actor_id, Action.MANAGE_REGISTRATION)
        return RegistrationSync(self._context, self._submitter).run()

    def _verticals(self) -> frozenset[str] | None:
        """The brand verticals the account's carrier can register (``None``: any)."""
        info = self._context.hooks.provider_info(self._context.account)
        return info.capabilities.brand_verticals

    @property
    def _submitter(self) -> StepSubmitter:
        return StepSubmitter(self._context, CLAIM_TIMEOUT)

    def _fixed_forms(
        self,
        status: RegistrationStatus,
        step: RegistrationStep,
        brand: BrandProfile | None,
        campaign: CampaignProfile | None,
    ) -> _FixedForms:
        """The forms a resubmission sends, linted; the ones on record where none is given."""
        if step is RegistrationStep.MESSAGING_SERVICE:
            return _FixedForms(profile=None)
        new_brand = brand or status.brand_profile
        new_campaign = campaign or status.campaign_profile
        if new_brand is None or new_campaign is None:
            raise rules.no_form_on_record(step)
        new_campaign = self._policy.get().apply_to(new_campaign)
        report = lint_registration(new_brand, new_campaign, verticals=self._verticals())
        if step is RegistrationStep.CAMPAIGN:
            # The brand is approved already; only the campaign's problems can be fixed now.
            campaign_issues = (i for i in report.issues if i.field.startswith("campaign."))
            report = LintReport(issues=tuple(campaign_issues))
        warnings = rules.checked(report).warnings
        if step is RegistrationStep.BRAND:
            waiting = new_campaign if campaign is not None else None
            return _FixedForms(profile=new_brand, waiting_campaign=waiting, warnings=warnings)
        return _FixedForms(profile=new_campaign, warnings=warnings)


@attrs.frozen(kw_only=True)
class _FixedForms:
    """What a resubmission sends, and the campaign form it leaves waiting (brand step)."""

    profile: BrandProfile | CampaignProfile | None
    waiting_campaign: CampaignProfile | None = None
    warnings: tuple[LintIssue, ...] = ()


def attach_if_registered(context: AccountContext, number: ProvisionedNumber) -> bool:
    """Attach a newly bought number to the account's approved messaging service, if any.

    Returns:
        Whether the number is now a registered sender. A carrier that refuses the attachment
        leaves the number unregistered; the next ``sync`` attaches it.
    """
    with context.database.transaction() as connection:
        service_ref = registration_store.approved_service_ref(connection, context.account.id)
    if service_ref is None:
        return False
    try:
        context.hooks.attach_number(context.account, service_ref, number)
    except (ProviderError, UnsupportedFeatureError):
        return False
    return True
