# Over 400 lines: the SDK's entry point wires every service of an account and runs each
# background pass for all accounts; splitting it would scatter the one place services meet.
"""The SDK's entry point: open the database and plugins, then work account by account."""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, cast

import attrs

from sms_core import inputs
from sms_core.clock import Clock, SystemClock
from sms_core.domain import Account, Message, Page, ScheduledRunReport, StepStatus, SyncReport
from sms_core.exceptions import AccountNotFoundError, AlreadyExistsError, InvalidInputError
from sms_core.plugins import Hooks
from sms_core.services.account_settings import OPERATOR_ACTOR, change_provider_settings
from sms_core.services.allowance import AllowanceAdmin
from sms_core.services.audit import AuditTrail
from sms_core.services.carrier_calls import CarrierCalls
from sms_core.services.consent import ConsentRecords
from sms_core.services.context import AccountContext, WebhookUrls, new_id
from sms_core.services.erasure import Erasure
from sms_core.services.export import Export
from sms_core.services.host_events import HostEventDelivery, HostEventReport
from sms_core.services.inbox import Inbox
from sms_core.services.messaging import Messaging
from sms_core.services.numbers import NumberAdmin
from sms_core.services.optouts import OptOuts
from sms_core.services.paging import Listing, page_size
from sms_core.services.policy_settings import PolicySettingsAdmin
from sms_core.services.registration import RegistrationAdmin
from sms_core.services.scheduled import ScheduledSends
from sms_core.services.seats import SeatAdmin
from sms_core.services.sending import SendPipeline
from sms_core.services.templates import Templates
from sms_core.services.users import UserDirectory
from sms_core.store import Database
from sms_core.store import accounts as account_store

if TYPE_CHECKING:
    from sms_core.webhooks.pipeline import WebhookReceiver

__all__ = ["AccountAdmin", "SmsAdmin"]

_logger = logging.getLogger(__name__)

# An account id: it is a path segment of the account's webhook URLs, and fits its column.
_ACCOUNT_ID = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_-]{{0,{inputs.ID_LENGTH - 1}}}")


@attrs.define
class AccountAdmin:
    """Everything one account can do, grouped the way the admin screens are.

    Attributes:
        users: The host's users, mirrored.
        policy: The privacy policy and terms and conditions URLs that pre-fill registration.
        registration: The brand, campaign and messaging service registration.
        numbers: Number search, purchase, assignment, re-allocation, forwarding, release.
        seats: Seats with a number and a monthly allowance (seat-based hosts).
        audit: The audit trail of admin actions.
        messages: Texting candidates, one or many, and the message history.
        optouts: The numbers that opted out, blocked on every line.
        webhooks: Applies the carrier's delivery reports, inbound texts and calls.
        allowance: The account's monthly allowance: its scope, and the account's pool.
        scheduled: Texts scheduled for later: schedule, list, cancel, and send the due ones.
        consent: How and when candidates agreed to texts, beside their opt-outs.
        templates: Saved texts with merge fields, checked when saved, sent to many.
        export: The account's records (messages, opt-outs, audit trail) written out, streamed.
        erasure: A candidate's number and texts erased on request, the number still blocked.
        inbox: Each user's threads with the candidates' replies, and what is unread.
    """

    account: Account
    users: UserDirectory
    policy: PolicySettingsAdmin
    registration: RegistrationAdmin
    numbers: NumberAdmin
    seats: SeatAdmin
    audit: AuditTrail
    messages: Messaging
    optouts: OptOuts
    webhooks: WebhookReceiver
    allowance: AllowanceAdmin
    scheduled: ScheduledSends
    consent: ConsentRecords
    templates: Templates
    export: Export
    erasure: Erasure
    inbox: Inbox

    @classmethod
    def build(cls, context: AccountContext) -> AccountAdmin:
        """Wire the services of one account around a shared context."""
        numbers = NumberAdmin(context)
        policy = PolicySettingsAdmin(context)
        # Imported here: the webhook pipeline is built on these services, so a module-level
        # import circles back to it when ``sms_core.webhooks.pipeline`` is imported first.
        from sms_core.webhooks.pipeline import WebhookReceiver  # noqa: PLC0415

        pipeline = SendPipeline(context)
        messages = Messaging(context, pipeline)
        return cls(
            account=context.account,
            users=UserDirectory(context),
            policy=policy,
            registration=RegistrationAdmin(context, policy),
            numbers=numbers,
            seats=SeatAdmin(context, numbers),
            audit=AuditTrail(context),
            messages=messages,
            optouts=OptOuts(context),
            webhooks=WebhookReceiver(context, pipeline),
            allowance=AllowanceAdmin(context),
            # A scheduled send answers no thread: replies that came since stay unread.
            scheduled=ScheduledSends(
                context, pipeline, Messaging(context, pipeline, answers=False)
            ),
            consent=ConsentRecords(context),
            templates=Templates(context, pipeline),
            export=Export(context),
            erasure=Erasure(context),
            inbox=Inbox(context),
        )


