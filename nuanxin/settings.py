"""Runtime settings, read from the environment so that tests, CI and production differ only in variables."""
from __future__ import annotations

import os
import secrets
import time
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


def redis_url() -> str | None:
    """Where Rasa replicas share their conversation locks (NUANXIN_REDIS_URL, e.g. redis://127.0.0.1:6379/1);
    unset, one process keeps them in memory."""
    return os.environ.get("NUANXIN_REDIS_URL") or None


def shared_secret(name: str) -> str:
    """A secret two of our processes share: `action` (Rasa → action server) and `frontend` (front ends → Rasa).

    Production sets NUANXIN_ACTION_SECRET / NUANXIN_FRONTEND_SECRET (a Kubernetes Secret, say). Without one, the
    first process to ask makes it for this machine in var/secrets/<name>, readable by this user only, and every
    other process of the checkout reads the same file: `make run` needs no setup and still checks every call.
    """
    from_env = os.environ.get(f"NUANXIN_{name.upper()}_SECRET")
    if from_env:
        return from_env
    folder = VAR_DIR / "secrets"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # another process may be writing it this instant
            value = path.read_text(encoding="ascii").strip()
            if value:
                return value
            time.sleep(0.05)
        raise RuntimeError(f"{path} is empty")
    value = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(value)
    return value
