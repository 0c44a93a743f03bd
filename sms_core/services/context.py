"""What every account-scoped service shares: the account, its database, plugins and clock.

:class:`WebhookUrls` and :data:`WEBHOOK_BASE_URL_ENV` live in :mod:`sms_core.webhooks.urls`
and are importable from here as before.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime

import attrs

from sms_core import inputs
from sms_core.clock import Clock
from sms_core.domain import Account, Action, AuditAction, HostPolicy, PhoneNumber, User
from sms_core.exceptions import PermissionDeniedError, UserNotFoundError
from sms_core.plugins import Hooks
from sms_core.services.carrier_calls import CarrierCalls
from sms_core.store import Database, Transaction
from sms_core.store.audit import record_audit
from sms_core.store.users import get_user
from sms_core.webhooks.urls import WEBHOOK_BASE_URL_ENV, WebhookUrls

__all__ = ["WEBHOOK_BASE_URL_ENV", "AccountContext", "WebhookUrls", "new_id"]


def new_id() -> str:
    """A fresh random identifier for lines and seats."""
    return uuid.uuid4().hex


@attrs.define
class AccountContext:
    """The account and the collaborators its services share."""

    account: Account
    database: Database
    hooks: Hooks
    clock: Clock
    webhooks: WebhookUrls
    make_id: Callable[[], str] = new_id
    rng: random.Random = attrs.field(factory=random.Random)
    #: The threads mass texts wait on the carrier with (the SDK's own, shared by accounts).
    carrier_calls: CarrierCalls = attrs.field(factory=CarrierCalls)

    def now(self) -> datetime:
        """The injected clock's time."""
        return self.clock.now()

    def policy(self) -> HostPolicy:
        """The active host's limits for this account."""
        return self.hooks.host_policy(self.account)

    def actor(self, connection: Transaction, actor_id: str) -> User:
        """Load the acting user.

        Raises:
            UserNotFoundError: When the account has no such user.
        """
        user = get_user(connection, self.account.id, actor_id)
        if user is None:
            raise UserNotFoundError(
                f"account {self.account.id!r} has no user {actor_id!r}; "
                "sync the user from the host first (users.upsert)"
            )
        return user

    def authorize(self, actor: User, action: Action, *, recipients: int = 0) -> None:
        """Ask the host whether ``actor`` may perform ``action``.

        Args:
            recipients: How many candidates the action texts (see ``sms_authorize``).

        Raises:
            PermissionDeniedError: With the host's reason, when refused.
        """
        decision = self.hooks.authorize(self.account, actor, action, recipients=recipients)
        if not decision.allowed:
            raise PermissionDeniedError(decision.reason, actor_id=actor.id, action=action.value)

    def require(self, actor_id: str, action: Action, *, recipients: int = 0) -> User:
        """Load the actor and check the action in one step."""
        with self.database.transaction() as connection:
            actor = self.actor(connection, actor_id)
        self.authorize(actor, action, recipients=recipients)
        return actor

    def require_admin_viewer(self, viewer_id: str | None) -> None:
        """Check that ``viewer_id``, when given, may read the account's admin lists.

        The numbers, seats and audit trail are the admins' screens (the HCM widget: only
        Marketplace Admins reach them), so reading them needs ``Action.MANAGE_NUMBERS`` from
        the host, as changing them does. ``None`` is the SDK's own caller (the CLI, a host's
        back end), who names no user and is not checked.

        Raises:
            InvalidFieldError: When ``viewer_id`` is not an identifier.
            UserNotFoundError: When the account has no such user.
            PermissionDeniedError: With the host's reason, naming what grants the right.
        """
        if viewer_id is None:
            return
        inputs.identifier("viewer_id", viewer_id)
        self.require(viewer_id, Action.MANAGE_NUMBERS)

    def audit(
        self,
        connection: Transaction,
        *,
        actor: User,
        action: AuditAction,
        target: PhoneNumber | str,
        before: Mapping[str, object] | None,
        after: Mapping[str, object] | None,
    ) -> None:
        """Record an admin action in the same transaction as the change."""
        record_audit(
            connection,
            account_id=self.account.id,
            at=self.now(),
            actor_id=actor.id,
            action=action,
            target=str(target),
            before=before,
            after=after,
        )
