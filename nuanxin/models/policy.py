"""Reviewed policy knowledge and the questions it could not answer."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Float, ForeignKey, Integer, String, Text

from nuanxin.models.base import Base, created_column


class PolicyUnit(Base):
    """One reviewed question–answer unit, always with its source so staff can trust and check it."""

    __tablename__ = "policy_units"
    id = Column(String(32), primary_key=True)
    title = Column(String(128), nullable=False)
    answer = Column(Text, nullable=False)
    source = Column(String(256), nullable=False)
    effective_date = Column(Date)
    scope = Column(String(16), nullable=False)  # district | national
    tags = Column(String(256), nullable=False, default="")
    questions = Column(Text, nullable=False, default="", server_default="")  # other ways people ask it, one per line
    active = Column(Boolean, nullable=False, default=True)


class UnansweredQuestion(Base):
    """A policy question the knowledge could not answer, or answered only with its closest match (best_confidence
    below policy_search.SURE_CONFIDENCE): work for the staff who review knowledge/."""

    __tablename__ = "unanswered_questions"
    id = Column(Integer, primary_key=True)
    sender_id = Column(String(128), nullable=False)
    channel = Column(String(32), nullable=False)
    question = Column(Text, nullable=False)  # masked
    best_unit_id = Column(String(32))
    best_confidence = Column(Float)
    status = Column(String(16), nullable=False, default="open")  # open | resolved
    created_at = created_column()
    # A reviewer's verdict in the console: this unit answers it (the question becomes one of its ways of asking
    # at the next review of knowledge/policies/).
    resolved_unit_id = Column(String(32))
    resolved_by = Column(String(64))
    resolved_at = Column(DateTime(timezone=True))
    draft_id = Column(ForeignKey("policy_drafts.id"))  # or: a new unit drafted for it (status drafted)


class PolicyDraft(Base):
    """A new unit a reviewer drafted in the console for questions nothing answers: exported as YAML for the review
    of knowledge/policies/, where it becomes a unit (with its source) or is dropped."""

    __tablename__ = "policy_drafts"
    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)
    answer = Column(Text, nullable=False)
    drafted_by = Column(String(64), nullable=False)
    created_at = created_column()
