# Over 400 lines: the one place the database layout is written down (every table, its
# constraints and indexes), as the store and the migrations check it against one another.
"""The database schema: SQLAlchemy Core tables, the one place the layout is written down.

Every row belongs to an account. Constraints back the rules the schema can hold: a number is
owned by one active line at a time, a user is on a line once, a seat holds one line, an account
has one registration (one row per step). Counters (``lines.user_count``, ``users.line_count``)
and registration steps (``registration_steps.version`` and ``claim``) are changed only by
conditional ``UPDATE`` statements, so capacity checks stay correct and a step is submitted once
when several processes act at once. A seat's allowance (``seats.used`` in ``seats.period``), an
account's pool (``account_allowances.used`` in its ``period``) and a
message's status (``messages.status_rank``, which only grows) change the same way; idempotency
keys and carrier message ids are unique per account, and a number has one opt-out in force.

Column sizes that callers' values must fit are constants of :mod:`sms_core.inputs`, which
checks every value against the same constant before a service writes it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from sms_core.inputs import (
    ACCOUNT_NAME_LENGTH,
    ERROR_CODE_LENGTH,
    EVIDENCE_LENGTH,
    ID_LENGTH,
    IDEMPOTENCY_KEY_COLUMN_LENGTH,
    MESSAGE_ID_LENGTH,
    NAME_LENGTH,
    URL_LENGTH,
)

__all__ = [
    "account_allowances",
    "accounts",
    "audit_log",
    "consent_records",
    "erasure_keys",
    "host_events",
    "inbox_threads",
    "line_users",
    "lines",
    "messages",
    "metadata",
    "opt_outs",
    "policy_settings",
    "registration_steps",
    "scheduled_sends",
    "seats",
    "templates",
    "users",
]


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no offset, so naive values read from it are UTC by construction.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Refuse naive times; store aware ones in UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"timestamps must be timezone-aware, got {value!r}")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Read every time back as an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

_TIME = UtcDateTime()

accounts = sa.Table(
    "accounts",
    metadata,
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("name", sa.String(ACCOUNT_NAME_LENGTH), nullable=False),
    sa.Column("provider", sa.String(ID_LENGTH), nullable=False),
    sa.Column("provider_settings", sa.JSON, nullable=False),
    sa.Column("created_at", _TIME, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("account_id", sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("first_name", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("last_name", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("permissions", sa.JSON, nullable=False),
    sa.Column("updated_at", _TIME, nullable=False),
    # The account's users in their listed order, paged (keyset).
    sa.Index("ix_users_account_name", "account_id", "last_name", "first_name", "id"),
)

seats = sa.Table(
    "seats",
    metadata,
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("name", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("monthly_allowance", sa.Integer, nullable=False),
    sa.Column("used", sa.Integer, nullable=False, server_default="0"),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("created_at", _TIME, nullable=False),
    sa.UniqueConstraint("account_id", "name", name="uq_seats_account_name"),
    sa.CheckConstraint("used >= 0", name="used_not_negative"),
)

# An account's monthly pool (AllowanceScope.ACCOUNT): ``used`` counts within ``period``, like a
# seat's; its size is the host policy's ``monthly_allowance``, read at each use. The row is made
# by the account's first metered text.
account_allowances = sa.Table(
    "account_allowances",
    metadata,
    sa.Column("account_id", sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("used", sa.Integer, nullable=False, server_default="0"),
    sa.Column("period", sa.String(7), nullable=False),
    sa.CheckConstraint("used >= 0", name="used_not_negative"),
)

lines = sa.Table(
    "lines",
    metadata,
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("number", sa.String(16), nullable=False),
    sa.Column("provider_ref", sa.String(ID_LENGTH), nullable=False),
    sa.Column("registered", sa.Boolean, nullable=False),
    # CarrierRegistration: the number's registration with the mobile carriers, only forward.
    sa.Column("carrier_registration", sa.String(16), nullable=False, server_default="not_attached"),
    sa.Column("carrier_error_code", sa.String(ERROR_CODE_LENGTH)),
    sa.Column("carrier_error", sa.Text),
    sa.Column("forward_to", sa.String(16)),
    sa.Column("seat_id", sa.ForeignKey("seats.id")),
    sa.Column("user_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", _TIME, nullable=False),
    sa.Column("deactivated_at", _TIME),
    sa.CheckConstraint("user_count >= 0", name="user_count_not_negative"),
    sa.CheckConstraint(
        "carrier_registration IN ('not_attached', 'pending', 'registered', 'failed')",
        name="carrier_registration_known",
    ),
    # A number belongs to one active line at a time; released lines keep their history.
    sa.Index(
        "uq_lines_active_number",
        "number",
        unique=True,
        sqlite_where=sa.text("active"),
        postgresql_where=sa.text("active"),
    ),
    sa.Index(
        "uq_lines_active_seat",
        "seat_id",
        unique=True,
        sqlite_where=sa.text("active AND seat_id IS NOT NULL"),
        postgresql_where=sa.text("active AND seat_id IS NOT NULL"),
    ),
    sa.Index("ix_lines_account", "account_id"),
)

line_users = sa.Table(
    "line_users",
    metadata,
    sa.Column("account_id", sa.String(ID_LENGTH), nullable=False),
    sa.Column("line_id", sa.ForeignKey("lines.id"), primary_key=True),
    sa.Column("user_id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("assigned_at", _TIME, nullable=False),
    sa.ForeignKeyConstraint(
        ["account_id", "user_id"], ["users.account_id", "users.id"], name="fk_line_users_user"
    ),
    # One line per user per account, as both host products require.
    sa.Index("uq_line_users_account_user", "account_id", "user_id", unique=True),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("at", _TIME, nullable=False),
    sa.Column("actor_id", sa.String(ID_LENGTH), nullable=False),
    sa.Column("action", sa.String(ID_LENGTH), nullable=False),
    sa.Column("target", sa.String(ID_LENGTH), nullable=False),
    sa.Column("before", sa.JSON),
    sa.Column("after", sa.JSON),
    sa.Index("ix_audit_log_account_at", "account_id", "at"),
    # The trail is read newest first, and paged by id (keyset).
    sa.Index("ix_audit_log_account_id", "account_id", "id"),
)

policy_settings = sa.Table(
    "policy_settings",
    metadata,
    sa.Column("account_id", sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("privacy_policy_url", sa.String(URL_LENGTH)),
    sa.Column("terms_and_conditions_url", sa.String(URL_LENGTH)),
    sa.Column("updated_at", _TIME, nullable=False),
    sa.Column("updated_by", sa.String(ID_LENGTH), nullable=False),
    # Whether the first text to a number needs a consent record (off by default).
    sa.Column("consent_required", sa.Boolean, nullable=False, server_default=sa.false()),
)

# One row per step of the account's registration, created together by ``register``.
registration_steps = sa.Table(
    "registration_steps",
    metadata,
    sa.Column("account_id", sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("step", sa.String(32), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("raw_status", sa.String(ID_LENGTH), nullable=False, server_default=""),
    # Room for a reference to two carrier resources ("MG…/QE…", "BU…/BU…").
    sa.Column("provider_ref", sa.String(128)),
    # The carrier's reasons, and the submitted (or waiting) form, as JSON.
    sa.Column("failures", sa.JSON, nullable=False),
    sa.Column("profile", sa.JSON),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    # Every change bumps the version; writers check the version they read.
    sa.Column("version", sa.Integer, nullable=False, server_default="0"),
    # Set while one process submits the step to the carrier, so no other does.
    sa.Column("claim", sa.String(32)),
    sa.Column("claimed_at", _TIME),
    sa.Column("submitted_at", _TIME),
    sa.Column("updated_at", _TIME, nullable=False),
    sa.CheckConstraint(
        "status IN ('not_started', 'in_progress', 'confirming', 'approved', 'failed')",
        name="status_known",
    ),
)

# Every text, both ways. ``seq`` orders messages stored at the same instant; ``id`` is the SDK's
# message id, stored before the carrier is called and handed to it.
messages = sa.Table(
    "messages",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(MESSAGE_ID_LENGTH), nullable=False, unique=True),
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("line_id", sa.ForeignKey("lines.id"), nullable=False),
    sa.Column("direction", sa.String(8), nullable=False),
    # The thread: the account's number and the candidate's, whichever way the text went.
    sa.Column("line_number", sa.String(16), nullable=False),
    sa.Column("candidate_number", sa.String(16), nullable=False),
    sa.Column("candidate_id", sa.String(ID_LENGTH)),
    sa.Column("user_id", sa.String(ID_LENGTH)),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("segments", sa.Integer, nullable=False),
    sa.Column("keyword", sa.String(32)),
    sa.Column("status", sa.String(16), nullable=False),
    # DeliveryStatus.rank of ``status``: a report is stored only if it raises the rank.
    sa.Column("status_rank", sa.Integer, nullable=False),
    sa.Column("provider_message_id", sa.String(ID_LENGTH)),
    sa.Column("error_code", sa.String(ERROR_CODE_LENGTH)),
    sa.Column("error_message", sa.Text),
    # FailureReason: the adapter's reading of error_code, in the SDK's words.
    sa.Column("failure_reason", sa.String(32)),
    sa.Column("idempotency_key", sa.String(IDEMPOTENCY_KEY_COLUMN_LENGTH)),
    # What the send used of an allowance, so a send that never left can give it back: the
    # scope charged (AllowanceScope; NULL on rows older than scopes, all seat charges) and,
    # for a seat, which one.
    sa.Column("charged_scope", sa.String(16)),
    sa.Column("charged_seat_id", sa.String(ID_LENGTH)),
    sa.Column("charged_units", sa.Integer, nullable=False, server_default="0"),
    sa.Column("charged_period", sa.String(7)),
    sa.Column("created_at", _TIME, nullable=False),
    sa.Column("updated_at", _TIME, nullable=False),
    # When the SDK began handing the text to the carrier, committed before the carrier call:
    # a PENDING text without it was certainly never handed over, so it may be sent; with it,
    # only the carrier can say whether it arrived. Set by one conditional UPDATE, so exactly
    # one process hands a text over.
    sa.Column("handed_at", _TIME),
    # The process reconciling the text right now (a random token), and when a process last
    # claimed it: a claim older than the recovery lease belongs to a process that stopped,
    # and background passes look a text up again only some time after the last time.
    sa.Column("claim", sa.String(32)),
    sa.Column("claimed_at", _TIME),
    sa.UniqueConstraint("account_id", "idempotency_key", name="uq_messages_idempotency_key"),
    sa.UniqueConstraint(
        "account_id", "provider_message_id", name="uq_messages_provider_message_id"
    ),
    # A thread in its order (created_at, seq), so a thread and each page of it read from the
    # index alone, however many messages the account has.
    sa.Index(
        "ix_messages_thread", "account_id", "line_number", "candidate_number", "created_at", "seq"
    ),
    # A candidate's threads, answered from the index alone (history's first step).
    sa.Index(
        "ix_messages_candidate", "account_id", "candidate_id", "line_number", "candidate_number"
    ),
    # The account's messages in their order, paged (keyset).
    sa.Index("ix_messages_account_time", "account_id", "created_at", "seq"),
    sa.Index("ix_messages_status", "account_id", "status_rank"),
)

# Opt-outs of the whole account, kept after they are lifted for the record.
opt_outs = sa.Table(
    "opt_outs",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("number", sa.String(16), nullable=False),
    sa.Column("opted_out_at", _TIME, nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("keyword", sa.Text),
    sa.Column("line_number", sa.String(16)),
    sa.Column("lifted_at", _TIME),
    sa.Column("lifted_by", sa.String(ID_LENGTH)),
    sa.Column("lift_reason", sa.Text),
    # HMAC-SHA256 of the number under the account's erasure key (``erasure_keys``): set on an
    # erased opt-out, whose ``number`` is then a marker, and on every opt-out of an account
    # that has erased one, so the one-in-force rule holds across both.
    sa.Column("number_hash", sa.String(64)),
    # One opt-out in force per number and account.
    sa.Index(
        "uq_opt_outs_in_force",
        "account_id",
        "number",
        unique=True,
        sqlite_where=sa.text("lifted_at IS NULL"),
        postgresql_where=sa.text("lifted_at IS NULL"),
    ),
    # The account's opt-outs in their order, paged (keyset).
    sa.Index("ix_opt_outs_account", "account_id", "seq"),
    sa.Index(
        "uq_opt_outs_hash_in_force",
        "account_id",
        "number_hash",
        unique=True,
        sqlite_where=sa.text("lifted_at IS NULL AND number_hash IS NOT NULL"),
        postgresql_where=sa.text("lifted_at IS NULL AND number_hash IS NOT NULL"),
    ),
)

# Each account's secret for hashing candidate numbers (HMAC-SHA256), made by its first erasure.
# Kept in the database, so a hash cannot be reversed by trying every number without it; see
# :mod:`sms_core.store.erasure`.
erasure_keys = sa.Table(
    "erasure_keys",
    metadata,
    sa.Column("account_id", sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("secret", sa.String(64), nullable=False),
    sa.Column("created_at", _TIME, nullable=False),
)

# The host-event outbox: each event is written in the transaction of the change it reports and
# delivered to the plugins after commit. ``claim`` and ``claimed_at`` work as on ``messages``:
# a process takes an event with one conditional UPDATE, so one process delivers it at a time; a
# claim older than the lease belongs to a process that stopped. An event whose delivery failed
# waits until ``due_at`` (a bounded backoff) with its ``last_error``.
host_events = sa.Table(
    "host_events",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(ID_LENGTH), nullable=False, unique=True),
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("occurred_at", _TIME, nullable=False),
    sa.Column("due_at", _TIME, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_error", sa.Text),
    sa.Column("claim", sa.String(32)),
    sa.Column("claimed_at", _TIME),
    sa.Column("delivered_at", _TIME),
    # The events still to deliver, soonest first.
    sa.Index(
        "ix_host_events_undelivered",
        "due_at",
        sqlite_where=sa.text("delivered_at IS NULL"),
        postgresql_where=sa.text("delivered_at IS NULL"),
    ),
)

# Texts to send later. A row is taken for sending with one conditional UPDATE that moves it
# from ``pending`` (due) to ``claimed`` with the process's ``claim`` token and a
# ``claim_expires_at``; a ``claimed`` row whose claim expired belongs to a process that
# stopped and is taken again. Its text is sent with ``idempotency_key``, so a process taking
# it again after the first one handed it over finds that text instead of making another.
scheduled_sends = sa.Table(
    "scheduled_sends",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(ID_LENGTH), nullable=False, unique=True),
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("user_id", sa.String(ID_LENGTH), nullable=False),
    sa.Column("recipient", sa.String(16), nullable=False),
    sa.Column("candidate_id", sa.String(ID_LENGTH)),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("due_at", _TIME, nullable=False),
    sa.Column("when_allowed", sa.Boolean, nullable=False),
    sa.Column("idempotency_key", sa.String(IDEMPOTENCY_KEY_COLUMN_LENGTH), nullable=False),
    # ScheduledState: pending, claimed, sent, cancelled, refused.
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("claim", sa.String(32)),
    sa.Column("claim_expires_at", _TIME),
    sa.Column("message_id", sa.String(MESSAGE_ID_LENGTH)),
    sa.Column("refusal", sa.Text),
    sa.Column("created_at", _TIME, nullable=False),
    sa.Column("updated_at", _TIME, nullable=False),
    sa.UniqueConstraint("account_id", "idempotency_key", name="uq_scheduled_sends_idempotency_key"),
    # The account's scheduled sends in their order, paged (keyset).
    sa.Index("ix_scheduled_sends_account_due", "account_id", "due_at", "seq"),
    # What a pass may take: the due ones, and those whose claim expired.
    sa.Index(
        "ix_scheduled_sends_pending",
        "account_id",
        "due_at",
        "seq",
        sqlite_where=sa.text("state = 'pending'"),
        postgresql_where=sa.text("state = 'pending'"),
    ),
    sa.Index(
        "ix_scheduled_sends_claimed",
        "account_id",
        "claim_expires_at",
        "seq",
        sqlite_where=sa.text("state = 'claimed'"),
        postgresql_where=sa.text("state = 'claimed'"),
    ),
)


# Consent records: how and when a candidate agreed to texts. History: several per number, never
# updated; the revocation is the number's opt-out. ``seq`` orders them.
consent_records = sa.Table(
    "consent_records",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(ID_LENGTH), nullable=False, unique=True),
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("number", sa.String(16), nullable=False),
    sa.Column("candidate_id", sa.String(ID_LENGTH)),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("recorded_by", sa.String(ID_LENGTH), nullable=False),
    sa.Column("evidence", sa.String(EVIDENCE_LENGTH), nullable=False),
    sa.Column("recorded_at", _TIME, nullable=False),
    sa.Column("line_number", sa.String(16)),
    sa.CheckConstraint(
        "source IN ('web_form', 'paper', 'verbal', 'text_keyword')", name="source_known"
    ),
    # A number's records, and whether it has any (the first-text rule).
    sa.Index("ix_consent_records_number", "account_id", "number", "seq"),
    # The account's records in their order, paged (keyset), and exported by time.
    sa.Index("ix_consent_records_account", "account_id", "seq"),
    sa.Index("ix_consent_records_account_time", "account_id", "recorded_at", "seq"),
)


# The account's templates: texts with merge fields, named uniquely in the account and listed
# (paged, keyset) by name.
templates = sa.Table(
    "templates",
    metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(ID_LENGTH), nullable=False, unique=True),
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("name", sa.String(NAME_LENGTH), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("sample_compliant", sa.Boolean, nullable=False),
    sa.Column("created_at", _TIME, nullable=False),
    sa.Column("created_by", sa.String(ID_LENGTH), nullable=False),
    sa.Column("updated_at", _TIME, nullable=False),
    sa.Column("updated_by", sa.String(ID_LENGTH), nullable=False),
    sa.Index("uq_templates_account_name", "account_id", "name", unique=True),
)


# A user's inbox: one row per user and thread (line number, candidate number) that an inbound
# text was routed to them in, as one of the users on the line that received it. ``last_*`` is
# the newest text routed to the user there (the inbox's order), ``read_*`` the read mark:
# inbound texts after the mark and up to ``last_*`` are unread. A new row's mark sits just
# before its first text (``seq - 1``); a mark only moves forward (one conditional UPDATE).
inbox_threads = sa.Table(
    "inbox_threads",
    metadata,
    sa.Column("account_id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("user_id", sa.String(ID_LENGTH), primary_key=True),
    sa.Column("line_number", sa.String(16), primary_key=True),
    sa.Column("candidate_number", sa.String(16), primary_key=True),
    # The line that received the newest text: the inbox shows the threads of the viewer's lines.
    sa.Column("line_id", sa.ForeignKey("lines.id"), nullable=False),
    sa.Column("candidate_id", sa.String(ID_LENGTH)),
    sa.Column("last_at", _TIME, nullable=False),
    sa.Column("last_seq", sa.Integer, nullable=False),
    sa.Column("read_at", _TIME, nullable=False),
    sa.Column("read_seq", sa.Integer, nullable=False),
    sa.ForeignKeyConstraint(
        ["account_id", "user_id"], ["users.account_id", "users.id"], name="fk_inbox_threads_user"
    ),
    # The user's threads, newest first, paged (keyset).
    sa.Index("ix_inbox_threads_user", "account_id", "user_id", "last_at", "last_seq"),
)
