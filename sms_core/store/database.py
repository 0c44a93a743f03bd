"""The SDK's database: an engine, its migrations, and transactions.

This is the store's boundary with the services: they open a :meth:`Database.transaction`, pass
the :data:`Transaction` it yields to the store's functions, and never touch SQLAlchemy
themselves. A write that breaks a constraint of the schema ends the transaction with
:class:`~sms_core.exceptions.StoreConflict` naming the constraint, never with the driver's error.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeAlias

import attrs
import sqlalchemy as sa

from sms_core.exceptions import DatabaseUnavailableError, StoreConflict
from sms_core.store.engine import create_engine, default_database_url
from sms_core.store.migrate import upgrade
from sms_core.store.schema import metadata

__all__ = ["Database", "Transaction", "after_commit"]

#: An open transaction of :meth:`Database.transaction`: services hold it only to hand it to the
#: store's functions, which are the only code that runs statements on it.
Transaction: TypeAlias = sa.Connection

# The callbacks each open transaction runs once it commits, by its connection (removed when the
# transaction ends). Kept beside the connection rather than in ``Connection.info``, which
# belongs to the pooled DBAPI connection and cannot be read once it is invalidated.
_after_commit: dict[sa.Connection, list[Callable[[], object]]] = {}

#: Seconds a thread waits for its turn at a SQLite database: the busy timeout of engine.py.
_TURN_TIMEOUT = 30.0


@attrs.define
class Database:
    """An open database whose schema is current.

    Attributes:
        engine: The SQLAlchemy engine; one per process, shared by every account.
    """

    engine: sa.Engine
    # SQLite lets one transaction at a time write, and every transaction here takes the write
    # lock at BEGIN (see store/engine.py). Threads of this process wait their turn on this
    # lock, in order, instead of in SQLite's busy handler, which sleeps and retries (up to
    # 100 ms a time) and so lets a waiting thread fall far behind later ones: the webhook
    # app's p99 (benchmarks/webhook_throughput.py). Other processes still queue on SQLite.
    _turns: threading.RLock | None = attrs.field(init=False)

    @_turns.default
    def _one_writer_at_a_time(self) -> threading.RLock | None:
        return threading.RLock() if self.engine.dialect.name == "sqlite" else None

    @classmethod
    def open(cls, url: str | None = None) -> Database:
        """Open ``url`` (default: ``SMS_DATABASE_URL`` or the user's SQLite file) and migrate it.

        Raises:
            DatabaseUnavailableError: When the URL is not one, names an engine other than
                SQLite or PostgreSQL or a driver that is not installed, or the database cannot
                be reached, created or migrated.
        """
        engine = _engine(url or default_database_url())
        try:
            upgrade(engine)
        except (sa.exc.DBAPIError, OSError) as err:
            engine.dispose()
            raise DatabaseUnavailableError(
                f"the database {_shown(engine.url)} cannot be opened ({_reason(err)}); check "
                "that the server is running and the URL's host, port, user, password and "
                "database name, or for SQLite that its folder can be written"
            ) from err
        return cls(engine)

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A connection in a transaction that commits on success and rolls back on error.

        Callbacks registered with :func:`after_commit` run, in order, once it has committed;
        never when it rolls back.

        Raises:
            StoreConflict: When a write in it (or its commit) broke a constraint of the schema;
                the whole transaction was rolled back.
        """
        callbacks: list[Callable[[], object]] = []
        # Not waited on for longer than SQLite's own busy timeout: past it, SQLite decides.
        turn = self._turns is not None and self._turns.acquire(timeout=_TURN_TIMEOUT)
        try:
            with self.engine.begin() as connection:
                _after_commit[connection] = callbacks
                try:
                    yield connection
                finally:
                    del _after_commit[connection]
        except sa.exc.IntegrityError as err:
            raise StoreConflict.violated(constraint_broken(err)) from err
        finally:
            if turn:
                assert self._turns is not None
                self._turns.release()
        for callback in callbacks:
            callback()

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def after_commit(connection: sa.Connection, callback: Callable[[], object]) -> None:
    """Run ``callback`` once the transaction of ``connection`` has committed.

    Raises:
        RuntimeError: When ``connection`` is not one of :meth:`Database.transaction`.
    """
    callbacks = _after_commit.get(connection)
    if callbacks is None:
        raise RuntimeError("after_commit() needs a connection of Database.transaction()")
    callbacks.append(callback)


def constraint_broken(err: sa.exc.IntegrityError) -> str:
    """The name of the constraint ``err`` reports, as the schema names it.

    PostgreSQL names it in the error's diagnostics. SQLite names a ``CHECK`` constraint, but
    for a unique key lists its columns (``UNIQUE constraint failed: seats.account_id,
    seats.name``), so the key is looked up in the schema by table and columns. An error that
    names no constraint (SQLite's foreign keys) is described by the database's own words.
    """
    diagnostics = getattr(err.orig, "diag", None)
    if name := getattr(diagnostics, "constraint_name", None):
        return str(name)
    reason = _reason(err)
    if found := _SQLITE_UNIQUE.search(reason):
        table, columns = _unique_columns(found.group("columns"))
        if name := _unique_key(table, columns):
            return name
    if found := _SQLITE_CHECK.search(reason):
        return found.group("name")
    return reason


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?P<columns>[\w., ]+)")
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (?P<name>\w+)")


