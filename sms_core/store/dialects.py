"""What differs between the two databases in the statements the store writes.

Both SQLite and PostgreSQL have ``INSERT ... ON CONFLICT``; SQLAlchemy spells it through each
dialect's own ``insert``. The store uses it so that a row that clashes with a unique key is
skipped (or updated) in the same statement, and a race between processes ends in an answer
(``rowcount`` 0) instead of a constraint error.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

__all__ = ["insert"]


def insert(connection: sa.Connection, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
    """An ``INSERT`` into ``table`` with the connection's ``on_conflict_*`` methods."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
