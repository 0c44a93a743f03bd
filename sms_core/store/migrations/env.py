"""Alembic environment: runs migrations on the engine the SDK hands over."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from sms_core.store.schema import metadata

engine: sa.Engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