def _unique_columns(listed: str) -> tuple[str, frozenset[str]]:
    qualified = [column.strip().split(".", 1) for column in listed.split(",")]
    return qualified[0][0], frozenset(column for _, column in qualified)


def _unique_key(table_name: str, columns: frozenset[str]) -> str | None:
    """The schema's name for the unique key of ``table_name`` over exactly ``columns``."""
    table = metadata.tables.get(table_name)
    if table is None:
        return None
    keys: list[tuple[object, frozenset[str]]] = [
        (table.primary_key.name, frozenset(table.primary_key.columns.keys()))
    ]
    keys += [
        (constraint.name, frozenset(constraint.columns.keys()))
        for constraint in table.constraints
        if isinstance(constraint, sa.UniqueConstraint)
    ]
    keys += [
        (index.name, frozenset(column.name for column in index.columns))
        for index in table.indexes
        if index.unique
    ]
    return next((str(name) for name, key in keys if name and key == columns), None)


#: The engines the SDK runs on (and tests against).
SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def _engine(url: str) -> sa.Engine:
    """The engine for ``url``, every way the URL can be unusable told apart."""
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as err:
        raise DatabaseUnavailableError(
            "the database URL is not a SQLAlchemy URL; write it like "
            "sqlite:////home/me/smsadmin.sqlite3 or postgresql://user@db.example.com/smsadmin"
        ) from err
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise DatabaseUnavailableError(
            f"the database URL {_shown(parsed)} is for {backend!r}; the SDK runs on "
            f"{' and '.join(SUPPORTED_BACKENDS)} only (sqlite:///PATH or postgresql://...)"
        )
    try:
        return create_engine(url)
    except (ImportError, sa.exc.ArgumentError) as err:
        raise DatabaseUnavailableError(
            f"the database URL {_shown(parsed)} needs a driver that is not installed "
            f"({_reason(err)}); for PostgreSQL install sms-core[postgresql]"
        ) from err
    except (OSError, ValueError) as err:
        raise DatabaseUnavailableError(
            f"the SQLite database {_shown(parsed)} cannot be created ({_reason(err)}); choose "
            "a path in a folder you can write"
        ) from err


def _shown(url: sa.URL) -> str:
    return repr(url.render_as_string(hide_password=True))


def _reason(err: BaseException) -> str:
    """The driver's own words on one line, without SQLAlchemy's background link."""
    cause = err.orig if isinstance(err, sa.exc.DBAPIError) else err
    return " ".join(str(cause).split())[:300]
