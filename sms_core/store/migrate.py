"""Bringing a database's schema up to date with Alembic."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

__all__ = ["upgrade"]

_MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(engine: sa.Engine) -> Config:
    """An Alembic configuration that runs the SDK's migrations on ``engine``."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Apply every migration up to ``revision``; a database that is current is left alone."""
    command.upgrade(alembic_config(engine), revision)
