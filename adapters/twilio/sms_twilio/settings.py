"""What the adapter needs to know about an account: its settings and its credentials.

Non-secret settings live in ``Account.provider_settings`` (the SDK stores them); secrets come
from the environment, or from the host through the adapter's ``credentials`` callable, and are
never stored, logged or shown.

=================================  =============================================================
``provider_settings`` key          meaning
=================================  =============================================================
``account_sid``                    the Twilio account (``AC…``); else ``{env_prefix}ACCOUNT_SID``
``env_prefix``                     prefix of the secret variables (``TWILIO_`` by default)
``messaging_service_sid``          an existing Messaging Service (``MG…``) to register and send
                                   through; without it one is created with the campaign
``primary_customer_profile_sid``   the ISV's approved Primary Customer Profile (``BU…``),
                                   attached to each agency's customer profile
``customer_profile_policy_sid``    Trust Hub policy of the customer profile (``RN…``)
``a2p_profile_policy_sid``         Trust Hub policy of the A2P messaging profile (``RN…``)
``notification_email``             where Trust Hub sends review news; else the brand contact's
``public_webhook_base_url``        deprecated (goes in 0.3; warns): the outside URL of the
                                   webhook app behind a proxy. The core rebuilds the URL
                                   Twilio called from the SDK's webhook base URL
                                   (``SMS_WEBHOOK_BASE_URL``, ``webhook_base_url=``,
                                   ``smsadmin serve --public-url``); set that instead
``region`` / ``edge``              Twilio's regional processing (``ie1``, ``dublin``); the
                                   ``TWILIO_REGION``/``TWILIO_EDGE`` variables are never read
``mock_registrations``             ``"true"`` registers mock brands (Twilio charges no fee and
                                   sends nothing to The Campaign Registry): for trial accounts
``reconcile_window_hours``         how far back a lost send is looked for (48 by default)
``advanced_opt_out``               ``"true"`` when the account's Messaging Service has Advanced
                                   Opt-Out on (Console, Messaging Service, Opt-Out Management):
                                   Twilio then names the keywords it acted on in
                                   ``OptOutType``; ``"false"`` (Twilio's default): the adapter
                                   recognises Twilio's default keywords from the body
                                   (see :mod:`sms_twilio.keywords`)
=================================  =============================================================

Secrets, read as ``{env_prefix}NAME``: ``AUTH_TOKEN`` (or ``API_KEY`` + ``API_SECRET`` for the
REST API; webhook signatures are always made with the auth token) and, for webhooks signed with
HMAC-SHA256, ``WEBHOOK_SIGNING_KEY``.

**An agency on its own subaccount logs in as that subaccount.** Trust Hub and Messaging URLs
carry no account SID (``trusthub.twilio.com/v1/CustomerProfiles``,
``messaging.twilio.com/v1/Services``): Twilio acts for the account the login belongs to. The
parent's auth token or API key with a subaccount's SID reaches the subaccount's numbers (their
v2010 URLs name it) but registers the brand, campaign and Messaging Service in the *parent*
(twilio/twilio-php#694, twilio/twilio-python#785, twilio/twilio-node#492; Twilio: "Main account
API Keys are only available to access main account resources"). So every secret is taken to
belong to the account it is configured with, and a login for another account is refused:

* ``Credentials`` whose username is an account SID other than ``account_sid`` (the parent's
  SID and token with a subaccount's SID);
* an ``{env_prefix}ACCOUNT_SID`` other than the ``account_sid`` setting: the secrets beside it
  are that account's. Give the subaccount its own ``env_prefix`` with its own SID and token
  (or an API key made in the subaccount).

An error never shows a secret, nor a value given as an SID that is not one (a token pasted into
``account_sid`` stays out of logs).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from urllib.parse import urlsplit

import attrs

from sms_core.domain import Account
from sms_core.exceptions import ConfigurationError

__all__ = [
    "DEFAULT_A2P_PROFILE_POLICY_SID",
    "DEFAULT_CUSTOMER_PROFILE_POLICY_SID",
    "DEFAULT_ENV_PREFIX",
    "PROVIDER",
    "Credentials",
    "TwilioSettings",
    "sid_pattern",
]

#: The adapter's name, as ``Account.provider`` spells it and errors report it.
PROVIDER = "twilio"
#: The prefix of the environment variables holding the secrets.
DEFAULT_ENV_PREFIX = "TWILIO_"
#: Trust Hub's Secondary Customer Profile policy (an ISV's customer).
DEFAULT_CUSTOMER_PROFILE_POLICY_SID = "RNdfbf3fae0e1107f8aded0e7cead80bf5"
#: Trust Hub's A2P Messaging Profile policy.
DEFAULT_A2P_PROFILE_POLICY_SID = "RNb0d4771c2c98518d916a3d4cd70a8f8b"

_KNOWN_KEYS = frozenset(
    {
        "account_sid",
        "env_prefix",
        "messaging_service_sid",
        "primary_customer_profile_sid",
        "customer_profile_policy_sid",
        "a2p_profile_policy_sid",
        "notification_email",
        "public_webhook_base_url",
        "region",
        "edge",
        "mock_registrations",
        "reconcile_window_hours",
        "advanced_opt_out",
    }
)
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


def sid_pattern(prefix: str) -> re.Pattern[str]:
    """The shape of a Twilio SID with ``prefix`` (``"PN"``, ``"MG"``…): two letters, 32 hex."""
    return re.compile(rf"{prefix}[0-9a-fA-F]{{32}}")


def _sid(settings: Mapping[str, str], key: str, prefix: str) -> str | None:
    value = settings.get(key, "").strip()
    if not value:
        return None
    if not sid_pattern(prefix).fullmatch(value):
        # The value is not shown: an auth token or API secret pasted into a SID field must
        # not end up in a log or on a screen.
        raise ConfigurationError(
            f"provider setting {key!r} is not a Twilio {prefix}… SID ({prefix} followed by 32 "
            f"hex digits; the value given has {len(value)} characters and is not shown); copy "
            "the SID from the Twilio Console. Never put the auth token or an API secret in a "
            "provider setting: set them in the environment (TWILIO_AUTH_TOKEN, "
            "TWILIO_API_KEY and TWILIO_API_SECRET, or your env_prefix)"
        )
    return value


def _flag(settings: Mapping[str, str], key: str) -> bool:
    value = settings.get(key, "").strip().lower()
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise ConfigurationError(f"provider setting {key!r} is {value!r}; use 'true' or 'false'")


def _hours(settings: Mapping[str, str], key: str, default: int) -> int:
    value = settings.get(key, "").strip()
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= 24 * 30:
        raise ConfigurationError(
            f"provider setting {key!r} is {value!r}; use a whole number of hours from 1 to 720"
        )
    return int(value)


def _base_url(settings: Mapping[str, str], key: str) -> str | None:
    value = settings.get(key, "").strip().rstrip("/")
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query:
        raise ConfigurationError(
            f"provider setting {key!r} is {value!r}; use the absolute URL the webhook app is "
            "reached at from outside, such as 'https://sms.example.com'"
        )
    return value


@attrs.frozen(kw_only=True)
class TwilioSettings:
    """The non-secret Twilio settings of one account (see the module docs for each key)."""

    account_sid: str | None = None
    env_prefix: str = DEFAULT_ENV_PREFIX
    messaging_service_sid: str | None = None
    primary_customer_profile_sid: str | None = None
    customer_profile_policy_sid: str = DEFAULT_CUSTOMER_PROFILE_POLICY_SID
    a2p_profile_policy_sid: str = DEFAULT_A2P_PROFILE_POLICY_SID
    notification_email: str | None = None
    public_webhook_base_url: str | None = None
    region: str | None = None
    edge: str | None = None
    mock_registrations: bool = False
    reconcile_window_hours: int = 48
    advanced_opt_out: bool = False

    @classmethod
    def from_account(cls, account: Account) -> TwilioSettings:
        """Read and check ``account.provider_settings``.

        Raises:
            ConfigurationError: For an unknown key (a typo would otherwise be ignored) or a
                value of the wrong shape; the message names the key and the fix.
        """
        raw = account.provider_settings
        if unknown := sorted(set(raw) - _KNOWN_KEYS):
            raise ConfigurationError(
                f"account {account.id!r} has unknown Twilio provider settings {unknown}; "
                f"the known ones are {sorted(_KNOWN_KEYS)}"
            )
        public_webhook_base_url = _base_url(raw, "public_webhook_base_url")
        if public_webhook_base_url is not None:
            warnings.warn(
                f"the Twilio provider setting 'public_webhook_base_url' of account "
                f"{account.id!r} is deprecated and goes in 0.3: the core rebuilds the URL Twilio "
                "signed from the SDK's webhook base URL; set SMS_WEBHOOK_BASE_URL (or "
                "webhook_base_url=, or smsadmin serve --public-url) to the public URL and "
                "remove the setting",
                DeprecationWarning,
                stacklevel=2,
            )
        return cls(
            account_sid=_sid(raw, "account_sid", "AC"),
            env_prefix=raw.get("env_prefix", "").strip() or DEFAULT_ENV_PREFIX,
            messaging_service_sid=_sid(raw, "messaging_service_sid", "MG"),
            primary_customer_profile_sid=_sid(raw, "primary_customer_profile_sid", "BU"),
            customer_profile_policy_sid=_sid(raw, "customer_profile_policy_sid", "RN")
            or DEFAULT_CUSTOMER_PROFILE_POLICY_SID,
            a2p_profile_policy_sid=_sid(raw, "a2p_profile_policy_sid", "RN")
            or DEFAULT_A2P_PROFILE_POLICY_SID,
            notification_email=raw.get("notification_email", "").strip() or None,
            public_webhook_base_url=public_webhook_base_url,
            region=raw.get("region", "").strip() or None,
            edge=raw.get("edge", "").strip() or None,
            mock_registrations=_flag(raw, "mock_registrations"),
            reconcile_window_hours=_hours(raw, "reconcile_window_hours", 48),
            advanced_opt_out=_flag(raw, "advanced_opt_out"),
        )


@attrs.frozen(kw_only=True)
class Credentials:
    """What the REST API and the webhook signatures need; secrets are kept out of ``repr``.

    Attributes:
        account_sid: The Twilio account (``AC…``) whose resources are used.
        username: The account SID, or an API key SID (``SK…``).
        password: The auth token, or the API key's secret.
        auth_token: The account's auth token, which Twilio signs webhooks with; ``None``
            when only an API key was given (webhooks then cannot be verified).
        webhook_signing_key: The secret of a webhook SharedKey, for HMAC-SHA256 signatures.
    """

    account_sid: str
    username: str
    password: str = attrs.field(repr=False)
    auth_token: str | None = attrs.field(default=None, repr=False)
    webhook_signing_key: str | None = attrs.field(default=None, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.username.startswith("AC") and self.username != self.account_sid:
            raise ConfigurationError(
                f"the Twilio login is account {self.username}, but the resources used are "
                f"account {self.account_sid}'s: Trust Hub and Messaging would act for "
                f"{self.username}. Log in with {self.account_sid}'s own auth token, or with an "
                f"API key made in {self.account_sid}"
            )

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str], settings: TwilioSettings, account: Account
    ) -> Credentials:
        """The credentials named by ``settings.env_prefix`` in ``environ``.

        Raises:
            ConfigurationError: When the account SID or both kinds of secret are missing.
        """
        prefix = settings.env_prefix

        def env(name: str) -> str | None:
            return environ.get(f"{prefix}{name}", "").strip() or None

        environ_sid = env("ACCOUNT_SID")
        account_sid = settings.account_sid or environ_sid
        auth_token, api_key, api_secret = env("AUTH_TOKEN"), env("API_KEY"), env("API_SECRET")
        login: tuple[str, str] | None = None
        if api_key and api_secret:
            login = (api_key, api_secret)
        elif account_sid and auth_token:
            login = (account_sid, auth_token)
        if account_sid is None or login is None:
            raise ConfigurationError(
                f"no Twilio credentials for account {account.id!r}: set {prefix}ACCOUNT_SID "
                f"(or the 'account_sid' provider setting) and {prefix}AUTH_TOKEN, or "
                f"{prefix}API_KEY and {prefix}API_SECRET, in the environment"
            )
        if not sid_pattern("AC").fullmatch(account_sid):
            raise ConfigurationError(
                f"{prefix}ACCOUNT_SID is not a Twilio account SID (AC followed by 32 hex digits)"
            )
        if environ_sid is not None and environ_sid != account_sid:
            raise ConfigurationError(
                f"account {account.id!r} uses Twilio account {account_sid}, but the secrets "
                f"in {prefix}* belong to {prefix}ACCOUNT_SID (another account): with them, "
                f"Trust Hub and Messaging would act for that account. Give this agency its own "
                f"env_prefix holding {account_sid} as ACCOUNT_SID and its own AUTH_TOKEN (or "
                f"an API key made in {account_sid})"
            )
        return cls(
            account_sid=account_sid,
            username=login[0],
            password=login[1],
            auth_token=auth_token,
            webhook_signing_key=env("WEBHOOK_SIGNING_KEY"),
        )
