"""Policy settings: the agency's privacy policy and terms and conditions pages."""

from __future__ import annotations

import attrs

from sms_core import inputs
from sms_core.compliance import https_url_problem
from sms_core.domain import Action, AuditAction, PolicySettings
from sms_core.exceptions import InvalidPolicyUrlError
from sms_core.services.context import AccountContext
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
