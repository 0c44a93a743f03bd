"""Changing an account's provider settings: checked by its carrier, under a lock, audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from sms_core import inputs
from sms_core.clock import Clock
from sms_core.domain import Account, AuditAction
from sms_core.exceptions import AccountNotFoundError, InvalidFieldError
from sms_core.plugins import Hooks
from sms_core.store import Database
from sms_core.store import accounts as account_store
from sms_core.store.audit import record_audit

__all__ = ["OPERATOR_ACTOR", "change_provider_settings"]

#: The actor the audit trail names for a change made through the SDK or ``smsadmin`` itself
#: rather than by one of the host's users (a changed carrier setting).
OPERATOR_ACTOR = "smsadmin:operator"


def change_provider_settings(
    database: Database,
    hooks: Hooks,
    clock: Clock,
    account_id: str,
    *,
    settings: Mapping[str, str] | None,
    unset: Iterable[str],
    actor_id: str,
) -> Account:
    """Set ``settings``, remove ``unset``: ``SmsAdmin.update_account_settings`` documents it.

    The settings are read, checked by the account's carrier and written in one transaction
    holding the account's row, so two changes at the same moment (to different keys) both
    land; the check reads no carrier, so the lock is short.

    Raises:
        AccountNotFoundError: When no account has that id.
        InvalidFieldError: When a setting or name is malformed, a key is both set and unset,
            or an unset key is not set.
        SecretSettingError: When a setting looks like a secret.
        ConfigurationError: When the carrier refuses the settings.
    """
    changes = inputs.provider_settings(settings)
    removed = _setting_names(unset)
    if both := sorted(set(changes) & removed):
        raise InvalidFieldError.refused(
            field="unset",
            value=inputs.shown(both[0]),
            limit="names that are not also set in the same change",
        )
    inputs.identifier("actor_id", actor_id)
    with database.transaction() as connection:
        current = account_store.get_account(connection, account_id, for_update=True)
        if current is None:
            raise AccountNotFoundError(f"no account {account_id!r}; create it first")
        if missing := sorted(removed - set(current.provider_settings)):
            raise InvalidFieldError(
                f"account {account_id!r} has no provider setting {missing[0]!r} to unset; "
                f"its settings are {sorted(current.provider_settings)}",
                field="unset",
                value=inputs.shown(missing[0]),
                limit="names of settings the account has",
            )
        merged = {
            key: value for key, value in current.provider_settings.items() if key not in removed
        }
        merged.update(changes)
        updated = attrs.evolve(current, provider_settings=merged)
        hooks.check_provider_settings(updated)
        if merged == dict(current.provider_settings):
            return current
        account_store.update_provider_settings(connection, account_id, merged)
        record_audit(
            connection,
            account_id=account_id,
            at=clock.now(),
            actor_id=actor_id,
            action=AuditAction.SET_PROVIDER_SETTINGS,
            target="provider_settings",
            before=dict(current.provider_settings),
            after=merged,
        )
    return updated


def _setting_names(value: Iterable[str]) -> set[str]:
    """The setting names in ``value``, each checked as a provider setting's key.

    Raises:
        InvalidFieldError: When ``value`` is a text (not a collection of names) or a name is
            malformed.
    """
    if isinstance(value, str | bytes):
        raise InvalidFieldError.refused(
            field="unset", value=inputs.shown(value), limit="a collection of setting names"
        )
    return {
        inputs.identifier("unset", name, max_length=inputs.SETTING_KEY_LENGTH) for name in value
    }
