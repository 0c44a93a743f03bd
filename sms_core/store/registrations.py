"""Reading and writing the registration: its steps, and the policy settings that feed it.

Every change to a step is one conditional ``UPDATE``: on the version the writer read (a status
fetched from the carrier), or on the claim the writer holds (a submission). A process that loses
the race changes nothing and learns so from the row count, so several processes may sync one
account at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs
import sqlalchemy as sa

from sms_core.domain import (
    BrandProfile,
    CampaignProfile,
    CarrierRegistration,
    PolicySettings,
    RegistrationFailure,
    RegistrationState,
    RegistrationStatus,
    RegistrationStep,
    StepRecord,
    StepStatus,
)
from sms_core.store import dialects
from sms_core.store.rows import from_json, to_json
from sms_core.store.schema import lines, policy_settings, registration_steps

__all__ = [
    "StoredStep",
    "approved_service_ref",
    "claim_step",
    "delete_registration",
    "get_policy_settings",
    "insert_registration",
    "load_steps",
    "mark_line_registered",
    "record_state",
    "record_submission",
    "registration_status",
    "release_claim",
    "replace_waiting_profile",
    "save_policy_settings",
]

_PROFILE_TYPES: Mapping[RegistrationStep, type[BrandProfile] | type[CampaignProfile]] = {
    RegistrationStep.BRAND: BrandProfile,
    RegistrationStep.CAMPAIGN: CampaignProfile,
}

_steps = registration_steps.c


@attrs.frozen(kw_only=True)
class StoredStep:
    """A step's row: what the admin sees, and what writers check.

    Attributes:
        record: The step as the admin sees it (in progress while claimed).
        status: The status as stored; a claim does not change it until the carrier answers.
        version: Bumped by every change; a writer checks the one it read.
        claim: The token of the process submitting the step right now, if any.
        claimed_at: When that process claimed it (SDK clock).
    """

    record: StepRecord
    status: StepStatus
    version: int
    claim: str | None
    claimed_at: datetime | None


# -- steps -------------------------------------------------------------------------------------


def insert_registration(
    connection: sa.Connection,
    account_id: str,
    *,
    brand: BrandProfile,
    campaign: CampaignProfile,
    claim: str,
    now: datetime,
) -> None:
    """Store a new registration whose brand ``claim`` is about to submit.

    Raises:
        StoreConflict: When the account has a registration already, as the transaction ends.
    """
    profiles: dict[RegistrationStep, object] = {
        RegistrationStep.BRAND: brand,
        RegistrationStep.CAMPAIGN: campaign,
    }
    connection.execute(
        registration_steps.insert(),
        [
            {
                "account_id": account_id,
                "step": step.value,
                "status": StepStatus.NOT_STARTED.value,
                "raw_status": "",
                "failures": [],
                "profile": to_json(profiles[step]) if step in profiles else None,
                "attempts": 0,
                "version": 0,
                "claim": claim if step is RegistrationStep.BRAND else None,
                "claimed_at": now if step is RegistrationStep.BRAND else None,
                "updated_at": now,
            }
            for step in RegistrationStep
        ],
    )


def load_steps(connection: sa.Connection, account_id: str) -> dict[RegistrationStep, StoredStep]:
    """The account's steps; empty when it never registered."""
    rows = connection.execute(
        registration_steps.select().where(_steps.account_id == account_id)
    ).mappings()
    return {stored.record.step: stored for stored in map(_stored, rows)}


def registration_status(
    account_id: str, steps: Mapping[RegistrationStep, StoredStep]
) -> RegistrationStatus:
    """The registration as the admin sees it."""
    if not steps:
        return RegistrationStatus.empty(account_id)
    return RegistrationStatus(
        account_id=account_id,
        brand=steps[RegistrationStep.BRAND].record,
        campaign=steps[RegistrationStep.CAMPAIGN].record,
        messaging_service=steps[RegistrationStep.MESSAGING_SERVICE].record,
    )


def claim_step(
    connection: sa.Connection,
    account_id: str,
    stored: StoredStep,
    *,
    claim: str,
    now: datetime,
    stale_before: datetime,
) -> bool:
    """Claim the right to submit a step, unless another process changed or claimed it.

    A claim taken before ``stale_before`` is taken to belong to a process that died, and
    may be claimed again.

    Returns:
        Whether the claim is this caller's.
    """
    unclaimed = sa.or_(_steps.claim.is_(None), _steps.claimed_at < stale_before)
    claimed = connection.execute(
        registration_steps.update()
        .where(
            *_key(account_id, stored.record.step),
            _steps.version == stored.version,
            _steps.status == stored.status.value,
            unclaimed,
        )
        .values(claim=claim, claimed_at=now, version=_steps.version + 1)
    )
    return claimed.rowcount == 1


def release_claim(
    connection: sa.Connection, account_id: str, step: RegistrationStep, claim: str
) -> None:
    """Give up a claim without a submission (the carrier refused or could not be reached)."""
    connection.execute(
        registration_steps.update()
        .where(*_key(account_id, step), _steps.claim == claim)
        .values(claim=None, claimed_at=None, version=_steps.version + 1)
    )


def record_submission(
    connection: sa.Connection,
    account_id: str,
    *,
    claim: str,
    state: RegistrationState,
    profile: BrandProfile | CampaignProfile | None,
    now: datetime,
) -> bool:
    """Store the carrier's answer to a submission made under ``claim``, and release it.

    Returns:
        Whether the claim was still this caller's (it is lost only if it went stale).
    """
    values: dict[str, Any] = {
        **_state_values(state, now),
        "provider_ref": state.provider_ref,
        "attempts": _steps.attempts + 1,
        "submitted_at": now,
        "claim": None,
        "claimed_at": None,
    }
    if profile is not None:
        values["profile"] = to_json(profile)
    recorded = connection.execute(
        registration_steps.update()
        .where(*_key(account_id, state.step), _steps.claim == claim)
        .values(**values)
    )
    return recorded.rowcount == 1


