"""Pytest fixtures that give each test an empty, migrated database: SQLite and PostgreSQL.

Load them with ``pytest_plugins = ("sms_core.testing.databases",)`` in a top-level conftest.

``database_url`` runs a test once per backend: a SQLite file in the test's temporary folder,
and a fresh database on the PostgreSQL server named by ``SMS_TEST_POSTGRES_URL`` (created for
the test and dropped after it, so test runs in parallel never see each other's rows). Without
that variable the PostgreSQL runs are skipped on a developer machine, and fail under CI
(``CI`` set), where a skipped database is a missing check, not a pass.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from sms_core.store.engine import create_engine

__all__ = ["POSTGRES_URL_ENV", "database_url", "postgres_url", "reset_postgres"]

#: The environment variable naming a PostgreSQL database the tests may wipe.
POSTGRES_URL_ENV = "SMS_TEST_POSTGRES_URL"


def reset_postgres(url: str) -> None:
    """Drop everything in the database's public schema."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE"))
            connection.execute(sa.text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database's URL (skipped without a server, failed so in CI)."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        message = f"{POSTGRES_URL_ENV} is not set; .ci/start-postgres starts a server"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    server = sa.make_url(url)
    name = f"{server.database or 'smsadmin'}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database's URL, once for SQLite and once for PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'smsadmin.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    return url
