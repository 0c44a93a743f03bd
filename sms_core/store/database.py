"""The SDK's database: an engine, its migrations, and transactions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import attrs
import sqlalchemy as sa

from sms_core.store.engine import create_engine, default_database_url
from sms_core.store.migrate import upgrade

__all__ = ["Database"]


@attrs.define
class Database:
    """An open database whose schema is current.

    Attributes:
        engine: The SQLAlchemy engine; one per process, shared by every account.
    """

    engine: sa.Engine

    @classmethod
    def open(cls, url: str | None = None) -> Database:
        """Open ``url`` (default: ``SMS_DATABASE_URL`` or the user's SQLite file) and migrate it."""
        engine = create_engine(url or default_database_url())
        upgrade(engine)
        return cls(engine)

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """A connection in a transaction that commits on success and rolls back on error."""
        with self.engine.begin() as connection:
            yield connection

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
