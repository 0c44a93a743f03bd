"""Writing and reading the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa

from sms_core.domain import AuditAction, AuditEntry
from sms_core.store.rows import from_row
from sms_core.store.schema import audit_log

__all__ = ["audit_page", "list_audit", "record_audit"]


def record_audit(
    connection: sa.Connection,
    *,
    account_id: str,
    at: datetime,
    actor_id: str,
    action: AuditAction,
    target: str,
    before: Mapping[str, object] | None,
    after: Mapping[str, object] | None,
) -> None:
    """Append one entry, in the same transaction as the change it describes."""
    connection.execute(
        audit_log.insert().values(
            account_id=account_id,
            at=at,
            actor_id=actor_id,
            action=action.value,
            target=target,
            before=dict(before) if before is not None else None,
            after=dict(after) if after is not None else None,
        )
    )


def list_audit(
    connection: sa.Connection,
    account_id: str,
    *,
    action: AuditAction | None = None,
    target: str | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """The newest entries first, optionally of one action or about one target."""
    found = audit_page(connection, account_id, action=action, target=target, limit=limit)
    return [entry for _, entry in found]


def audit_page(
    connection: sa.Connection,
    account_id: str,
    *,
    action: AuditAction | None = None,
    target: str | None = None,
    before: tuple[int] | None = None,
    limit: int,
) -> list[tuple[tuple[int], AuditEntry]]:
    """Up to ``limit`` entries older than the place ``before`` (an entry's id), newest first.

    Read backwards from ``ix_audit_log_account_id``, keyed by id.
    """
    query = audit_log.select().where(audit_log.c.account_id == account_id)
    if action is not None:
        query = query.where(audit_log.c.action == action.value)
    if target is not None:
        query = query.where(audit_log.c.target == target)
    if before is not None:
        query = query.where(audit_log.c.id < before[0])
    query = query.order_by(audit_log.c.id.desc()).limit(limit)
    return [
        ((row["id"],), from_row(row, AuditEntry)) for row in connection.execute(query).mappings()
    ]
