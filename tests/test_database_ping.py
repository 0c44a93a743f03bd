"""PostgreSQL's pooled connections are pinged before use only when they lay unused.

``sms_core.store.engine.PING_AFTER_IDLE_SECONDS`` decides; the tests set it to 0 (every reuse
is after the window) or to a day (every reuse is within it) rather than wait. A connection is
closed under the pool the way a server restart or an idle timeout closes it: the server ends
its backend (``pg_terminate_backend``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine.interfaces import DBAPIConnection

from sms_core.store import Database
from sms_core.store import engine as engine_module
from sms_core.store.engine import create_engine

DAY = 24 * 60 * 60.0


@pytest.fixture
def database(postgres_url: str) -> Iterator[Database]:
    opened = Database.open(postgres_url)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def pings(database: Database, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The pings the database's pool sends, one entry each."""
    dialect = database.engine.dialect
    sent: list[object] = []
    ping = dialect.do_ping

    def counted(dbapi_connection: DBAPIConnection) -> bool:
        sent.append(dbapi_connection)
        return ping(dbapi_connection)

    monkeypatch.setattr(dialect, "do_ping", counted)
    return sent


def backend(database: Database) -> int:
    """The server process of the pooled connection a transaction gets."""
    with database.transaction() as connection:
        return int(connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one())


def terminate(postgres_url: str, pid: int) -> None:
    """End a server process from a connection of its own, as a server restart would."""
    other = create_engine(postgres_url)
    try:
        with other.begin() as connection:
            connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        other.dispose()


def test_connection_used_within_the_window_is_not_pinged(
    database: Database, pings: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reports arriving back to back reuse their connection without a round trip first."""
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", DAY)

    pids = {backend(database) for _ in range(5)}

    assert 1 == len(pids)
    assert [] == pings


def test_connection_unused_past_the_window_is_pinged(
    database: Database, pings: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every reuse after the window pings first."""
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)

    for _ in range(3):
        backend(database)

    assert 3 == len(pings)  # each reused the connection opening the database returned


def test_connection_closed_while_unused_is_replaced(
    postgres_url: str, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A connection the server closed while it lay in the pool is replaced unnoticed."""
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)
    closed = backend(database)
    terminate(postgres_url, closed)

    assert closed != backend(database)


def test_connection_closed_within_the_window_fails_once(
    postgres_url: str, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Closed within the window, the next transaction fails, and the one after it succeeds.

    The failed work is retried whole (a webhook answered 500 is posted again); the failure
    renews the pool, so the retry gets a new connection.
    """
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", DAY)
    closed = backend(database)
    terminate(postgres_url, closed)

    with pytest.raises(sa.exc.OperationalError):
        backend(database)

    assert closed != backend(database)
