"""Reading the audit trail of admin actions."""

from __future__ import annotations

import builtins
import contextlib
from typing import cast

import attrs

from sms_core import inputs
from sms_core.domain import AuditAction, AuditEntry, Page, PhoneNumber
from sms_core.exceptions import InvalidFieldError, InvalidPhoneNumberError
from sms_core.services.context import AccountContext
from sms_core.services.paging import Listing, page_size
from sms_core.store.audit import audit_page, list_audit

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
        target_key = self._filters(action, target)
        inputs.count("limit", limit, minimum=1, maximum=inputs.LIST_LIMIT_MAX)
        with self._context.database.transaction() as connection:
            return list_audit(
                connection, self._context.account.id, action=action, target=target_key, limit=limit
            )

    def page(
        self,
        *,
        action: AuditAction | None = None,
        target: str | PhoneNumber | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        viewer_id: str | None = None,
    ) -> Page[AuditEntry]:
        """A page of :meth:`list`, newest first; pass ``next_cursor`` back for the next.

        Args:
            action: Only entries of this action (a cursor of one filter does not continue
                another).
            target: Only entries about this number or seat id.
            limit: The most entries on the page: 1 to ``PAGE_SIZE_MAX``, by default
                ``PAGE_SIZE_DEFAULT`` (:mod:`sms_core.inputs`).
            cursor: The ``next_cursor`` of the previous page; ``None`` for the first.
            viewer_id: The user reading the trail (a screen's signed-in user), whom the host
                must let manage numbers, as for the admin actions the trail records; ``None``
                (the SDK's caller) is not checked.

        Raises:
            InvalidFieldError: When ``action``, ``target`` or ``limit`` is refused.
            InvalidCursorError: When ``cursor`` is not one a page of this list returned.
            PermissionDeniedError: When the host does not let ``viewer_id`` manage numbers.
        """
        self._context.require_admin_viewer(viewer_id)
        target_key = self._filters(action, target)
        size = page_size(limit)
        scope = f"{action.value if action else ''} {target_key or ''}"
        listing = Listing(name="audit", scope=scope, shape=(int,))
        before = listing.start(cursor)
        with self._context.database.transaction() as connection:
            found = audit_page(
                connection,
                self._context.account.id,
                action=action,
                target=target_key,
                before=cast("tuple[int] | None", before),  # Listing checked its shape
                limit=size + 1,
            )
        return listing.page(found, size)

    def _filters(self, action: AuditAction | None, target: str | PhoneNumber | None) -> str | None:
        """Check the filters; the target as stored (a number in E.164 form), if any."""
        if action is not None and not isinstance(action, AuditAction):
            raise InvalidFieldError.refused(
                field="action",
                value=inputs.shown(action),
                limit=f"an AuditAction ({', '.join(a.value for a in AuditAction)}) or None",
            )
        if target is not None:
            inputs.number("target", target)
        if isinstance(target, str):
            # A number may be typed any way a person types it; a seat id stays as it is.
            with contextlib.suppress(InvalidPhoneNumberError):
                target = PhoneNumber.parse(target)
        return str(target) if target is not None else None
