"""Everything kept about one rider (PIPL Art. 45): a summary shown masked, as in every other view, and the full
copy handed to the rider themself (on Telegram as a JSON document). Each table that names a person is read here;
tests/test_privacy.py checks that erasure leaves none of it behind."""
from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nuanxin import db, knowledge, masking, people
from nuanxin.handoff.tickets import ticket_number
from nuanxin.messaging.contract import chat_of
from nuanxin.models import (Consent, ConversationEvent, Course, CourseSession, Enrollment, GridMember, HandoffTicket,
                            Person, PointsEntry, Report, ReportFollower, Street, UnionApplication, UnionGroup)
from nuanxin.numbering import CHINA_TIME
from nuanxin.points.ledger import reason_names
from nuanxin.report import categories
from nuanxin.training.catalogue import settings as training_settings
from nuanxin.union.applications import STATE_NAMES as UNION_STATES


@lru_cache(maxsize=1)
def settings() -> dict[str, Any]:
    return knowledge.read_yaml("privacy.yml")


def _day(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return db.aware(moment).astimezone(CHINA_TIME).strftime(
        "%Y-%m-%d")


def _person(session: Session, channel: str, sender_id: str) -> Person | None:
    return people.find(session, channel, sender_id)


def _collect(session: Session, person: Person, masked: bool) -> dict[str, Any]:
    """The rider's rows as plain values; phone numbers and names masked unless `masked` is False."""
    show = masking.mask if masked else (lambda text: text)
    name = masking.mask_name if masked else (lambda text: text or "")
    purposes = settings()["purposes"]
    consents = session.execute(select(Consent).where(Consent.person_id == person.id)
                               .order_by(Consent.id)).scalars().all()
    member = session.execute(select(GridMember).where(GridMember.person_id == person.id)).scalar_one_or_none()
    applications = session.execute(select(UnionApplication).where(UnionApplication.person_id == person.id)
                                   .order_by(UnionApplication.id)).scalars().all()
    places = session.execute(select(Enrollment, CourseSession, Course)
                             .join(CourseSession, CourseSession.id == Enrollment.session_id)
                             .join(Course, Course.id == CourseSession.course_id)
                             .where(Enrollment.person_id == person.id).order_by(Enrollment.id)).all()
    reports = session.execute(select(Report).where(Report.person_id == person.id)
                              .order_by(Report.id)).scalars().all()
    followed = session.execute(select(Report).join(ReportFollower, ReportFollower.report_id == Report.id)
                               .where(ReportFollower.person_id == person.id).order_by(Report.id)).scalars().all()
    ledger = session.execute(select(PointsEntry).where(PointsEntry.person_id == person.id)
                             .order_by(PointsEntry.seq)).scalars().all()
    tickets = session.execute(select(HandoffTicket).where(HandoffTicket.person_id == person.id)
                              .order_by(HandoffTicket.id)).scalars().all()
    streets = dict(session.execute(select(Street.id, Street.name)).all())
    groups = dict(session.execute(select(UnionGroup.id, UnionGroup.name)).all())
    states = training_settings()["states"]
    ticket_states = settings()["ticket_states"]
    reasons = reason_names()
    return {
        "profile": {"channel": person.channel, "since": _day(person.created_at),
                    "phone": show(person.phone) if person.phone else ""},
        "consents": [{"purpose": purposes.get(c.purpose, c.purpose), "notice_version": c.notice_version,
                      "granted": c.granted, "date": _day(c.created_at)} for c in consents],
        "grid_member": None if member is None else {
            "name": name(member.name), "phone": show(member.phone), "street": streets.get(member.street_id, ""),
            "since": _day(member.created_at)},
        "union_applications": [{"reference": a.reference, "group": groups.get(a.union_group_id, ""),
                                "status": UNION_STATES.get(a.status, a.status), "name": name(a.name),
                                "phone": show(a.phone), "id_number": a.id_masked, "occupation": a.occupation,
                                "street": streets.get(a.street_id, ""), "date": _day(a.created_at)}
                               for a in applications],
        "enrollments": [{"course": course.title, "starts": run.starts_at.astimezone(CHINA_TIME).strftime(
                            "%Y-%m-%d %H:%M") if run.starts_at.tzinfo else str(run.starts_at),
                         "status": states.get(place.status, place.status), "name": name(place.name),
                         "phone": show(place.phone)} for place, run, course in places],
        "reports": [{"ticket": r.ticket, "category": categories.by_id(r.category_id).name,
                     "status": categories.state_name(r.status), "text": show(r.text), "place": r.location_text or "",
                     "date": _day(r.created_at), "has_photo": bool(r.photo_path)} for r in reports],
        "followed_reports": [{"ticket": r.ticket, "status": categories.state_name(r.status)} for r in followed],
        "points": {"balance": ledger[-1].balance_after if ledger else 0,
                   "ledger": [{"date": _day(e.created_at), "reason": reasons.get(e.reason, e.reason),
                               "delta": e.delta, "balance_after": e.balance_after} for e in ledger]},
        "handoff_tickets": [{"ticket": ticket_number(t), "status": ticket_states.get(t.status, t.status),
                             "date": _day(t.created_at)} for t in tickets],
    }


def _messages(session: Session, sender_id: str) -> list[dict[str, str]]:
    """The conversation as stored (already masked when stored)."""
    rows = session.execute(select(ConversationEvent.type_name, ConversationEvent.timestamp, ConversationEvent.data)
                           .where(ConversationEvent.sender_id == sender_id,
                                  ConversationEvent.type_name.in_(("user", "bot")))
                           .order_by(ConversationEvent.id)).all()
    out = []
    for kind, timestamp, data in rows:
        text = (json.loads(data or "{}").get("text") or "").strip()
        if text:
            out.append({"from": "我" if kind == "user" else "暖新助手", "text": text,
                        "at": datetime.fromtimestamp(timestamp or 0, CHINA_TIME).strftime("%Y-%m-%d %H:%M")})
    return out


def summary(channel: str, sender_id: str) -> dict[str, Any] | None:
    """Masked, for the chat; None when nothing is kept about this rider."""
    with db.session_scope() as session:
        person = _person(session, channel, sender_id)
        return None if person is None else _collect(session, person, masked=True)


def full_copy(channel: str, sender_id: str) -> dict[str, Any] | None:
    """The rider's own copy (PIPL Art. 45): their data unmasked, and the conversation as kept."""
    with db.session_scope() as session:
        person = _person(session, channel, sender_id)
        if person is None:
            return None
        return {"exported_at": datetime.now(CHINA_TIME).isoformat(timespec="seconds"),
                "chat": chat_of(channel, sender_id), **_collect(session, person, masked=False),
                "conversation": _messages(session, sender_id)}
