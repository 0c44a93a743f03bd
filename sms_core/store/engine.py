"""Opening the database: where it lives, and the settings each backend needs."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Mapping
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
    created. PostgreSQL URLs without a driver use ``psycopg`` (version 3), and a pooled
    connection is pinged before use when it lay unused (:data:`PING_AFTER_IDLE_SECONDS`).

    Either way a statement's error never carries its parameters (``hide_parameters``): they
    are phone numbers, bodies and tokens, and such an error is logged with its traceback (a
    web view's or a background mass text's unexpected error), where none may be written.
    """
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        engine = sa.create_engine(parsed, hide_parameters=True)
        event.listen(engine, "checkin", _note_idle)
        event.listen(engine, "checkout", _ping_when_idle(engine.dialect))
        return engine
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, connect_args={"timeout": 30}, hide_parameters=True)
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "begin", _begin_immediate)
    return engine


#: Seconds a pooled PostgreSQL connection may lie unused before its next use is preceded by a
#: ping (a round trip), so that a connection the server or the network closed meanwhile (a
#: restart, an idle timeout) is replaced before any statement runs on it.
#:
#: SQLAlchemy's ``pool_pre_ping`` pings at every checkout: under a carrier's stream of
#: webhooks, one round trip and about 5 % of a status report's Python calls, for a connection
#: returned moments before (benchmarks/webhook_throughput.py). A connection used within this
#: window is trusted; if the server went away in it, the first statement fails, SQLAlchemy
#: invalidates the whole pool, and the work is retried whole: the carrier posts a webhook that
#: answered 500 again, a poller runs its pass again, a command is run again.
PING_AFTER_IDLE_SECONDS = 10.0

# Where a pooled connection's record keeps when it was returned; SQLAlchemy clears ``info``
# when it replaces the connection, so a new connection is never pinged.
_IDLE_SINCE = "sms_core_idle_since"


def _note_idle(dbapi_connection: Any, record: Any) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def _ping_when_idle(dialect: sa.Dialect) -> Callable[[Any, Any, Any], None]:
    """The pool's checkout listener that pings, with ``dialect``, a connection that lay unused."""

    def ping(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as err:
            # The pool discards this connection and checks out another (a new one if need be).
            raise sa.exc.DisconnectionError(f"a pooled connection was closed: {err}") from err

    return ping


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
