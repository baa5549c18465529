"""Hand-over to hotline staff: the lines people are sent to and the tickets staff pick up."""
from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Text, text

from nuanxin.models.base import Base, created_column, updated_column


class ServiceContact(Base):
    """A phone line people can be sent to (the district's service hotline, the citywide 12345...)."""

    __tablename__ = "service_contacts"
    id = Column(String(32), primary_key=True)
    name = Column(String(64), nullable=False)
    phone = Column(String(32), nullable=False)
    hours = Column(String(64), nullable=False)
    note = Column(Text)
    active = Column(Boolean, nullable=False, default=True)


OPEN_CONDITION = "status IN ('open', 'assigned')"  # nuanxin.handoff.tickets.TicketStatus.open_values()


class HandoffTicket(Base):
    """A request for a human, with a masked excerpt of the conversation so staff can pick it up without asking again."""

    __tablename__ = "handoff_tickets"
    # One open ticket per person and channel, kept by the database itself: two requests at the same moment (a
    # hand-over next to an emergency's) cannot open two.
    __table_args__ = (
        Index("uq_handoff_tickets_open_per_sender", "channel", "sender_id", unique=True,
              sqlite_where=text(OPEN_CONDITION), postgresql_where=text(OPEN_CONDITION)),
    )
    id = Column(Integer, primary_key=True)
    person_id = Column(ForeignKey("people.id"), nullable=False, index=True)
    sender_id = Column(String(128), nullable=False)
    channel = Column(String(32), nullable=False)
    reason = Column(String(32), nullable=False)
    excerpt = Column(Text, nullable=False)
    status = Column(String(16), nullable=False, default="open")
    assigned_to = Column(String(64))
    taken_at = Column(DateTime(timezone=True))  # when a member of staff took the conversation (Rasa paused)
    closed_at = Column(DateTime(timezone=True))
    outcome = Column(String(16))  # returned (to the assistant) | closed
    created_at = created_column()
    updated_at = updated_column()


class HandoffMessage(Base):
    """What a member of staff wrote to the rider in a taken conversation. `nonce` comes from the reply form, so
    a form sent twice (a double click, a reload) is one message, and one outbox row."""

    __tablename__ = "handoff_messages"
    id = Column(Integer, primary_key=True)
    ticket_id = Column(ForeignKey("handoff_tickets.id"), nullable=False, index=True)
    author = Column(String(64), nullable=False)
    text = Column(Text, nullable=False)
    nonce = Column(String(64), nullable=False, unique=True)
    created_at = created_column()
