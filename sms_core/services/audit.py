"""Reading the audit trail of admin actions."""

from __future__ import annotations

import builtins
import contextlib

import attrs

from sms_core.domain import AuditAction, AuditEntry, PhoneNumber
from sms_core.exceptions import InvalidPhoneNumberError
from sms_core.services.context import AccountContext
from sms_core.store.audit import list_audit

__all__ = ["AuditTrail"]


@attrs.define
class AuditTrail:
    """Who did what to the account's numbers and seats, newest first."""

    _context: AccountContext

    def list(
        self,
        *,
        action: AuditAction | None = None,
        target: str | PhoneNumber | None = None,
        limit: int = 100,
    ) -> builtins.list[AuditEntry]:
        """Entries, optionally of one action or about one number or seat id."""
        if isinstance(target, str):
            # A number may be typed any way a person types it; a seat id stays as it is.
            with contextlib.suppress(InvalidPhoneNumberError):
                target = PhoneNumber.parse(target)
        with self._context.database.transaction() as connection:
            return list_audit(
                connection,
                self._context.account.id,
                action=action,
                target=str(target) if target is not None else None,
                limit=limit,
            )
