"""Policy settings: the agency's policy pages, and whether a first text needs consent on record."""

from __future__ import annotations

import attrs

from sms_core import inputs
from sms_core.compliance import https_url_problem
from sms_core.domain import Action, AuditAction, PolicySettings
from sms_core.exceptions import InvalidPolicyUrlError
from sms_core.services.context import AccountContext
from sms_core.store import consent as consent_store
from sms_core.store import registrations as registration_store

__all__ = ["PolicySettingsAdmin"]


@attrs.define
class PolicySettingsAdmin:
    """The "Policy Settings" table: two URLs that pre-fill the campaign registration form.

    Both are optional here: a campaign form may carry its own URLs. Registration needs both
    on the form, from wherever they come.
    """

    _context: AccountContext

    def get(self) -> PolicySettings:
        """The saved settings; empty ones when never saved."""
        with self._context.database.transaction() as connection:
            return registration_store.get_policy_settings(connection, self._context.account.id)

    def set(
        self,
        actor_id: str,
        *,
        privacy_policy_url: str | None,
        terms_and_conditions_url: str | None,
    ) -> PolicySettings:
        """Save both URLs; an empty or ``None`` one is cleared.

        Args:
            actor_id: The admin saving them (needs the registration permission).
            privacy_policy_url: The privacy policy page, an absolute https URL.
            terms_and_conditions_url: The terms and conditions page, an absolute https URL.

        Raises:
            PermissionDeniedError: When the actor may not manage the registration.
            InvalidPolicyUrlError: Naming the first URL that is not an absolute https URL.
            InvalidFieldError: When a URL is not text, longer than ``URL_LENGTH`` or holds
                characters that cannot be stored.
        """
        context = self._context
        inputs.identifier("actor_id", actor_id)
        for field, value in (
            ("privacy_policy_url", privacy_policy_url),
            ("terms_and_conditions_url", terms_and_conditions_url),
        ):
            if value is not None:
                inputs.text(field, value, max_length=inputs.URL_LENGTH)
        actor = context.require(actor_id, Action.MANAGE_REGISTRATION)
        privacy = _checked("privacy_policy_url", privacy_policy_url)
        terms = _checked("terms_and_conditions_url", terms_and_conditions_url)
        saved = PolicySettings(
            privacy_policy_url=privacy,
            terms_and_conditions_url=terms,
            updated_at=context.now(),
            updated_by=actor.id,
        )
        with context.database.transaction() as connection:
            before = registration_store.get_policy_settings(connection, context.account.id)
            saved = attrs.evolve(saved, consent_required=before.consent_required)
            registration_store.save_policy_settings(connection, context.account.id, saved)
            context.audit(
                connection,
                actor=actor,
                action=AuditAction.SET_POLICY_SETTINGS,
                target="policy_settings",
                before=_snapshot(before) if before.updated_at else None,
                after=_snapshot(saved),
            )
        return saved

    def set_consent_required(self, actor_id: str, required: bool) -> PolicySettings:
        """Turn on or off the rule "a consent record before the first text to a number".

        Off by default. When on, a text to a number that has no consent record and no
        conversation with the account yet is refused (see
        :mod:`sms_core.services.consent_rule`). The change is audited
        (``AuditAction.SET_CONSENT_REQUIRED``); setting the value it has changes nothing.

        Args:
            actor_id: The admin changing it (needs the registration permission, as the other
                policy settings).
            required: Whether a consent record is required.

        Returns:
            The settings as now stored.

        Raises:
            InvalidFieldError: When ``required`` is not a bool.
            PermissionDeniedError: When the actor may not manage the registration.
        """
        context = self._context
        inputs.identifier("actor_id", actor_id)
        inputs.flag("required", required)
        actor = context.require(actor_id, Action.MANAGE_REGISTRATION)
        account_id = context.account.id
        with context.database.transaction() as connection:
            before = registration_store.get_policy_settings(connection, account_id)
            if before.consent_required == required:
                return before
            consent_store.save_consent_required(
                connection, account_id, required=required, at=context.now(), by=actor.id
            )
            context.audit(
                connection,
                actor=actor,
                action=AuditAction.SET_CONSENT_REQUIRED,
                target="policy_settings",
                before={"consent_required": before.consent_required},
                after={"consent_required": required},
            )
            return registration_store.get_policy_settings(connection, account_id)


def _checked(field: str, value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    url = value.strip()
    if problem := https_url_problem(url):
        raise InvalidPolicyUrlError.not_https(field, url, problem)
    return url


def _snapshot(settings: PolicySettings) -> dict[str, object]:
    return {
        "privacy_policy_url": settings.privacy_policy_url,
        "terms_and_conditions_url": settings.terms_and_conditions_url,
    }