def record_state(
    connection: sa.Connection,
    account_id: str,
    stored: StoredStep,
    state: RegistrationState,
    now: datetime,
) -> bool:
    """Store a fetched state, unless the step changed since ``stored`` was read.

    Returns:
        Whether it was stored; ``False`` means another process wrote newer news first.
    """
    recorded = connection.execute(
        registration_steps.update()
        .where(
            *_key(account_id, stored.record.step),
            _steps.version == stored.version,
            _steps.claim.is_(None),
        )
        .values(**_state_values(state, now))
    )
    return recorded.rowcount == 1


def replace_waiting_profile(
    connection: sa.Connection,
    account_id: str,
    step: RegistrationStep,
    profile: BrandProfile | CampaignProfile,
    now: datetime,
) -> bool:
    """Replace the form of a step that was not submitted yet.

    Returns:
        Whether it was replaced; ``False`` when the step was submitted meanwhile.
    """
    replaced = connection.execute(
        registration_steps.update()
        .where(
            *_key(account_id, step),
            _steps.status == StepStatus.NOT_STARTED.value,
            _steps.claim.is_(None),
        )
        .values(profile=to_json(profile), updated_at=now, version=_steps.version + 1)
    )
    return replaced.rowcount == 1


def delete_registration(connection: sa.Connection, account_id: str, claim: str) -> None:
    """Forget a registration whose first brand submission, made under ``claim``, failed."""
    brand = connection.execute(
        registration_steps.delete().where(
            *_key(account_id, RegistrationStep.BRAND),
            _steps.claim == claim,
            _steps.attempts == 0,
        )
    )
    if brand.rowcount == 1:
        connection.execute(registration_steps.delete().where(_steps.account_id == account_id))


def approved_service_ref(connection: sa.Connection, account_id: str) -> str | None:
    """The carrier's id of the account's approved messaging service, if it has one."""
    ref: str | None = connection.execute(
        sa.select(_steps.provider_ref).where(
            *_key(account_id, RegistrationStep.MESSAGING_SERVICE),
            _steps.status == StepStatus.APPROVED.value,
        )
    ).scalar_one_or_none()
    return ref


def mark_line_registered(connection: sa.Connection, line_id: str) -> bool:
    """Mark an active line registered. Returns whether it was not registered before.

    Its registration with the mobile carriers starts then: pending until the carrier says.
    """
    marked = connection.execute(
        lines.update()
        .where(lines.c.id == line_id, lines.c.active, sa.not_(lines.c.registered))
        .values(registered=True, carrier_registration=CarrierRegistration.PENDING.value)
    )
    return marked.rowcount == 1


# -- policy settings ---------------------------------------------------------------------------


def get_policy_settings(connection: sa.Connection, account_id: str) -> PolicySettings:
    """The account's policy settings; empty ones when never saved."""
    row = (
        connection.execute(
            policy_settings.select().where(policy_settings.c.account_id == account_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        return PolicySettings()
    return PolicySettings(
        privacy_policy_url=row["privacy_policy_url"],
        terms_and_conditions_url=row["terms_and_conditions_url"],
        updated_at=row["updated_at"],
        updated_by=row["updated_by"],
        consent_required=row["consent_required"],
    )


def save_policy_settings(
    connection: sa.Connection, account_id: str, settings: PolicySettings
) -> None:
    """Insert or replace the account's policy settings in one statement."""
    values = {
        "account_id": account_id,
        "privacy_policy_url": settings.privacy_policy_url,
        "terms_and_conditions_url": settings.terms_and_conditions_url,
        "updated_at": settings.updated_at,
        "updated_by": settings.updated_by,
    }
    statement = dialects.insert(connection, policy_settings).values(**values)
    changed = {key: statement.excluded[key] for key in values if key != "account_id"}
    connection.execute(statement.on_conflict_do_update(index_elements=["account_id"], set_=changed))


# -- rows --------------------------------------------------------------------------------------


def _key(account_id: str, step: RegistrationStep) -> tuple[sa.ColumnElement[bool], ...]:
    return (_steps.account_id == account_id, _steps.step == step.value)


def _state_values(state: RegistrationState, now: datetime) -> dict[str, Any]:
    # A carrier never answers "not started" for a submitted step; read it as under review.
    status = StepStatus.IN_PROGRESS if state.status is StepStatus.NOT_STARTED else state.status
    return {
        "status": status.value,
        "raw_status": state.raw_status[:64],
        "failures": to_json(list(state.failures)),
        "updated_at": now,
        "version": _steps.version + 1,
    }


def _stored(row: sa.RowMapping) -> StoredStep:
    step = RegistrationStep(row["step"])
    status = StepStatus(row["status"])
    profile_type = _PROFILE_TYPES.get(step)
    profile = (
        from_json(row["profile"], profile_type)
        if profile_type is not None and row["profile"] is not None
        else None
    )
    claimed = row["claim"] is not None
    record = StepRecord(
        step=step,
        status=StepStatus.IN_PROGRESS if claimed else status,
        raw_status=row["raw_status"],
        provider_ref=row["provider_ref"],
        failures=tuple(from_json(row["failures"], list[RegistrationFailure])),
        profile=profile,
        attempts=row["attempts"],
        submitting=claimed,
        submitted_at=row["submitted_at"],
        updated_at=row["updated_at"],
    )
    return StoredStep(
        record=record,
        status=status,
        version=row["version"],
        claim=row["claim"],
        claimed_at=row["claimed_at"],
    )
