"""Every row of every table, to show that a refused call changed nothing."""

from __future__ import annotations

from sms_core.services import SmsAdmin
from sms_core.store.schema import metadata

__all__ = ["dump"]


def dump(admin: SmsAdmin) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, in a stable order, by table name."""
    tables: dict[str, list[tuple[object, ...]]] = {}
    with admin.database.transaction() as connection:
        for table in metadata.sorted_tables:
            rows = connection.execute(table.select()).all()
            tables[table.name] = sorted((tuple(row) for row in rows), key=repr)
    return tables
