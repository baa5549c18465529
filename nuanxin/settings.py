"""Runtime settings, read from the environment so that tests, CI and production differ only in variables."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = Path(os.environ.get("NUANXIN_KNOWLEDGE_DIR", ROOT / "knowledge"))
VAR_DIR = Path(os.environ.get("NUANXIN_VAR_DIR", ROOT / "var"))


def database_url() -> str:
    """SQLite under var/ unless DATABASE_URL says otherwise (PostgreSQL in production)."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'nuanxin.db'}"
