"""The SDK's database: an engine, its migrations, and transactions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import attrs
import sqlalchemy as sa

from sms_core.exceptions import DatabaseUnavailableError
from sms_core.store.engine import create_engine, default_database_url
from sms_core.store.migrate import upgrade

__all__ = ["Database", "after_commit"]

# The callbacks each open transaction runs once it commits, by its connection (removed when the
# transaction ends). Kept beside the connection rather than in ``Connection.info``, which
# belongs to the pooled DBAPI connection and cannot be read once it is invalidated.
_after_commit: dict[sa.Connection, list[Callable[[], object]]] = {}


@attrs.define
class Database:
    """An open database whose schema is current.

    Attributes:
        engine: The SQLAlchemy engine; one per process, shared by every account.
    """

    engine: sa.Engine

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
    def transaction(self) -> Iterator[sa.Connection]:
        """A connection in a transaction that commits on success and rolls back on error.

        Callbacks registered with :func:`after_commit` run, in order, once it has committed;
        never when it rolls back.
        """
        callbacks: list[Callable[[], object]] = []
        with self.engine.begin() as connection:
            _after_commit[connection] = callbacks
            try:
                yield connection
            finally:
                del _after_commit[connection]
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
