"""The webhook app's accounts: each account's receiver, held for a few seconds per process.

A carrier posts many reports a second for one account, and each needs the account (its
carrier and non-secret carrier settings) before its signature can be checked. Reading it from
the database for every report cost a transaction per report (on SQLite a turn at the write
lock) and building every service of the account (``AccountAdmin``) for each; the app now
keeps each account's :class:`~sms_core.webhooks.pipeline.WebhookReceiver`, built alone, for
:data:`ACCOUNT_CACHE_SECONDS` by the SDK's clock.

What this may delay, and for how long:

* the carrier's secrets (auth tokens) are never held here: adapters read them from the
  environment or the host for every request, so a rotated token takes effect at once;
* a change of the account's settings made through the same :class:`SmsAdmin`
  (``update_account_settings``) takes effect at the next request
  (:attr:`SmsAdmin.account_changes`);
* a change made by another process (``smsadmin accounts update`` beside ``smsadmin serve``)
  takes effect within :data:`ACCOUNT_CACHE_SECONDS`. Settings that choose which secret signs
  (an adapter's provider settings naming its credentials or its state) are among them: a
  report signed with the secret of the settings before the change is accepted for at most
  that long, then refused.

An account id that names no account is looked up every time and never held, so an account
created a moment later is found at once.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from sms_core.services.sending import SendPipeline
from sms_core.webhooks.pipeline import WebhookReceiver

if TYPE_CHECKING:
    from sms_core.services import SmsAdmin

__all__ = ["ACCOUNT_CACHE_SECONDS", "Receivers"]

#: Seconds a process keeps an account it read for its webhooks (see the module).
ACCOUNT_CACHE_SECONDS = 5.0


@attrs.frozen
class _Held:
    receiver: WebhookReceiver
    read_at: datetime
    changes: int  # SmsAdmin.account_changes when the account was read


@attrs.define
class Receivers:
    """Each account's webhook receiver, read at most every :data:`ACCOUNT_CACHE_SECONDS`."""

    _admin: SmsAdmin
    _held: dict[str, _Held] = attrs.field(factory=dict, init=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False)

    def receiver(self, account_id: str) -> WebhookReceiver:
        """The receiver of ``account_id``, read again once it is older than the window.

        Raises:
            AccountNotFoundError: When no account has that id (or it cannot be one).
        """
        admin = self._admin
        # Both read before the account is: a change committed meanwhile moves the count and
        # so is never hidden behind the copy read now.
        changes = admin.account_changes
        now = admin.clock.now()
        with self._lock:
            held = self._held.get(account_id)
        if (
            held is not None
            and held.changes == changes
            and held.read_at <= now < held.read_at + timedelta(seconds=ACCOUNT_CACHE_SECONDS)
        ):
            return held.receiver
        context = admin.context(admin.load_account(account_id))
        receiver = WebhookReceiver(context, SendPipeline(context))
        with self._lock:
            self._held[account_id] = _Held(receiver=receiver, read_at=now, changes=changes)
        return receiver
