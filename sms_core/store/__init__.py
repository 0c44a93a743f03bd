"""Persistence: SQLAlchemy Core tables, Alembic migrations, SQLite or PostgreSQL."""

from sms_core.store.database import Database, Transaction
from sms_core.store.engine import DATABASE_URL_ENV, create_engine, default_database_url

__all__ = ["DATABASE_URL_ENV", "Database", "Transaction", "create_engine", "default_database_url"]
