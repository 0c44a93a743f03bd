"""Moving a registration forward: claimed submissions, carrier news, attaching numbers.

Several processes may run :class:`RegistrationSync` for one account at once (a scheduler on
every web server). Two rules keep that safe:

* a step is submitted only by the process that **claimed** it, with one conditional ``UPDATE``
  on the version it read; the others see the claim and leave the step alone;
* news from the carrier is stored only if the step did not change since it was read, so a slow
  process never overwrites a newer answer with an older one.

A claim older than the claim timeout is taken for the claim of a process that died, and may be
claimed again.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import timedelta

import attrs

from sms_core.domain import (
    ANSWER_LOST_CODE,
    AuditAction,
    BrandProfile,
    CampaignProfile,
    NumberSettings,
    PhoneNumber,
    ProvisionedNumber,
    RegistrationFailure,
    RegistrationState,
    RegistrationStep,
    StepStatus,
    SyncReport,
    User,
)
from sms_core.exceptions import ProviderError, ProviderTimeoutError
from sms_core.services import host_events
from sms_core.services.context import AccountContext
from sms_core.store import Transaction
from sms_core.store import lines as line_store
from sms_core.store import registrations as registration_store
from sms_core.store.audit import record_audit
from sms_core.store.registrations import StoredStep

__all__ = ["SYNC_ACTOR", "RegistrationSync", "StepSubmitter", "answer_lost"]

#: The actor the audit trail names for what ``sync`` does on its own.
SYNC_ACTOR = "smsadmin:sync"

# Each pass moves one step by one stage (submitted, decided); three steps need six.
_MAX_PASSES = 8


@attrs.define
class StepSubmitter:
    """Submits one step at a time, under a claim no other process can hold with it."""

    _context: AccountContext
    _claim_timeout: timedelta

    def claim(self, stored: StoredStep) -> str | None:
        """Claim the step as it was read; ``None`` when another process changed or holds it."""
        token = uuid.uuid4().hex
        now = self._context.now()
        with self._context.database.transaction() as connection:
            won = registration_store.claim_step(
                connection,
                self._context.account.id,
                stored,
                claim=token,
                now=now,
                stale_before=now - self._claim_timeout,
            )
        return token if won else None

    def is_stale(self, stored: StoredStep) -> bool:
        """Whether the step's claim is old enough to belong to a process that died."""
        return (
            stored.claimed_at is not None
            and stored.claimed_at < self._context.now() - self._claim_timeout
        )

    def submit(
        self,
        claim: str,
        step: RegistrationStep,
        steps: Mapping[RegistrationStep, StoredStep],
        profile: BrandProfile | CampaignProfile | None,
        *,
        previous_ref: str | None,
    ) -> RegistrationState:
        """Hand the claimed step to the carrier; the claim is released if that fails."""
        context = self._context
        events_url = context.webhooks.events(context.account)
        try:
            if step is RegistrationStep.BRAND:
                assert isinstance(profile, BrandProfile)
                return context.hooks.submit_brand(
                    context.account, profile, previous_ref, events_url
                )
            if step is RegistrationStep.CAMPAIGN:
                assert isinstance(profile, CampaignProfile)
                return context.hooks.submit_campaign(
                    context.account,
                    _ref(steps, RegistrationStep.BRAND),
                    profile,
                    previous_ref,
                    events_url,
                )
            return context.hooks.submit_messaging_service(
                context.account, _ref(steps, RegistrationStep.CAMPAIGN), self._service_settings()
            )
        except ProviderTimeoutError as err:
            # The carrier may have taken it: stored as failed for an admin to check, so that
            # no process submits it again on its own (the caller records it under the claim).
            return answer_lost(step, previous_ref, err)
        except BaseException:
            with context.database.transaction() as connection:
                registration_store.release_claim(connection, context.account.id, step, claim)
            raise

    def record(
        self,
        claim: str,
        state: RegistrationState,
        *,
        profile: BrandProfile | CampaignProfile | None,
        actor: User | None,
        action: AuditAction,
        before: Mapping[str, object] | None,
        extra: Mapping[str, object] | None = None,
        waiting_campaign: CampaignProfile | None = None,
    ) -> bool:
        """Store the carrier's answer to a claimed submission, with its audit entry.

        Args:
            profile: The form submitted, when it replaces the one on record.
            actor: The admin who asked; ``None`` for ``sync``.
            waiting_campaign: A campaign form to keep for later (a brand resubmission's).

        Returns:
            Whether the claim was still held (it is lost only when it went stale).
        """
        context = self._context
        now = context.now()
        with context.database.transaction() as connection:
            steps = registration_store.load_steps(connection, context.account.id)
            if not registration_store.record_submission(
                connection, context.account.id, claim=claim, state=state, profile=profile, now=now
            ):
                return False
            host_events.step_changed(context, connection, steps[state.step].status, state)
            if waiting_campaign is not None:
                registration_store.replace_waiting_profile(
                    connection,
                    context.account.id,
                    RegistrationStep.CAMPAIGN,
                    waiting_campaign,
                    now,
                )
            after: dict[str, object] = {
                "status": state.status.value,
                "raw_status": state.raw_status,
                "provider_ref": state.provider_ref,
                **(extra or {}),
            }
            self.audit(
                connection,
                actor=actor,
                action=action,
                target=state.step.value,
                before=before,
                after=after,
            )
        return True

    def audit(
        self,
        connection: Transaction,
        *,
        actor: User | None,
        action: AuditAction,
        target: str,
        before: Mapping[str, object] | None,
        after: Mapping[str, object] | None,
    ) -> None:
        """Record a registration action by an admin, or by ``sync`` when ``actor`` is ``None``."""
        record_audit(
            connection,
            account_id=self._context.account.id,
            at=self._context.now(),
            actor_id=actor.id if actor is not None else SYNC_ACTOR,
            action=action,
            target=target,
            before=before,
            after=after,
        )

    def _service_settings(self) -> NumberSettings:
        return self._context.webhooks.service_settings(self._context.account)


