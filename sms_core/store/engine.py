"""Opening the database: where it lives, and the settings each backend needs."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

__all__ = ["DATABASE_URL_ENV", "create_engine", "default_database_url"]

#: The environment variable that overrides where the SDK's database is.
DATABASE_URL_ENV = "SMS_DATABASE_URL"


def default_database_url(environ: Mapping[str, str] | None = None) -> str:
    """The database URL: ``SMS_DATABASE_URL``, else a SQLite file in the user's data folder.

    The file is ``$XDG_DATA_HOME/smsadmin/smsadmin.sqlite3``, which is
    ``~/.local/share/smsadmin/smsadmin.sqlite3`` when ``XDG_DATA_HOME`` is unset.
    """
    env = os.environ if environ is None else environ
    if url := env.get(DATABASE_URL_ENV):
        return url
    data_home = Path(env.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{data_home / 'smsadmin' / 'smsadmin.sqlite3'}"


def create_engine(url: str) -> sa.Engine:
    """An engine for ``url`` with the backend's settings applied.

    SQLite gets WAL journaling, a busy timeout and ``BEGIN IMMEDIATE`` transactions, so that
    several processes sharing one file queue their writes instead of failing; its folder is
    created. PostgreSQL URLs without a driver use ``psycopg`` (version 3).
    """
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, connect_args={"timeout": 30})
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "begin", _begin_immediate)
    return engine


def _configure_sqlite(dbapi_connection: sqlite3.Connection, record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (the sqlite3 module would defer it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_immediate(connection: sa.Connection) -> None:
    # Take the write lock at the start, so two writers never deadlock upgrading a read lock.
    connection.exec_driver_sql("BEGIN IMMEDIATE")