@attrs.define
class SmsAdmin:
    """The open SDK: one database, one set of plugins, one clock, many accounts.

    Open it with :meth:`open`, then use :meth:`account`::

        with SmsAdmin.open() as admin:
            acme = admin.account("acme")
            acme.numbers.list()
    """

    database: Database
    hooks: Hooks
    clock: Clock = attrs.field(factory=SystemClock)
    webhooks: WebhookUrls = attrs.field(factory=WebhookUrls.from_environ)
    rng: random.Random = attrs.field(factory=random.Random)
    #: The threads mass texts wait on the carrier with, kept between them; stopped by close().
    carrier_calls: CarrierCalls = attrs.field(factory=CarrierCalls)
    #: How many times this SDK has changed an account's settings: what holds accounts for a
    #: while (the webhook app, :mod:`sms_core.webhooks.receivers`) reads them again when it moves.
    account_changes: int = attrs.field(default=0, init=False)

    @classmethod
    def open(
        cls,
        database_url: str | None = None,
        *,
        host: str | None = None,
        plugins: Iterable[object] = (),
        load_entry_points: bool = True,
        clock: Clock | None = None,
        webhook_base_url: str | None = None,
        rng: random.Random | None = None,
    ) -> SmsAdmin:
        """Open the database (migrating it) and load the plugins.

        Args:
            database_url: SQLAlchemy URL; default ``SMS_DATABASE_URL`` or the user's SQLite file.
            host: The host plugin to activate; ``None`` applies the core defaults.
            plugins: Extra plugins (an embedded host, a configured adapter).
            load_entry_points: Whether to load installed plugins.
            clock: The time source; the wall clock by default.
            webhook_base_url: The webhook app's public base URL; default
                ``SMS_WEBHOOK_BASE_URL`` or the local ``smsadmin serve`` address.
            rng: Randomness for auto-assigned numbers.
        """
        hooks = Hooks.create(host=host, plugins=plugins, load_entry_points=load_entry_points)
        return cls(
            database=Database.open(database_url),
            hooks=hooks,
            clock=clock or SystemClock(),
            webhooks=WebhookUrls(base=webhook_base_url)
            if webhook_base_url
            else WebhookUrls.from_environ(),
            rng=rng or random.Random(),
        )

    def create_account(
        self,
        account_id: str,
        *,
        name: str,
        provider: str,
        provider_settings: Mapping[str, str] | None = None,
    ) -> AccountAdmin:
        """Add an agency with its carrier and non-secret carrier settings.

        Secrets (auth tokens) are never passed here: adapters read them from the environment
        or the host. A setting named or shaped like a credential is refused, its value unshown.

        Raises:
            InvalidFieldError: When an argument is of the wrong type, too long, or holds
                characters that cannot be stored.
            SecretSettingError: When a provider setting looks like a secret.
            UnknownProviderError: When no installed adapter is named ``provider``.
            ConfigurationError: When the carrier refuses a setting (an unknown one, a
                malformed value); the message names it and the fix.
            AlreadyExistsError: When an account has that id (also when another process
                creates it at the same moment).
        """
        if not _is_account_id(account_id):
            raise InvalidInputError(
                f"account id {inputs.shown(account_id)} cannot be used: it names the account in "
                "its webhook URLs, so use 1 to 64 letters, digits, '-' or '_', starting with a "
                "letter or digit (such as 'acme-staffing')"
            )
        inputs.text("name", name, max_length=inputs.ACCOUNT_NAME_LENGTH)
        if not name.strip():
            raise InvalidInputError(f"account {account_id!r} needs a name; give the agency's name")
        inputs.visible_text("name", name, max_length=inputs.ACCOUNT_NAME_LENGTH)
        inputs.identifier("provider", provider)
        settings = inputs.provider_settings(provider_settings)
        account = Account(
            id=account_id,
            name=name,
            provider=provider,
            provider_settings=settings,
        )
        # An unknown carrier, and settings the carrier could not use, are refused before
        # anything is written.
        self.hooks.check_provider_settings(account)
        with self.database.transaction() as connection:
            if not account_store.insert_account(connection, account, self.clock.now()):
                raise AlreadyExistsError(f"account {account_id!r} exists; open it with account()")
        return self._admin(account)

    def update_account_settings(
        self,
        account_id: str,
        *,
        settings: Mapping[str, str] | None = None,
        unset: Iterable[str] = (),
        actor_id: str = OPERATOR_ACTOR,
    ) -> Account:
        """Change an account's non-secret carrier settings, checked as :meth:`create_account` does.

        ``settings`` are set (added, or replacing the value a key had) and the keys in
        ``unset`` removed; the rest stay. The carrier checks the settings as they would be
        stored; on any refusal nothing changes. A change is recorded in the account's audit
        trail (``AuditAction.SET_PROVIDER_SETTINGS``) with the settings before and after.

        Args:
            account_id: The account to change.
            settings: Settings to set.
            unset: Names of settings to remove; each must be set now.
            actor_id: Who the audit trail names; the operator running the SDK by default.

        Returns:
            The account as now stored.

        Raises:
            AccountNotFoundError: When no account has that id.
            InvalidFieldError: When a setting or name is malformed, a key is both set and
                unset, or an unset key is not set.
            SecretSettingError: When a setting looks like a secret.
            ConfigurationError: When the carrier refuses the settings; the message names the
                setting and the fix.
        """
        self.load_account(account_id)  # an id no account can have is refused before any lock
        changed = change_provider_settings(
            self.database,
            self.hooks,
            self.clock,
            account_id,
            settings=settings,
            unset=unset,
            actor_id=actor_id,
        )
        self.account_changes += 1  # after the commit: a read from now on sees the change
        return changed

    def account(self, account_id: str) -> AccountAdmin:
        """The services of one account.

        An id no account can have (see :meth:`create_account`) is refused without a query, so
        a hostile id (a NUL, a megabyte of text) from a webhook URL never reaches the database.

        Raises:
            AccountNotFoundError: When no account has that id (or it cannot be one).
        """
        return self._admin(self.load_account(account_id))

    def load_account(self, account_id: str) -> Account:
        """The account as stored, without building its services (see :meth:`account`).

        Raises:
            AccountNotFoundError: When no account has that id (or it cannot be one).
        """
        if not _is_account_id(account_id):
            raise AccountNotFoundError(
                f"no account {inputs.shown(account_id)}: an account id has 1 to 64 letters, "
                "digits, '-' or '_'; list the accounts to find it"
            )
        with self.database.transaction() as connection:
            account = account_store.get_account(connection, account_id)
        if account is None:
            raise AccountNotFoundError(
                f"no account {account_id!r}; create it first with create_account()"
            )
        return account

    def accounts(self) -> list[Account]:
        """Every account, by id."""
        with self.database.transaction() as connection:
            return account_store.list_accounts(connection)

    def accounts_page(
        self, *, limit: int | None = None, cursor: str | None = None
    ) -> Page[Account]:
        """A page of :meth:`accounts`, by id; pass ``next_cursor`` back for the next.

        Args:
            limit: The most accounts on the page: 1 to ``PAGE_SIZE_MAX``, by default
                ``PAGE_SIZE_DEFAULT`` (:mod:`sms_core.inputs`).
            cursor: The ``next_cursor`` of the previous page; ``None`` for the first.

        Raises:
            InvalidFieldError: When ``limit`` is out of range.
            InvalidCursorError: When ``cursor`` is not one a page of this list returned.
        """
        size = page_size(limit)
        listing = Listing(name="accounts", shape=(str,))
        after = listing.start(cursor)
        with self.database.transaction() as connection:
            found = account_store.account_page(
                connection,
                after=cast("tuple[str] | None", after),  # Listing checked its shape
                limit=size + 1,
            )
        return listing.page(found, size)

    def sync_registrations(self) -> dict[str, SyncReport]:
        """Move every registration in progress forward, as a scheduler runs it.

        It is ``registration.sync()`` for each account whose registration is in progress, or
        approved with a line still to attach (one whose attachment failed at purchase); it is
        safe beside other processes doing the same. An account whose sync fails is logged and
        skipped, so one carrier outage does not hold the others up.

        Returns:
            The reports of the accounts synced, by account id.
        """
        reports: dict[str, SyncReport] = {}
        for account in self.accounts():
            admin = self._admin(account)
            try:
                if _needs_sync(admin):
                    reports[account.id] = admin.registration.sync()
            except Exception:
                _logger.exception("syncing the registration of account %r failed", account.id)
        return reports

    def reconcile_messages(self) -> dict[str, list[Message]]:
        """Settle every account's texts that a send left short of an answer, as a scheduler runs it.

        It is ``messages.reconcile()`` for every account: texts whose send answer was lost are
        looked up at the carrier, and texts a stopped process stored but never handed over are
        sent (see :mod:`sms_core.services.reconciliation`). Each text is claimed by one
        process, so it is safe beside other processes doing the same. An account whose pass
        fails is logged and skipped, so one carrier outage does not hold the others up.

        Returns:
            The texts looked at, as they stand now, by account id (accounts with none left
            out).
        """
        reconciled: dict[str, list[Message]] = {}
        for account in self.accounts():
            try:
                messages = self._admin(account).messages.reconcile()
            except Exception:
                _logger.exception("reconciling the texts of account %r failed", account.id)
                continue
            if messages:
                reconciled[account.id] = messages
        return reconciled

    def run_scheduled_sends(self) -> dict[str, ScheduledRunReport]:
        """Send every account's scheduled sends that are due, as a scheduler runs it.

        It is ``scheduled.run_due()`` for every account (see :mod:`sms_core.services.scheduled`):
        each due send is taken by one process, so it is safe beside other processes doing the
        same. An account whose pass fails is logged and skipped.

        Returns:
            The reports of the accounts that had sends due, by account id.
        """
        reports: dict[str, ScheduledRunReport] = {}
        for account in self.accounts():
            try:
                report = self._admin(account).scheduled.run_due()
            except Exception:
                _logger.exception("sending the scheduled texts of account %r failed", account.id)
                continue
            if report.count:
                reports[account.id] = report
        return reports

    def deliver_host_events(self) -> HostEventReport:
        """Deliver the host events left undelivered, as a scheduler runs it.

        Events are delivered right after the change they report commits; this delivers those
        whose delivery failed (after their backoff) or whose process stopped first. Each event
        is claimed by one process, so it is safe beside other processes doing the same (see
        :mod:`sms_core.services.host_events`).

        Returns:
            The ids of the events delivered, and of those that failed again.
        """
        return self.host_event_delivery().deliver_due()

    def host_event_delivery(self) -> HostEventDelivery:
        """The delivery of host events over this SDK's database, plugins and clock."""
        return HostEventDelivery(database=self.database, hooks=self.hooks, clock=self.clock)

    def close(self) -> None:
        """Stop the threads kept for carrier calls and close the database connections."""
        self.carrier_calls.close()
        self.database.close()

    def __enter__(self) -> SmsAdmin:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _admin(self, account: Account) -> AccountAdmin:
        return AccountAdmin.build(self.context(account))

    def context(self, account: Account) -> AccountContext:
        """What the services of ``account`` share: it, and this SDK's database, plugins, clock."""
        return AccountContext(
            account=account,
            database=self.database,
            hooks=self.hooks,
            clock=self.clock,
            webhooks=self.webhooks,
            make_id=new_id,
            rng=self.rng,
            carrier_calls=self.carrier_calls,
        )


def _is_account_id(value: object) -> bool:
    """Whether ``value`` can be an account id (checked before it is used in a query)."""
    return isinstance(value, str) and _ACCOUNT_ID.fullmatch(value) is not None


def _needs_sync(account: AccountAdmin) -> bool:
    """Whether the account's registration is under review, or approved with lines to attach."""
    status = account.registration.status()
    if status.overall is StepStatus.IN_PROGRESS:
        return True
    return status.send_ready and any(
        not summary.line.registered for summary in account.numbers.list()
    )
