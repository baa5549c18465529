"""The append-only points ledger: the balance is the newest line's `balance_after`.

Each line takes the next per-person `seq`; the database refuses two lines with the same seq and any balance below
zero, so two spends racing for the same balance cannot both be written. The loser's savepoint is rolled back and
it tries again against the new newest line (PostgreSQL's READ COMMITTED shows it to the next statement). (reason,
ref) is unique, so an event is credited once however often it is reported.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nuanxin import knowledge
from nuanxin.models import PointsEntry

MAX_ATTEMPTS = 60


class NotEnoughPoints(Exception):
    def __init__(self, balance: int) -> None:
        super().__init__(f"balance {balance}")
        self.balance = balance


@dataclass(frozen=True)
class Line:
    delta: int
    balance_after: int
    reason: str  # the reason's Chinese name (knowledge/points.yml)
    at: datetime


@lru_cache(maxsize=1)
def reason_names() -> dict[str, str]:
    data = knowledge.read_yaml("points.yml")
    return {**{e["id"]: e["name"] for e in data["earning"]}, **data["spending"]}


@lru_cache(maxsize=1)
def earning_points() -> dict[str, int]:
    """Fixed amounts per reason; a verified report's amount is its category's."""
    return {e["id"]: int(e["points"]) for e in knowledge.read_yaml("points.yml")["earning"] if "points" in e}


def balance(session: Session, person_id: int) -> int:
    last = _newest(session, person_id)
    return last.balance_after if last else 0


def latest(session: Session, person_id: int, limit: int = 5) -> list[Line]:
    rows = session.execute(select(PointsEntry).where(PointsEntry.person_id == person_id)
                           .order_by(PointsEntry.seq.desc()).limit(limit)).scalars()
    return [Line(r.delta, r.balance_after, reason_names().get(r.reason, r.reason), r.created_at) for r in rows]


def _newest(session: Session, person_id: int) -> PointsEntry | None:
    return session.execute(select(PointsEntry).where(PointsEntry.person_id == person_id)
                           .order_by(PointsEntry.seq.desc()).limit(1)).scalar_one_or_none()


def _recorded(session: Session, reason: str, ref: str) -> bool:
    return session.execute(select(PointsEntry.id).where(PointsEntry.reason == reason, PointsEntry.ref == ref)
                           ).first() is not None


def append(session: Session, person_id: int, delta: int, reason: str, ref: str) -> PointsEntry | None:
    """Write one line in the caller's transaction. None when (reason, ref) is already in the ledger.

    Raises NotEnoughPoints when a spend would take the balance below zero.
    """
    for attempt in range(MAX_ATTEMPTS):
        if _recorded(session, reason, ref):
            return None
        last = _newest(session, person_id)
        current = last.balance_after if last else 0
        if current + delta < 0:
            raise NotEnoughPoints(current)
        entry = PointsEntry(person_id=person_id, seq=(last.seq + 1) if last else 1, delta=delta,
                            balance_after=current + delta, reason=reason, ref=ref)
        try:
            with session.begin_nested():
                session.add(entry)
            return entry
        except IntegrityError:
            time.sleep(random.uniform(0, 0.005 * (attempt + 1)))  # someone else wrote this person's next line
    raise RuntimeError(f"points ledger of person {person_id} stayed busy")
