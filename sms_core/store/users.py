"""Reading and writing the host's users."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa

from sms_core.domain import User
from sms_core.store import dialects
from sms_core.store.rows import from_row, to_row
from sms_core.store.schema import users

__all__ = ["get_user", "get_users", "list_users", "search_users", "upsert_user", "user_page"]


def upsert_user(connection: sa.Connection, user: User, now: datetime) -> None:
    """Insert the user, or update every field of the existing one, in one statement."""
    values = {**to_row(user), "updated_at": now}
    statement = dialects.insert(connection, users).values(**values)
    changed = {key: statement.excluded[key] for key in values if key not in ("account_id", "id")}
    connection.execute(
        statement.on_conflict_do_update(index_elements=["account_id", "id"], set_=changed)
    )


# Built once: every send reads its sender, and building the statement per call cost more CPU
# than running it (benchmarks/mass_send.py).
_USER = users.select().where(
    users.c.account_id == sa.bindparam("b_account_id"), users.c.id == sa.bindparam("b_id")
)


def get_user(connection: sa.Connection, account_id: str, user_id: str) -> User | None:
    """The user, if the account has one with that id."""
    row = (
        connection.execute(_USER, {"b_account_id": account_id, "b_id": user_id}).mappings().first()
    )
    return None if row is None else from_row(row, User)


def get_users(
    connection: sa.Connection, account_id: str, user_ids: Collection[str]
) -> dict[str, User]:
    """The account's users among ``user_ids``, by id; unknown ids are left out."""
    if not user_ids:
        return {}
    query = users.select().where(users.c.account_id == account_id, users.c.id.in_(user_ids))
    return {row["id"]: from_row(row, User) for row in connection.execute(query).mappings()}


def list_users(
    connection: sa.Connection, account_id: str, *, active_only: bool = False
) -> list[User]:
    """The account's users by last and first name."""
    return _select(connection, users.c.account_id == account_id, active_only=active_only)


def user_page(
    connection: sa.Connection,
    account_id: str,
    *,
    active_only: bool,
    after: tuple[str, str, str] | None,
    limit: int,
) -> list[tuple[tuple[str, str, str], User]]:
    """Up to ``limit`` users after the place ``after``, by last and first name, then id; keyed.

    Read in order from ``ix_users_account_name``.
    """
    u = users.c
    conditions = [u.account_id == account_id]
    if active_only:
        conditions.append(u.active)
    if after is not None:
        conditions.append(sa.tuple_(u.last_name, u.first_name, u.id) > sa.tuple_(*after))
    query = users.select().where(*conditions).order_by(u.last_name, u.first_name, u.id)
    return [
        ((row["last_name"], row["first_name"], row["id"]), from_row(row, User))
        for row in connection.execute(query.limit(limit)).mappings()
    ]


def search_users(
    connection: sa.Connection, account_id: str, text: str, *, active_only: bool = False
) -> list[User]:
    """Users whose names contain every word of ``text``, ignoring case.

    Each word may be part of the first or the last name, so "Ann", "lee", "Ann Lee" and
    "Lee Ann" all find Ann Lee.
    """
    matches = [
        sa.or_(
            sa.func.lower(users.c.first_name).like(pattern, escape="\\"),
            sa.func.lower(users.c.last_name).like(pattern, escape="\\"),
        )
        for pattern in (f"%{_escape_like(word)}%" for word in text.lower().split())
    ]
    return _select(connection, users.c.account_id == account_id, *matches, active_only=active_only)


def _select(
    connection: sa.Connection, *conditions: sa.ColumnElement[bool], active_only: bool
) -> list[User]:
    if active_only:
        conditions = (*conditions, users.c.active)
    query = users.select().where(*conditions).order_by(users.c.last_name, users.c.first_name)
    return [from_row(row, User) for row in connection.execute(query).mappings()]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
