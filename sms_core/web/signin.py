"""Sign-in: the host's short-lived token, exchanged once for a signed session cookie.

The web UI has no user table and no password. The host product, which already knows who its
user is, signs a token naming the account and the user with a secret it shares with the UI
(:func:`sign_in_token`), and sends the user to ``/web/signin?token=...``. The UI checks the
signature and the expiry, then answers with a session cookie and a redirect, so the token
leaves the address bar at once; a token opens one session only.

Signing is itsdangerous' HMAC (HMAC-SHA256 here, with a key derived per purpose from the
secret and a salt): a sign-in token cannot be replayed as a session cookie, nor
the other way round, because each has its own salt. Expiry is a time inside the signed payload,
checked against the SDK's clock (not the wall clock), so tests and the demo decide what "now"
is. The session cookie carries the account, the user, its own expiry and the session's CSRF
token; nothing in it is secret from the user it belongs to, only unforgeable.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs
from itsdangerous import BadSignature, URLSafeSerializer

from sms_core.exceptions import ConfigurationError, SignInError

__all__ = [
    "DEFAULT_SESSION_TTL",
    "DEFAULT_TOKEN_TTL",
    "MAX_TOKEN_TTL",
    "MIN_SECRET_LENGTH",
    "WEB_SECRET_ENV",
    "Session",
    "SessionSigner",
    "sign_in_token",
    "web_secret",
]

#: The environment variable the UI's signing secret is read from when none is passed.
WEB_SECRET_ENV = "SMS_WEB_SECRET"
#: The shortest secret accepted: 32 characters (``secrets.token_urlsafe(32)`` gives 43).
MIN_SECRET_LENGTH = 32
#: How long a sign-in token is good for by default: long enough for one redirect.
DEFAULT_TOKEN_TTL = timedelta(minutes=2)
#: The longest a sign-in token may live: it sits in a URL, so it must die young.
MAX_TOKEN_TTL = timedelta(minutes=15)
#: How long a session lasts by default; the host signs the user in again after it.
DEFAULT_SESSION_TTL = timedelta(hours=8)

_TOKEN_SALT = "sms_core.web.sign-in"
_SESSION_SALT = "sms_core.web.session"


def web_secret(secret: str | None = None) -> str:
    """The signing secret: ``secret`` if given, else ``SMS_WEB_SECRET``.

    Raises:
        ConfigurationError: When neither is set, or the secret is shorter than
            :data:`MIN_SECRET_LENGTH` characters.
    """
    value = secret if secret is not None else os.environ.get(WEB_SECRET_ENV, "")
    if not value:
        raise ConfigurationError(
            f"the web UI needs a signing secret shared with the host product: set "
            f"{WEB_SECRET_ENV} (or pass secret=) to at least {MIN_SECRET_LENGTH} random "
            "characters, such as the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    if len(value) < MIN_SECRET_LENGTH:
        raise ConfigurationError(
            f"the web UI's signing secret has {len(value)} characters; use at least "
            f"{MIN_SECRET_LENGTH} random characters (its value is not shown)"
        )
    return value


def sign_in_token(
    secret: str,
    account: str,
    user: str,
    ttl: timedelta = DEFAULT_TOKEN_TTL,
    *,
    now: datetime | None = None,
) -> str:
    """A token that signs ``user`` of ``account`` in to the web UI until ``now + ttl``.

    The host calls it when its user opens the UI, and sends the user to
    ``<where the UI is mounted>/signin?token=<token>``.

    Args:
        secret: The secret the UI was created with (``SMS_WEB_SECRET``).
        account: The account's id.
        user: The user's id, as the host upserted it (``users.upsert``).
        ttl: How long the token is good for: more than zero, at most :data:`MAX_TOKEN_TTL`.
        now: The current time; default the wall clock. Pass the SDK's clock
            (``admin.clock.now()``) when it is not the wall clock, as in tests and the demo.

    Raises:
        ConfigurationError: When the secret is too short.
        ValueError: When ``ttl`` is not more than zero and at most :data:`MAX_TOKEN_TTL`, or an
            id is empty.
    """
    if not timedelta(0) < ttl <= MAX_TOKEN_TTL:
        raise ValueError(
            f"a sign-in token's ttl must be more than 0 and at most {MAX_TOKEN_TTL}, not {ttl}: "
            "it travels in a URL"
        )
    if not account or not user:
        raise ValueError("a sign-in token names an account id and a user id; both are needed")
    serializer = _serializer(web_secret(secret), _TOKEN_SALT)
    issued = now if now is not None else datetime.now(UTC)
    expires = int((issued + ttl).timestamp())
    # The nonce makes every token its own: two minted in one second still open a session each.
    claims = {"a": account, "u": user, "exp": expires, "n": secrets.token_urlsafe(9)}
    return str(serializer.dumps(claims))


@attrs.frozen(kw_only=True)
class Session:
    """A signed-in visit: whose it is, until when, and its CSRF token.

    Attributes:
        account_id: The account the host signed the user in to.
        user_id: The signed-in user: the actor of every action.
        expires_at: When the session ends (seconds since the epoch).
        csrf_token: The token every unsafe request of this session must carry.
    """

    account_id: str
    user_id: str
    expires_at: int
    csrf_token: str


@attrs.define
class SessionSigner:
    """Checks sign-in tokens and signs and checks session cookies with one secret.

    Args:
        secret: The signing secret (see :func:`web_secret`).
        session_ttl: How long a session lasts.
    """

    _secret: str
    session_ttl: timedelta = DEFAULT_SESSION_TTL
    _spent: dict[str, int] = attrs.field(factory=dict, init=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False)

    def exchange(self, token: str, now: datetime) -> Session:
        """The new session a valid, unexpired sign-in token opens, once.

        A token that opened a session is remembered until it expires and refused again, so a
        link copied from the browser's history or a log opens nothing. The memory is this
        app's (one process): behind several processes, the token's short life is the bound.

        Raises:
            SignInError: When the token is forged, tampered, malformed, expired or used.
        """
        claims = self._load(token, _TOKEN_SALT, now, what="sign-in link")
        signature = token.rsplit(".", 1)[-1]
        with self._lock:
            for spent, expires in list(self._spent.items()):
                if expires <= now.timestamp():
                    del self._spent[spent]
            if signature in self._spent:
                raise SignInError(
                    "this sign-in link was used already; open the texting admin again from "
                    "your product for a new one"
                )
            self._spent[signature] = claims["exp"]
        expires = int((now + self.session_ttl).timestamp())
        return Session(
            account_id=claims["a"],
            user_id=claims["u"],
            expires_at=expires,
            csrf_token=secrets.token_urlsafe(24),
        )

    def cookie(self, session: Session) -> str:
        """The session as a signed cookie value."""
        serializer = _serializer(self._secret, _SESSION_SALT)
        return str(
            serializer.dumps(
                {
                    "a": session.account_id,
                    "u": session.user_id,
                    "exp": session.expires_at,
                    "csrf": session.csrf_token,
                }
            )
        )

    def session(self, cookie: str | None, now: datetime) -> Session:
        """The session a cookie carries.

        Raises:
            SignInError: When there is no cookie, or it is forged, tampered or expired.
        """
        if not cookie:
            raise SignInError(
                "you are not signed in (or your browser blocked the session cookie); open "
                "the texting admin again from your product"
            )
        claims = self._load(cookie, _SESSION_SALT, now, what="session")
        csrf = claims.get("csrf")
        if not isinstance(csrf, str) or not csrf:
            raise SignInError(_refused("session"))
        return Session(
            account_id=claims["a"], user_id=claims["u"], expires_at=claims["exp"], csrf_token=csrf
        )

    def _load(self, value: str, salt: str, now: datetime, *, what: str) -> dict[str, Any]:
        serializer = _serializer(self._secret, salt)
        try:
            claims = serializer.loads(value)
        except BadSignature:
            raise SignInError(_refused(what)) from None
        if not (
            isinstance(claims, dict)
            and isinstance(claims.get("a"), str)
            and isinstance(claims.get("u"), str)
            and type(claims.get("exp")) is int
        ):
            raise SignInError(_refused(what))
        if claims["exp"] <= now.timestamp():
            raise SignInError(
                f"this {what} has expired; open the texting admin again from your product to "
                "sign in anew"
            )
        return claims


def _serializer(secret: str, salt: str) -> URLSafeSerializer:
    """The compact JSON signer of itsdangerous, HMAC-SHA256 with a key derived from ``salt``."""
    return URLSafeSerializer(secret, salt=salt, signer_kwargs={"digest_method": hashlib.sha256})


def _refused(what: str) -> str:
    return (
        f"this {what} is not valid (it was not signed by your product, or was changed); open "
        "the texting admin again from your product"
    )
