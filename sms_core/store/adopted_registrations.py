"""Storing a registration made outside the SDK and adopted from the carrier."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa

from sms_core.domain import RegistrationState, RegistrationStep, StepStatus
from sms_core.store.rows import to_json
from sms_core.store.schema import registration_steps

__all__ = ["insert_adopted_registration"]


def insert_adopted_registration(
    connection: sa.Connection,
    account_id: str,
    states: Mapping[RegistrationStep, RegistrationState | None],
    now: datetime,
) -> None:
    """Store a registration made outside the SDK, each step as the carrier reported it.

    A step given as ``None`` waits to be submitted (``NOT_STARTED``). No form is on record:
    the carrier holds the one it was registered with.

    Raises:
        StoreConflict: When the account has a registration already, as the transaction ends.
    """
    rows = []
    for step in RegistrationStep:
        state = states.get(step)
        rows.append(
            {
                "account_id": account_id,
                "step": step.value,
                "status": (state.status if state else StepStatus.NOT_STARTED).value,
                "raw_status": state.raw_status[:64] if state else "",
                "provider_ref": state.provider_ref if state else None,
                "failures": to_json(list(state.failures)) if state else [],
                "profile": None,
                "attempts": 0,
                "version": 0,
                "submitted_at": None,
                "updated_at": now,
            }
        )
    connection.execute(registration_steps.insert(), rows)
