"""The sandbox's state: one SQLite database that every process using the carrier shares.

A file database runs in WAL mode and every change happens inside ``BEGIN IMMEDIATE``, so
several processes (a CLI session, the webhook app, a test) act on one carrier safely: each
transaction opens its own connection, which also keeps the store safe across threads and
forks. ``":memory:"`` keeps the state in one connection, guarded by a lock, for tests.

Times are stored as integer microseconds since the Unix epoch (UTC).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

from sms_core.exceptions import ConfigurationError

__all__ = ["MEMORY", "Store", "read_setting", "write_setting"]

#: The path that keeps the state in memory, for one process.
MEMORY = ":memory:"

_SCHEMA_VERSION = 2

# What each schema version adds to the one before; a file is brought up to date on open.
_UPGRADES: dict[int, tuple[str, ...]] = {
    # Brands a person must confirm (a sole proprietor's OTP text, a public company's 2FA
    # e-mail): whether the confirmation is still awaited, and how often it was sent again.
    2: (
        "ALTER TABLE registrations ADD COLUMN awaiting_confirmation INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE registrations ADD COLUMN confirmations_sent INTEGER NOT NULL DEFAULT 0",
    ),
}

_SCHEMA = (
    """CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE numbers (
        sid TEXT PRIMARY KEY,
        e164 TEXT NOT NULL UNIQUE,
        account_id TEXT NOT NULL,
        country TEXT NOT NULL,
        number_type TEXT NOT NULL,
        region TEXT,
        locality TEXT,
        postal_code TEXT,
        sms_url TEXT,
        status_callback_url TEXT,
        voice_url TEXT,
        forward_to TEXT,
        label TEXT,
        service_sid TEXT,
        purchased_us INTEGER NOT NULL
    )""",
    "CREATE INDEX numbers_by_account ON numbers (account_id)",
    """CREATE TABLE registrations (
        sid TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        step TEXT NOT NULL,
        parent_sid TEXT,
        label TEXT NOT NULL,
        submitted_us INTEGER NOT NULL,
        decided_us INTEGER NOT NULL,
        failure_reason TEXT,
        failure_code TEXT,
        failure_field TEXT,
        sms_url TEXT,
        status_callback_url TEXT
    )""",
    """CREATE TABLE planned_failures (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        step TEXT NOT NULL,
        reason TEXT NOT NULL,
        code TEXT,
        field TEXT
    )""",
    """CREATE TABLE planned_timeouts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        reaches_carrier INTEGER NOT NULL
    )""",
    """CREATE TABLE messages (
        sid TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        direction TEXT NOT NULL,
        message_id TEXT,
        sender TEXT NOT NULL,
        recipient TEXT NOT NULL,
        body TEXT NOT NULL,
        segments INTEGER NOT NULL,
        created_us INTEGER NOT NULL,
        error_code TEXT,
        status_callback_url TEXT,
        keyword TEXT
    )""",
    "CREATE INDEX messages_by_sdk_id ON messages (account_id, message_id)",
    """CREATE TABLE calls (
        sid TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        caller TEXT NOT NULL,
        called TEXT NOT NULL,
        created_us INTEGER NOT NULL,
        status TEXT NOT NULL,
        forwarded_to TEXT
    )""",
    """CREATE TABLE recipient_marks (
        e164 TEXT PRIMARY KEY,
        error_code TEXT NOT NULL
    )""",
    """CREATE TABLE opt_outs (
        account_id TEXT NOT NULL,
        scope TEXT NOT NULL,
        recipient TEXT NOT NULL,
        created_us INTEGER NOT NULL,
        PRIMARY KEY (account_id, scope, recipient)
    )""",
    """CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id TEXT NOT NULL,
        subject_sid TEXT NOT NULL,
        kind TEXT NOT NULL,
        url TEXT NOT NULL,
        body BLOB NOT NULL,
        due_us INTEGER NOT NULL,
        collected INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX outbox_due ON outbox (collected, due_us)",
)


class Store:
    """Transactions on the sandbox database.

    Args:
        path: The SQLite file (created with its folder when missing), or :data:`MEMORY`.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = os.fspath(path)
        self._lock = threading.RLock()
        self._shared: sqlite3.Connection | None = None
        if self.in_memory:
            self._shared = self._connect()
        else:
            Path(self._path).parent.mkdir(parents=True, exist_ok=True)
            with _closing(self._connect()) as conn:
                conn.execute("PRAGMA journal_mode=WAL")
        self._migrate()

    @property
    def path(self) -> str:
        """Where the state lives."""
        return self._path

    @property
    def in_memory(self) -> bool:
        """Whether the state lives in this process only."""
        return self._path == MEMORY

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A transaction that may change the state; other writers wait until it ends."""
        with self._transaction("BEGIN IMMEDIATE") as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A transaction that sees one consistent state and changes nothing."""
        with self._transaction("BEGIN") as conn:
            yield conn

    def close(self) -> None:
        """Release the in-memory database (and with it the state); a no-op for files."""
        with self._lock:
            if self._shared is not None:
                self._shared.close()
                self._shared = None

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        # One shared connection needs the lock; file transactions wait on SQLite's own.
        guard: AbstractContextManager[object] = self._lock if self.in_memory else nullcontext()
        with guard, self._connection() as conn:
            conn.execute(begin)
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        if self.in_memory:
            if self._shared is None:
                raise ConfigurationError("the in-memory sandbox carrier was closed")
            yield self._shared
        else:
            with _closing(self._connect()) as conn:
                yield conn

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self._path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    def _migrate(self) -> None:
        with self.write() as conn:
            (version,) = conn.execute("PRAGMA user_version").fetchone()
            if version > _SCHEMA_VERSION:
                raise ConfigurationError(
                    f"the sandbox state {self._path!r} was written by a newer sms-core-fake "
                    f"(schema {version}); upgrade sms-core-fake or point SMS_FAKE_STATE elsewhere"
                )
            if version == 0:
                for statement in _SCHEMA:
                    conn.execute(statement)
                version = 1
            for upgrade in range(version + 1, _SCHEMA_VERSION + 1):
                for statement in _UPGRADES[upgrade]:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version={_SCHEMA_VERSION}")


@contextmanager
def _closing(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    # sqlite3's own context manager ends the transaction but leaves the connection open.
    try:
        yield conn
    finally:
        conn.close()


def read_setting(conn: sqlite3.Connection, key: str) -> str | None:
    """A carrier-wide setting (clock offset, review durations), or ``None`` when unset."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row["value"])


def write_setting(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Set a carrier-wide setting."""
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
