"""Who is talking: one row per (channel, external id), created on first contact that needs storing."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from nuanxin import db
from nuanxin.models import Person, Street, utcnow

NAME = re.compile(r"^[\u4e00-\u9fff·]{2,15}$")
MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")


def get_or_create(session: Session, channel: str, external_id: str) -> Person:
    person = session.execute(
        select(Person).where(Person.channel == channel, Person.external_id == external_id)
    ).scalar_one_or_none()
    if person is None:
        person = Person(channel=channel, external_id=external_id)
        session.add(person)
        session.flush()
    else:
        person.last_seen_at = utcnow()
    return person


def valid_name(text: str) -> str | None:
    name = re.sub(r"\s+", "", text)
    return name if NAME.match(name) else None


def valid_phone(text: str) -> str | None:
    digits = re.sub(r"[\s\-]", "", text.translate(str.maketrans("０１２３４５６７８９＋", "0123456789+")))
    return digits[-11:] if MOBILE.match(digits) else None


def street_id(text: str) -> str | None:
    """A street (镇/街道) named in full or without its suffix: 青禾街道, 青禾."""
    with db.session_scope() as session:
        for sid, name in session.execute(select(Street.id, Street.name)).all():
            short = re.sub(r"(街道|镇)$", "", name)
            if name in text or (len(short) >= 2 and short in text):
                return sid
    return None


def named_street(text: str) -> str | None:
    """The answer as typed when it names one of the district's streets, else None."""
    return text.strip() if street_id(text) else None
