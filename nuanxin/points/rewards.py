"""Redeeming points for goods and services (通积通兑), each with a one-time code shown at the counter.

A redemption is one transaction: the reward's stock is taken with a conditional UPDATE (never below zero), the
points with a ledger line (never below zero, never twice for the same request), the code stored. Anything that
fails rolls all three back. The request key comes from the offer the rider tapped, so a double tap or a retried
request returns the same redemption instead of spending twice.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from nuanxin import db, people
from nuanxin.models import Redemption, Reward, Street, utcnow
from nuanxin.points import ledger
from nuanxin.points.ledger import NotEnoughPoints

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read out at a counter
CODE_LENGTH = 8


class Refused(Exception):
    """Nothing was spent: `reason` is "unknown", "out_of_stock" or "not_enough" (with the reward and balance)."""

    def __init__(self, reason: str, reward: str = "", cost: int = 0, balance: int = 0) -> None:
        super().__init__(reason)
        self.reason, self.reward, self.cost, self.balance = reason, reward, cost, balance


@dataclass(frozen=True)
class Offer:
    id: str
    name: str
    kind: str
    cost: int
    stock: int
    where: str  # the street it is limited to, or "" for district-wide
    description: str


@dataclass(frozen=True)
class Redeemed:
    code: str
    reward: str
    points: int
    balance: int
    again: bool  # the same request was redeemed before: nothing new was spent


@dataclass(frozen=True)
class Summary:
    balance: int
    latest: list[ledger.Line]


def summary(channel: str, sender_id: str) -> Summary:
    with db.session_scope() as session:
        person = people.get_or_create(session, channel, sender_id)
        return Summary(ledger.balance(session, person.id), ledger.latest(session, person.id))


def matching(offers: list[Offer], text: str) -> list[Offer]:
    """The rewards a typed request names ("想换个雨衣" → 骑行雨衣), else all of them."""
    if text.startswith("/"):
        return offers
    named = [o for o in offers if o.name in text or o.name[-2:] in text]
    return named or offers


def catalogue() -> list[Offer]:
    """Rewards on offer, cheapest first; a reward out of stock is listed with stock 0 rather than hidden."""
    with db.session_scope() as session:
        rows = session.execute(select(Reward, Street.name).outerjoin(Street, Reward.street_id == Street.id)
                               .where(Reward.active.is_(True)).order_by(Reward.points_cost, Reward.id)).all()
        return [Offer(r.id, r.name, r.kind, r.points_cost, r.stock, street or "", r.description) for r, street in rows]


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _redeemed(session: Session, redemption: Redemption, again: bool) -> Redeemed:
    reward = session.get(Reward, redemption.reward_id)
    return Redeemed(redemption.code, reward.name, redemption.points,
                    ledger.balance(session, redemption.person_id), again)


def _existing(session: Session, request_key: str) -> Redemption | None:
    return session.execute(select(Redemption).where(Redemption.request_key == request_key)).scalar_one_or_none()


def request_key(channel: str, sender_id: str, offer: str) -> str:
    """One key per offer shown to one person: the same button tapped twice is the same request."""
    return hashlib.sha256(f"{channel}\n{sender_id}\n{offer}".encode()).hexdigest()[:40]


def redeem(channel: str, sender_id: str, reward_id: str, offer: str) -> Redeemed:
    """Raises Refused; nothing is spent then. `offer` is the key of the button the rider tapped."""
    key = request_key(channel, sender_id, offer)
    try:
        return _redeem(channel, sender_id, reward_id, key)
    except NotEnoughPoints as short:
        with db.session_scope() as session:
            reward = session.get(Reward, reward_id)
            raise Refused("not_enough", reward.name, reward.points_cost, short.balance) from None


def _redeem(channel: str, sender_id: str, reward_id: str, request_key: str) -> Redeemed:
    try:
        with db.session_scope() as session:
            person = people.get_or_create(session, channel, sender_id)
            existing = _existing(session, request_key)
            if existing is not None:
                return _redeemed(session, existing, again=True)
            reward = session.get(Reward, reward_id)
            if reward is None or not reward.active:
                raise Refused("unknown")
            cost = reward.points_cost
            balance = ledger.balance(session, person.id)
            if balance < cost:  # cheap early answer; the ledger line decides
                raise NotEnoughPoints(balance)
            taken = session.execute(update(Reward).where(Reward.id == reward_id, Reward.stock > 0)
                                    .values(stock=Reward.stock - 1))
            if taken.rowcount != 1:
                raise Refused("out_of_stock", reward.name, cost)
            if ledger.append(session, person.id, -cost, "redeem", request_key) is None:
                raise _SameRequest()
            redemption = Redemption(person_id=person.id, reward_id=reward_id, points=cost, status="issued",
                                    code=_new_code(), request_key=request_key)
            session.add(redemption)
            session.flush()
            return _redeemed(session, redemption, again=False)
    except _SameRequest:  # the same request, spent by a concurrent call that committed first
        with db.session_scope() as session:
            return _redeemed(session, _existing(session, request_key), again=True)


class _SameRequest(Exception):
    pass


@dataclass(frozen=True)
class CodeUse:
    reward: str
    used_at: datetime


def use_code(code: str, counter: str) -> CodeUse | None:
    """A counter hands the reward over: the code is used once. None when unknown or already used."""
    with db.session_scope() as session:
        done = session.execute(update(Redemption).where(Redemption.code == code.strip().upper(),
                                                        Redemption.status == "issued")
                               .values(status="used", used_at=utcnow(), used_by=counter[:64]))
        if done.rowcount != 1:
            return None
        redemption = session.execute(select(Redemption).where(Redemption.code == code.strip().upper())).scalar_one()
        return CodeUse(session.get(Reward, redemption.reward_id).name, redemption.used_at)
