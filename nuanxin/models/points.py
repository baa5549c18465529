"""Points (通积通兑): the append-only ledger, the catalogue and redemptions."""
from __future__ import annotations

from sqlalchemy import (Boolean, CheckConstraint, Column, DateTime, ForeignKey, Integer, String, Text,
                        UniqueConstraint)

from nuanxin.models.base import Base, created_column


class PointsEntry(Base):
    """An append-only ledger line; the balance is the newest line's `balance_after`.

    (reason, ref) is unique, so the same event is never credited twice; (person_id, seq) is unique and
    balance_after may not go below zero, so two spends racing for the same balance cannot both be written: the
    loser's insert fails and is retried against the new balance.
    """

    __tablename__ = "points_ledger"
    __table_args__ = (
        UniqueConstraint("reason", "ref", name="uq_points_ledger_reason_ref"),
        UniqueConstraint("person_id", "seq", name="uq_points_ledger_person_seq"),
        CheckConstraint("balance_after >= 0", name="balance_not_negative"),
    )
    id = Column(Integer, primary_key=True)
    person_id = Column(ForeignKey("people.id"), nullable=False, index=True)
    seq = Column(Integer, nullable=False)
    delta = Column(Integer, nullable=False)
    balance_after = Column(Integer, nullable=False)
    reason = Column(String(32), nullable=False)
    ref = Column(String(64), nullable=False)
    created_at = created_column()


class Reward(Base):
    """A good or service in the points catalogue; `street_id` empty means redeemable district-wide."""

    __tablename__ = "rewards"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("points_cost > 0", name="cost_positive"),
    )
    id = Column(String(16), primary_key=True)
    name = Column(String(64), nullable=False)
    kind = Column(String(16), nullable=False)  # goods | service
    points_cost = Column(Integer, nullable=False)
    stock = Column(Integer, nullable=False, default=0)
    street_id = Column(ForeignKey("streets.id"))
    description = Column(Text, nullable=False, default="")
    active = Column(Boolean, nullable=False, default=True)


class Redemption(Base):
    """A reward taken with points: a one-time `code` shown at the counter. `request_key` is unique, so a request
    sent twice (a double tap, a retry) is one redemption."""

    __tablename__ = "redemptions"
    id = Column(Integer, primary_key=True)
    person_id = Column(ForeignKey("people.id"), nullable=False, index=True)
    reward_id = Column(ForeignKey("rewards.id"), nullable=False)
    points = Column(Integer, nullable=False)
    status = Column(String(16), nullable=False, default="issued")  # issued | used
    code = Column(String(16), nullable=False, unique=True)
    request_key = Column(String(64), nullable=False, unique=True)
    used_at = Column(DateTime(timezone=True))
    used_by = Column(String(64))
    created_at = created_column()