@attrs.define
class RegistrationSync:
    """One ``sync`` call: carrier news in, waiting steps out, numbers attached."""

    _context: AccountContext
    _submitter: StepSubmitter
    _submitted: list[RegistrationStep] = attrs.field(factory=list)
    _changed: list[RegistrationStep] = attrs.field(factory=list)

    def run(self) -> SyncReport:
        """Move the registration as far as the carrier allows now, then attach numbers."""
        for _ in range(_MAX_PASSES):
            if not self._advance(self._load()):
                break
        attached = self._attach_lines()
        status = registration_store.registration_status(self._context.account.id, self._load())
        return SyncReport(
            status=status,
            submitted=tuple(self._submitted),
            changed=tuple(dict.fromkeys(self._changed)),
            attached=attached,
        )

    def refresh(self, step: RegistrationStep) -> bool:
        """Re-read one step from the carrier now, as a pass of :meth:`run` would.

        For a carrier's webhook saying the step changed: the step is re-read only where
        ``run`` re-reads it (submitted, awaiting the carrier, held by no submission), and
        stored, with its host event, only when the carrier's answer differs from the record.

        Returns:
            Whether the stored step changed.
        """
        for _ in range(_MAX_PASSES):
            stored = self._load().get(step)
            if (
                stored is None
                or stored.claim is not None
                or stored.status not in (StepStatus.IN_PROGRESS, StepStatus.CONFIRMING)
            ):
                break
            if not self._refresh(stored) or step in self._changed:
                break  # unchanged, or stored; else another process stored news: read it
        return step in self._changed

    def _load(self) -> dict[RegistrationStep, StoredStep]:
        with self._context.database.transaction() as connection:
            return registration_store.load_steps(connection, self._context.account.id)

    def _advance(self, steps: Mapping[RegistrationStep, StoredStep]) -> bool:
        """Move the first unfinished step one stage; whether to look again."""
        unfinished = (steps[step] for step in RegistrationStep if step in steps)
        stored = next((s for s in unfinished if s.status is not StepStatus.APPROVED), None)
        if stored is None:
            return False  # never registered, or every step approved
        if stored.claim is not None and not self._submitter.is_stale(stored):
            return False  # another process is submitting it
        if stored.status in (StepStatus.IN_PROGRESS, StepStatus.CONFIRMING):
            return self._refresh(stored)
        if stored.status is StepStatus.NOT_STARTED:
            return self._submit_waiting(stored, steps)
        return False  # failed: waits for an admin's resubmission

    def _refresh(self, stored: StoredStep) -> bool:
        context, record = self._context, stored.record
        assert record.provider_ref is not None  # every submitted step has the carrier's id
        state = context.hooks.fetch_registration(context.account, record.step, record.provider_ref)
        if (state.status, state.raw_status, state.failures) == (
            record.status,
            record.raw_status,
            record.failures,
        ):
            return False
        with context.database.transaction() as connection:
            won = registration_store.record_state(
                connection, context.account.id, stored, state, context.now()
            )
            if won:
                host_events.step_changed(context, connection, stored.status, state)
            if won and state.status in (StepStatus.APPROVED, StepStatus.FAILED):
                self._submitter.audit(
                    connection,
                    actor=None,
                    action=AuditAction.STEP_DECIDED,
                    target=record.step.value,
                    before={"status": record.status.value, "raw_status": record.raw_status},
                    after={
                        "status": state.status.value,
                        "raw_status": state.raw_status,
                        "reasons": [failure.reason for failure in state.failures],
                    },
                )
        if not won:
            return True  # another process stored newer news: read it
        self._changed.append(record.step)
        return state.status is StepStatus.APPROVED

    def _submit_waiting(
        self, stored: StoredStep, steps: Mapping[RegistrationStep, StoredStep]
    ) -> bool:
        claim = self._submitter.claim(stored)
        if claim is None:
            return True  # changed or claimed meanwhile: read it again
        step = stored.record.step
        state = self._submitter.submit(claim, step, steps, stored.record.profile, previous_ref=None)
        recorded = self._submitter.record(
            claim, state, profile=None, actor=None, action=AuditAction.SUBMIT_STEP, before=None
        )
        if recorded:
            self._submitted.append(step)
            self._changed.append(step)
        return recorded and state.status is StepStatus.APPROVED

    def _attach_lines(self) -> tuple[PhoneNumber, ...]:
        """Attach every unregistered line once the messaging service is approved.

        A number the carrier refuses stays unregistered and is tried again next time.
        """
        context = self._context
        with context.database.transaction() as connection:
            service_ref = registration_store.approved_service_ref(connection, context.account.id)
            waiting = [
                line
                for line in line_store.list_lines(connection, context.account.id)
                if not line.registered
            ]
        if service_ref is None:
            return ()
        attached = []
        for line in waiting:
            number = ProvisionedNumber(number=line.number, provider_ref=line.provider_ref)
            try:
                context.hooks.attach_number(context.account, service_ref, number)
            except ProviderError:
                continue
            with context.database.transaction() as connection:
                if registration_store.mark_line_registered(connection, line.id):
                    self._submitter.audit(
                        connection,
                        actor=None,
                        action=AuditAction.REGISTER_NUMBER,
                        target=str(line.number),
                        before={"registered": False},
                        after={"registered": True, "messaging_service": service_ref},
                    )
                    attached.append(line.number)
        return tuple(attached)


def answer_lost(
    step: RegistrationStep, previous_ref: str | None, err: ProviderTimeoutError
) -> RegistrationState:
    """The failed state of a step whose submission's answer was lost (it may have arrived)."""
    return RegistrationState(
        step=step,
        provider_ref=previous_ref or "",
        status=StepStatus.FAILED,
        raw_status="",
        failures=(
            RegistrationFailure(
                code=ANSWER_LOST_CODE,
                reason=(
                    f"the carrier's answer to the {step.value} submission was lost ({err}); it "
                    "may have been registered all the same"
                ),
            ),
        ),
    )


def _ref(steps: Mapping[RegistrationStep, StoredStep], step: RegistrationStep) -> str:
    ref = steps[step].record.provider_ref
    assert ref is not None, f"the {step} was approved, so the carrier gave it an id"
    return ref
