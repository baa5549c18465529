"""The phone line people are sent to when the assistant cannot or should not answer itself."""
from __future__ import annotations

import logging
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from nuanxin import db, knowledge
from nuanxin.models import ServiceContact

PRIMARY = "district_hotline"
log = logging.getLogger(__name__)


def _as_template(contact: dict[str, str]) -> dict[str, str]:
    return {"hotline_name": contact["name"], "hotline_phone": str(contact["phone"]),
            "hotline_hours": contact["hours"]}


def contact(session: Session) -> dict[str, str]:
    """Response variables {hotline_name}, {hotline_phone}, {hotline_hours} from the database."""
    row = session.execute(select(ServiceContact).where(ServiceContact.id == PRIMARY)).scalar_one()
    return _as_template({"name": row.name, "phone": row.phone, "hours": row.hours})


@lru_cache(maxsize=1)
def _primary_from_files() -> dict[str, str]:
    """knowledge/hotline.yml's primary line, read once (knowledge/ is reloaded only at start anyway)."""
    return next(c for c in knowledge.read_yaml("hotline.yml")["contacts"] if c["id"] == PRIMARY)


def contact_from_files() -> dict[str, str]:
    """The same, straight from knowledge/: used when the database is unreachable, so nobody is left without a number."""
    return _as_template(_primary_from_files())


def current() -> dict[str, str]:
    """From the database when it answers, else from the files: every adapter can always name a number."""
    try:
        with db.session_scope() as session:
            return contact(session)
    except SQLAlchemyError:
        log.exception("hotline read from the database failed; using knowledge/")
        return contact_from_files()


def callback() -> str:
    """How soon staff call back on a hand-over (knowledge/hotline.yml)."""
    return _primary_from_files()["callback"]
