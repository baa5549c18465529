"""Bring a database to the newest schema; the only way the schema changes."""
from __future__ import annotations

from alembic import command
from alembic.config import Config

from nuanxin import settings


def alembic_config(url: str | None = None) -> Config:
    cfg = Config(str(settings.ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(settings.ROOT / "nuanxin" / "migrations"))
    cfg.attributes["database_url"] = url
    return cfg


def upgrade(url: str | None = None) -> None:
    command.upgrade(alembic_config(url), "head")
