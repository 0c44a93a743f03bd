"""Reading and writing the account's templates.

A name is unique in the account (``uq_templates_account_name``): a second template of the same
name, also from a concurrent transaction, ends the transaction with ``StoreConflict`` naming
that index.
"""

from __future__ import annotations

import sqlalchemy as sa

from sms_core.domain import Template
from sms_core.store.rows import from_row
from sms_core.store.schema import templates

__all__ = [
    "NAME_TAKEN",
    "delete_template",
    "get_template",
    "insert_template",
    "template_by_name",
    "template_page",
    "update_template",
]

#: The constraint a second template of the same name breaks.
NAME_TAKEN = "uq_templates_account_name"

_t = templates.c
_FIELDS = ("id", "name", "body", "sample_compliant")
_TIMES = ("created_at", "created_by", "updated_at", "updated_by")


def insert_template(connection: sa.Connection, account_id: str, template: Template) -> None:
    """Store a new template (a taken name raises ``StoreConflict`` when the transaction ends)."""
    connection.execute(
        templates.insert().values(
            account_id=account_id, **{name: getattr(template, name) for name in _FIELDS + _TIMES}
        )
    )


def update_template(connection: sa.Connection, account_id: str, template: Template) -> bool:
    """Store a template's new name, body and flag; whether it still existed."""
    changed = connection.execute(
        templates.update()
        .where(_t.account_id == account_id, _t.id == template.id)
        .values(
            name=template.name,
            body=template.body,
            sample_compliant=template.sample_compliant,
            updated_at=template.updated_at,
            updated_by=template.updated_by,
        )
    )
    return changed.rowcount == 1


def delete_template(connection: sa.Connection, account_id: str, template_id: str) -> bool:
    """Remove a template; whether it existed."""
    removed = connection.execute(
        templates.delete().where(_t.account_id == account_id, _t.id == template_id)
    )
    return removed.rowcount == 1


def get_template(connection: sa.Connection, account_id: str, template_id: str) -> Template | None:
    """The template with this id, if the account has it."""
    query = templates.select().where(_t.account_id == account_id, _t.id == template_id)
    row = connection.execute(query).mappings().first()
    return None if row is None else _template(row)


def template_by_name(connection: sa.Connection, account_id: str, name: str) -> Template | None:
    """The template of this name, if the account has it."""
    query = templates.select().where(_t.account_id == account_id, _t.name == name)
    row = connection.execute(query).mappings().first()
    return None if row is None else _template(row)


def template_page(
    connection: sa.Connection, account_id: str, *, after: tuple[str] | None, limit: int
) -> list[tuple[tuple[str], Template]]:
    """Up to ``limit`` templates by name after the name ``after``, keyed.

    Read in order from ``uq_templates_account_name``.
    """
    query = templates.select().where(_t.account_id == account_id).order_by(_t.name).limit(limit)
    if after is not None:
        query = query.where(_t.name > after[0])
    return [((row["name"],), _template(row)) for row in connection.execute(query).mappings()]


def _template(row: sa.RowMapping) -> Template:
    fields = {name: row[name] for name in _FIELDS + _TIMES}
    return from_row(fields, Template)
