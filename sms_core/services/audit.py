"""Reading the audit trail of admin actions."""

from __future__ import annotations

import builtins
import contextlib

import attrs

from sms_core import inputs
from sms_core.domain import AuditAction, AuditEntry, PhoneNumber
from sms_core.exceptions import InvalidFieldError, InvalidPhoneNumberError
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
        """Entries, optionally of one action or about one number or seat id.

        Raises:
            InvalidFieldError: When ``action`` is not an :class:`AuditAction`, ``target`` is
                not a number or an id, or ``limit`` is not from 1 to ``LIST_LIMIT_MAX``.
        """
        if action is not None and not isinstance(action, AuditAction):
            raise InvalidFieldError(
                field="action",
                value=inputs.shown(action),
                limit=f"an AuditAction ({', '.join(a.value for a in AuditAction)}) or None",
            )
        if target is not None:
            inputs.number("target", target)
        inputs.count("limit", limit, minimum=1, maximum=inputs.LIST_LIMIT_MAX)
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
