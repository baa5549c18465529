"""People who talk to the assistant and their answers to notices."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, UniqueConstraint

from nuanxin.models.base import Base, created_column, utcnow


class Person(Base):
    """Someone who talks to the assistant, identified per channel (a Telegram user, a REST sender...)."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_people_channel_external_id"),)
    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    external_id = Column(String(128), nullable=False)
    display_name = Column(String(64))
    phone = Column(String(32))
    created_at = created_column()
    last_seen_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class Consent(Base):
    """A person's answer to a notice, kept with its purpose and time as evidence of consent (or its withdrawal)."""

    __tablename__ = "consents"
    id = Column(Integer, primary_key=True)
    person_id = Column(ForeignKey("people.id"), nullable=False, index=True)
    purpose = Column(String(32), nullable=False)
    granted = Column(Boolean, nullable=False)
    notice_version = Column(String(16), nullable=False)
    created_at = created_column()
