"""What the adapter needs to know about an account: its settings and its secrets.

Non-secret settings live in ``Account.provider_settings`` (the SDK stores them); secrets come
from the environment, or from the host through the adapter's ``credentials`` callable, and are
never stored, logged or shown.

=============================  =================================================================
``provider_settings`` key      meaning
=============================  =================================================================
``messaging_profile_id``       the Telnyx messaging profile (a UUID) texts are sent through; the
                               sending number must be assigned to it in Mission Control
``env_prefix``                 prefix of the secret variables (``TELNYX_`` by default)
``outbound_voice_profile_id``  the outbound voice profile (digits) set on the TeXML application
                               the adapter makes for calls, so its ``<Dial>`` can forward them
                               (:mod:`sms_telnyx.voice`)
=============================  =================================================================

Secrets, read as ``{env_prefix}NAME``: ``API_KEY`` (the REST API's bearer key, Mission Control,
"API Keys") and ``PUBLIC_KEY`` (the account's base64 Ed25519 public key that webhooks are
verified with, Mission Control, "Keys & Credentials", "Public Key"). The public key is not a
secret in the cryptographic sense, but it decides which requests are trusted, so it is held to
the same rule: from the environment only, never a stored setting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from sms_core.domain import Account
from sms_core.exceptions import ConfigurationError, SecretSettingError

__all__ = [
    "DEFAULT_ENV_PREFIX",
    "PROVIDER",
    "Credentials",
    "TelnyxSettings",
    "public_key_from_environ",
]

#: The adapter's name, as ``Account.provider`` spells it and errors report it.
PROVIDER = "telnyx"
#: The prefix of the environment variables holding the secrets.
DEFAULT_ENV_PREFIX = "TELNYX_"

_KNOWN_KEYS = frozenset({"messaging_profile_id", "env_prefix", "outbound_voice_profile_id"})
# Secrets by the names an operator would give them; refused whatever their value.
_SECRET_KEYS = frozenset({"api_key", "public_key", "webhook_public_key", "api_v1_key"})
_UUID = re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
_ENV_PREFIX = re.compile(r"[A-Z][A-Z0-9_]{0,40}")
# Telnyx's outbound voice profile ids are integers written as strings (OutboundVoiceProfileId's
# example '1293384261075731499' in spec3.yml).
_INT_ID = re.compile(r"[0-9]{1,30}")


@attrs.frozen(kw_only=True)
class TelnyxSettings:
    """The non-secret Telnyx settings of one account (see the module docs for each key)."""

    messaging_profile_id: str | None = None
    env_prefix: str = DEFAULT_ENV_PREFIX
    outbound_voice_profile_id: str | None = None

    @classmethod
    def from_account(cls, account: Account) -> TelnyxSettings:
        """Read and check ``account.provider_settings``.

        Raises:
            SecretSettingError: For a secret (``api_key``, ``public_key``) given as a setting;
                its value is not shown.
            ConfigurationError: For an unknown key (a typo would otherwise be ignored) or a
                value of the wrong shape; the message names the key and the fix.
        """
        raw = account.provider_settings
        for key in sorted(set(raw) & _SECRET_KEYS):
            raise SecretSettingError.looks_secret(
                key, f"the Telnyx {key} is read from the environment ({{env_prefix}}{key.upper()})"
            )
        if unknown := sorted(set(raw) - _KNOWN_KEYS):
            raise ConfigurationError(
                f"account {account.id!r} has unknown Telnyx provider settings {unknown}; "
                f"the known ones are {sorted(_KNOWN_KEYS)}"
            )
        profile = raw.get("messaging_profile_id", "").strip() or None
        if profile is not None and not _UUID.fullmatch(profile):
            raise ConfigurationError(
                f"provider setting 'messaging_profile_id' of account {account.id!r} is not a "
                f"Telnyx messaging profile id (a UUID such as "
                "'16fd2706-8baf-433b-82eb-8c7fada847da'; the value given has "
                f"{len(profile)} characters and is not shown); copy it from Mission Control, "
                "Messaging, the profile's page"
            )
        prefix = raw.get("env_prefix", "").strip() or DEFAULT_ENV_PREFIX
        if not _ENV_PREFIX.fullmatch(prefix):
            raise ConfigurationError(
                f"provider setting 'env_prefix' of account {account.id!r} is {prefix!r}; use "
                "capital letters, digits and underscores, such as 'TELNYX_AGENCY1_'"
            )
        voice_profile = raw.get("outbound_voice_profile_id", "").strip() or None
        if voice_profile is not None and not _INT_ID.fullmatch(voice_profile):
            raise ConfigurationError(
                f"provider setting 'outbound_voice_profile_id' of account {account.id!r} is "
                f"{voice_profile!r}, not a Telnyx outbound voice profile id (digits, such as "
                "'1293384261075731499'); copy it from Mission Control, Voice, Outbound Voice "
                "Profiles"
            )
        return cls(
            messaging_profile_id=profile,
            env_prefix=prefix,
            outbound_voice_profile_id=voice_profile,
        )


@attrs.frozen(kw_only=True)
class Credentials:
    """The REST API key and the webhook public key; both are kept out of ``repr``.

    Attributes:
        api_key: The bearer key of the REST API.
        public_key: The account's base64 Ed25519 public key, which webhooks are verified
            with; ``None`` when not configured (webhooks then cannot be verified).
    """

    api_key: str = attrs.field(repr=False)
    public_key: str | None = attrs.field(default=None, repr=False)

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str], settings: TelnyxSettings, account: Account
    ) -> Credentials:
        """The credentials named by ``settings.env_prefix`` in ``environ``.

        Raises:
            ConfigurationError: When the API key is missing.
        """
        prefix = settings.env_prefix
        api_key = environ.get(f"{prefix}API_KEY", "").strip()
        if not api_key:
            raise ConfigurationError(
                f"no Telnyx API key for account {account.id!r}: set {prefix}API_KEY in the "
                f"environment (Mission Control, API Keys), and {prefix}PUBLIC_KEY for webhooks"
            )
        return cls(api_key=api_key, public_key=public_key_from_environ(environ, settings))


def public_key_from_environ(environ: Mapping[str, str], settings: TelnyxSettings) -> str | None:
    """The webhook public key named by ``settings.env_prefix`` in ``environ``, if set.

    Verifying a webhook needs this key alone: a server that only takes webhooks may run
    without the API key.
    """
    return environ.get(f"{settings.env_prefix}PUBLIC_KEY", "").strip() or None
