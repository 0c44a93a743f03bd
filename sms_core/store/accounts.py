"""Reading and writing accounts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa

from sms_core.domain import Account
from sms_core.store import dialects
from sms_core.store.rows import from_row
from sms_core.store.schema import accounts

__all__ = [
    "account_page",
    "get_account",
    "insert_account",
    "list_accounts",
    "update_provider_settings",
]


def insert_account(connection: sa.Connection, account: Account, now: datetime) -> bool:
    """Store a new account, unless one has its id.

    One statement that skips the row on a clash, so two processes creating the same account
    at once see one success and one ``False``, never a constraint error.

    Returns:
        Whether the account was stored; ``False`` when an account has that id.
    """
    statement = dialects.insert(connection, accounts).values(
        id=account.id,
        name=account.name,
        provider=account.provider,
        provider_settings=dict(account.provider_settings),
        created_at=now,
    )
    # RETURNING, not rowcount: psycopg reports no row count for a skipped INSERT.
    skip = statement.on_conflict_do_nothing(index_elements=["id"]).returning(accounts.c.id)
    return connection.execute(skip).first() is not None


def update_provider_settings(
    connection: sa.Connection, account_id: str, settings: Mapping[str, str]
) -> bool:
    """Replace the account's provider settings whole.

    Returns:
        Whether the account was there to change.
    """
    statement = (
        accounts.update()
        .where(accounts.c.id == account_id)
        .values(provider_settings=dict(settings))
        .returning(accounts.c.id)
    )
    return connection.execute(statement).first() is not None


def get_account(
    connection: sa.Connection, account_id: str, *, for_update: bool = False
) -> Account | None:
    """The account with ``account_id``, if any.

    Args:
        for_update: Lock its row until the transaction ends (PostgreSQL ``FOR UPDATE``;
            SQLite's ``BEGIN IMMEDIATE`` transactions already run one at a time), so a
            read-change-write of the account is not lost to another one at the same moment.
    """
    query = accounts.select().where(accounts.c.id == account_id)
    if for_update:
        query = query.with_for_update()
    row = connection.execute(query).mappings().first()
    return from_row(row, Account) if row else None


def list_accounts(connection: sa.Connection) -> list[Account]:
    """Every account, by id."""
    rows = connection.execute(accounts.select().order_by(accounts.c.id)).mappings()
    return [from_row(row, Account) for row in rows]


def account_page(
    connection: sa.Connection, *, after: tuple[str] | None, limit: int
) -> list[tuple[tuple[str], Account]]:
    """Up to ``limit`` accounts with an id after ``after``, by id; keyed (the primary key)."""
    query = accounts.select().order_by(accounts.c.id).limit(limit)
    if after is not None:
        query = query.where(accounts.c.id > after[0])
    return [((row["id"],), from_row(row, Account)) for row in connection.execute(query).mappings()]
