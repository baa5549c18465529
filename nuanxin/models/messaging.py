"""Messages in and out of the front ends: the inbox (before Rasa) and the outbox (sent on the system's own)."""
from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Float, Integer, String, Text, UniqueConstraint

from nuanxin.models.base import Base, created_column, updated_column, utcnow


class OutboxMessage(Base):
    """A message the system sends on its own; `dedupe_key` is unique so a message is queued at most once."""

    __tablename__ = "outbox"
    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    recipient = Column(String(128), nullable=False)
    payload = Column(Text, nullable=False)  # JSON
    dedupe_key = Column(String(128), nullable=False, unique=True)
    status = Column(String(16), nullable=False, default="pending")  # pending | sent | failed
    attempts = Column(Integer, nullable=False, default=0)
    not_before = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    sent_at = Column(DateTime(timezone=True))
    created_at = created_column()


class InboundMessage(Base):
    """Every message a front end received, before it reaches Rasa.

    (channel, update_id) is unique, so an update the messaging platform delivers twice is handled once; a message
    Rasa could not take stays here as `failed` and is relayed again when Rasa is back, so nothing is lost.
    """

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("channel", "update_id", name="uq_inbound_messages_channel_update_id"),)
    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    update_id = Column(BigInteger, nullable=False)
    chat_id = Column(String(64), nullable=False, index=True)
    sender_id = Column(String(128), nullable=False)
    text = Column(Text, nullable=False)
    metadata_json = Column(Text, nullable=False, default="{}")
    status = Column(String(16), nullable=False, default="received")  # received | relayed | failed | expired
    attempts = Column(Integer, nullable=False, default=0)
    created_at = created_column()
    updated_at = updated_column()


class ConversationEvent(Base):
    """Rasa's conversation memory (its SQLTrackerStore's `events` table, the same columns), kept in the project's
    database so that a restart of Rasa or of the action server resumes every conversation where it was, and so
    that only our migrations create tables (Rasa finds the table and leaves it alone)."""

    __tablename__ = "events"
    id = Column(Integer, primary_key=True)
    sender_id = Column(String(255), nullable=False, index=True)
    type_name = Column(String(255), nullable=False)
    timestamp = Column(Float)
    intent_name = Column(String(255))
    action_name = Column(String(255))
    data = Column(Text)
