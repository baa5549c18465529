"""Applying to join the union: checks, routing to the group of the rider's trade, one live application per person,
phone and ID; the decision by staff and what the rider sees.

A rejected application can be corrected and sent again; an approved member cannot apply twice; a second
application with the same phone or ID number (from anyone) is recognised and the existing one shown.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nuanxin import db, knowledge, masking, numbering, people, responses
from nuanxin.console import audit
from nuanxin.messaging import outbox
from nuanxin.messaging.contract import chat_of
from nuanxin.models import Consent, Person, Street, UnionApplication, UnionGroup, utcnow
from nuanxin.people import named_street, street_id, valid_name, valid_phone
from nuanxin.union import id_numbers

STATE_NAMES = {"pending": "待审核", "approved": "已通过", "rejected": "未通过"}

__all__ = ["valid_name", "valid_phone", "street_id", "named_street", "named_trade", "trade_of", "intro",
           "Submitted", "submit", "mine", "decide", "pending"]


class Decision(str, Enum):
    APPROVED = "approved"
    REJECTED = "rejected"


@lru_cache(maxsize=1)
def _membership() -> dict[str, Any]:
    return knowledge.read_yaml("union.yml")["membership"]


@lru_cache(maxsize=1)
def intro() -> tuple[str, tuple[tuple[str, str], ...]]:
    """What membership gives, costs and who may join; and (unit id, title) of the units that say more."""
    titles = {u["id"]: u["title"] for u in knowledge.read_yaml("policies/union_party.yml")["units"]}
    return _membership()["intro"], tuple((unit, titles[unit]) for unit in _membership()["details"])


@lru_cache(maxsize=1)
def _platforms() -> dict[str, list[str]]:
    return knowledge.read_yaml("platforms.yml")["platforms"]


def named_trade(text: str) -> str | None:
    """The answer as typed when it names a trade or platform we route, else None."""
    return text.strip() if trade_of(text) else None


def trade_of(text: str) -> tuple[str, str | None] | None:
    """(industry, platform) from what the rider says they do: "美团骑手" → (快递外卖, 美团); a platform's other
    names count as the platform ("蜂鸟众包" → 饿了么)."""
    for platform, aliases in _platforms().items():
        if any(alias in text for alias in aliases or ()):
            text = f"{platform} {text}"
    for industry, words in _membership()["industries"].items():
        for word in words:
            if word in text:
                platform = word if word in _platforms() else None
                return industry, platform
    return None


@dataclass(frozen=True)
class Submitted:
    reference: str
    group: str
    status: str
    existing: bool  # an application already known (same person, phone or ID): nothing new was stored
    someone_else: bool  # known under this phone or ID from another person: nothing of it is shown
    name: str  # masked, as everything shown
    phone: str
    id_number: str


def _shown(session: Session, application: UnionApplication, existing: bool) -> Submitted:
    group = session.get(UnionGroup, application.union_group_id)
    return Submitted(application.reference, group.name, STATE_NAMES[application.status], existing, False,
                     masking.mask_name(application.name), masking.mask(application.phone), application.id_masked)


def _group_for(session: Session, industry: str, sid: str) -> UnionGroup:
    groups = session.execute(select(UnionGroup).where(UnionGroup.industry == industry,
                                                      UnionGroup.active.is_(True))).scalars().all()
    return next((g for g in groups if g.street_id == sid), None) or groups[0]


def submit(channel: str, sender_id: str, name: str, phone: str, id_number: str, occupation: str, street: str,
           consent: bool) -> Submitted | None:
    """Store the application after the consent; None when a field does not check (the form checked each).
    `id_number` is the form's sealed token (id_numbers.seal) or the number itself."""
    sealed, clean_phone, clean_name = id_numbers.unseal(id_number), valid_phone(phone), valid_name(name)
    trade, sid = trade_of(occupation), street_id(street)
    if not (consent and sealed and clean_phone and clean_name and trade and sid):
        return None
    id_hash, id_shown = sealed
    with db.session_scope() as session:
        person = people.get_or_create(session, channel, sender_id)
        known = session.execute(
            select(UnionApplication).where(
                or_(UnionApplication.person_id == person.id, UnionApplication.phone == clean_phone,
                    UnionApplication.id_hash == id_hash),
                UnionApplication.status != Decision.REJECTED.value)
            .order_by(UnionApplication.id.desc()).limit(1)).scalar_one_or_none()
        if known is not None and known.person_id != person.id:  # whose it is, and its fate, are not ours to tell
            return Submitted("", "", "", True, True, "", "", "")
        if known is not None:
            return _shown(session, known, existing=True)
        agreed = Consent(person_id=person.id, purpose="union_application", granted=True,
                         notice_version=_membership()["notice_version"])
        session.add(agreed)
        session.flush()
        for _ in range(20):
            application = UnionApplication(
                reference=numbering.next_of_the_day(session, UnionApplication.reference, "RH"), person_id=person.id,
                union_group_id=_group_for(session, trade[0], sid).id, name=clean_name, phone=clean_phone,
                id_hash=id_hash, id_masked=id_shown, occupation=occupation.strip()[:32],
                platform=trade[1], street_id=sid, consent_id=agreed.id, status="pending")
            try:
                with session.begin_nested():
                    session.add(application)
                break
            except IntegrityError:
                continue
        else:
            raise RuntimeError("no free application reference")
        return _shown(session, application, existing=False)


