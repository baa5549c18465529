"""Engine and session handling shared by every adapter.

SQLite (the embedded default) gets foreign keys, WAL and a busy timeout so that the action server and the bot
can write at the same time; PostgreSQL is used as is.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from nuanxin import settings


def engine(url: str | None = None) -> Engine:
    """The engine of `url`, or of the configured database (read each call, so the cache follows the setting)."""
    return _engine(url or settings.database_url())


@lru_cache(maxsize=8)
def _engine(url: str) -> Engine:
    """Errors never quote the statement's parameters (riders' phone numbers, names): hide_parameters."""
    if url.startswith("sqlite"):
        eng = create_engine(url, future=True, hide_parameters=True,
                            connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(eng, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return eng
    return create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True,
                         connect_args={"connect_timeout": 3})


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """One unit of work: committed when the block ends, rolled back on any error, so nothing is half-done."""
    factory = sessionmaker(bind=engine(url), future=True, expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; everything is stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def bulk(session: Session, statement: Any) -> Any:
    """A set-based DELETE or UPDATE run as SQL alone: objects already in the session are not matched against it
    (callers use none of them afterwards), which also lets it carry subqueries and SQL functions."""
    return session.execute(statement, execution_options={"synchronize_session": False})
