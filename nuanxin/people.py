"""Who is talking: one row per (channel, external id), created on first contact that needs storing."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from nuanxin.models import Person, utcnow


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
