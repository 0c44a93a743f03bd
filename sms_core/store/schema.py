"""The database schema: SQLAlchemy Core tables, the one place the layout is written down.

Every row belongs to an account. Constraints back the rules the schema can hold: a number is
owned by one active line at a time, a user is on a line once, a seat holds one line. Counters
(``lines.user_count``, ``users.line_count``) are changed only by conditional ``UPDATE``
statements, so capacity checks stay correct when several processes act at once.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

__all__ = ["accounts", "audit_log", "line_users", "lines", "metadata", "seats", "users"]


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
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("provider", sa.String(64), nullable=False),
    sa.Column("provider_settings", sa.JSON, nullable=False),
    sa.Column("created_at", _TIME, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("account_id", sa.ForeignKey("accounts.id"), primary_key=True),
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("first_name", sa.String(100), nullable=False),
    sa.Column("last_name", sa.String(100), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("permissions", sa.JSON, nullable=False),
    sa.Column("updated_at", _TIME, nullable=False),
)

seats = sa.Table(
    "seats",
    metadata,
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("monthly_allowance", sa.Integer, nullable=False),
    sa.Column("used", sa.Integer, nullable=False, server_default="0"),
    sa.Column("period", sa.String(7), nullable=False),
    sa.Column("created_at", _TIME, nullable=False),
    sa.UniqueConstraint("account_id", "name", name="uq_seats_account_name"),
    sa.CheckConstraint("used >= 0", name="used_not_negative"),
)

lines = sa.Table(
    "lines",
    metadata,
    sa.Column("account_id", sa.ForeignKey("accounts.id"), nullable=False),
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("number", sa.String(16), nullable=False),
    sa.Column("provider_ref", sa.String(64), nullable=False),
    sa.Column("registered", sa.Boolean, nullable=False),
    sa.Column("forward_to", sa.String(16)),
    sa.Column("seat_id", sa.ForeignKey("seats.id")),
    sa.Column("user_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", _TIME, nullable=False),
    sa.Column("deactivated_at", _TIME),
    sa.CheckConstraint("user_count >= 0", name="user_count_not_negative"),
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
    sa.Column("account_id", sa.String(64), nullable=False),
    sa.Column("line_id", sa.ForeignKey("lines.id"), primary_key=True),
    sa.Column("user_id", sa.String(64), primary_key=True),
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
    sa.Column("actor_id", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target", sa.String(64), nullable=False),
    sa.Column("before", sa.JSON),
    sa.Column("after", sa.JSON),
    sa.Index("ix_audit_log_account_at", "account_id", "at"),
)