@dataclass(frozen=True)
class Status:
    reference: str
    group: str
    status: str
    reason: str | None
    street: str


def mine(channel: str, sender_id: str) -> list[Status]:
    with db.session_scope() as session:
        person = people.get_or_create(session, channel, sender_id)
        rows = session.execute(select(UnionApplication).where(UnionApplication.person_id == person.id)
                               .order_by(UnionApplication.id.desc())).scalars().all()
        return [Status(a.reference, session.get(UnionGroup, a.union_group_id).name, STATE_NAMES[a.status], a.reason,
                       session.get(Street, a.street_id).name) for a in rows]


def decide(reference: str, decision: Decision, actor: str, reason: str | None = None) -> bool:
    """Staff approve or reject (with the reason the rider will read); the rider hears of it through the outbox,
    once. False when the application is not pending."""
    with db.session_scope() as session:
        decided = session.execute(update(UnionApplication).where(
            UnionApplication.reference == reference, UnionApplication.status == "pending").values(
            status=decision.value, reason=reason or None, decided_by=actor[:64], updated_at=utcnow()))
        if decided.rowcount != 1:  # unknown, or decided already (two staff at once: only one decision applies)
            return False
        application = session.execute(select(UnionApplication).where(
            UnionApplication.reference == reference)).scalar_one()
        person = session.get(Person, application.person_id)
        group = session.get(UnionGroup, application.union_group_id).name
        text = (responses.text("utter_union_approved", reference=reference, group=group)
                if decision is Decision.APPROVED else
                responses.text("utter_union_rejected", reference=reference, reason=reason or ""))
        outbox.enqueue(session, person.channel, chat_of(person.channel, person.external_id), {"text": text},
                       dedupe_key=f"union:{reference}:{decision.value}")
        audit.record(session, actor, f"union_{decision.value}", f"union:{reference}", {"status": "pending"},
                     {"status": decision.value, "reason": reason or None})
        return True


def pending(limit: int = 50) -> list[tuple[str, str, str, str, str, str]]:
    """(reference, group, masked name, masked phone, occupation, street) of applications waiting, oldest first."""
    with db.session_scope() as session:
        rows = session.execute(select(UnionApplication).where(UnionApplication.status == "pending")
                               .order_by(UnionApplication.id).limit(limit)).scalars().all()
        return [(a.reference, session.get(UnionGroup, a.union_group_id).name, masking.mask_name(a.name),
                 masking.mask(a.phone), a.occupation, session.get(Street, a.street_id).name) for a in rows]


def looks_like_id(text: str) -> bool:
    return bool(re.search(r"\d{15,17}[\dXx]", text))
