"""Messages received by a front end: recorded before relaying, so duplicates are dropped and nothing is lost.

The functions taking a session compose into larger units of work; the ones without are what a front end calls,
each one unit of work of its own.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nuanxin import db
from nuanxin.masking import mask
from nuanxin.messaging.states import InboundStatus
from nuanxin.models import InboundMessage, utcnow

# A message Rasa could not take is relayed again for this long; after that a late answer would only confuse,
# so it is kept as `expired` for staff to see.
RETRY_WINDOW = timedelta(minutes=30)


@dataclass(frozen=True)
class Waiting:
    """A recorded message that still has to reach Rasa; `attempts` > 0 means its answer comes late."""

    id: int
    sender_id: str
    text: str
    metadata: dict[str, Any]
    attempts: int


def record(
    session: Session, channel: str, update_id: int, chat_id: str, sender_id: str, text: str,
    metadata: dict[str, Any],
) -> InboundMessage | None:
    """Store a new message; None when this update was already recorded (the platform delivered it twice)."""
    message = InboundMessage(channel=channel, update_id=update_id, chat_id=chat_id, sender_id=sender_id, text=text,
                             metadata_json=json.dumps(metadata, ensure_ascii=False),
                             status=InboundStatus.RECEIVED.value, attempts=0)
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:
        return None
    return message


def waiting(session: Session, channel: str, chat_id: str) -> list[InboundMessage]:
    """Messages of this chat that still have to reach Rasa, oldest first; expires the ones too old to answer."""
    cutoff = utcnow() - RETRY_WINDOW
    session.execute(
        update(InboundMessage)
        .where(InboundMessage.channel == channel, InboundMessage.chat_id == chat_id,
               InboundMessage.status.in_(InboundStatus.waiting()), InboundMessage.created_at < cutoff)
        .values(status=InboundStatus.EXPIRED.value)
    )
    return list(session.execute(
        select(InboundMessage)
        .where(InboundMessage.channel == channel, InboundMessage.chat_id == chat_id,
               InboundMessage.status.in_(InboundStatus.waiting()))
        .order_by(InboundMessage.id)
    ).scalars())


def chats_with_failures(session: Session, channel: str) -> list[str]:
    return list(session.execute(
        select(InboundMessage.chat_id)
        .where(InboundMessage.channel == channel, InboundMessage.status == InboundStatus.FAILED.value)
        .distinct()
    ).scalars())


def mark(session: Session, message_id: int, status: InboundStatus) -> None:
    """Record what became of a relay attempt. Once Rasa has a message, only a masked copy is kept (phone numbers
    shared as contacts, for instance)."""
    message = session.get(InboundMessage, message_id)
    message.status = status.value
    if status in (InboundStatus.RELAYED, InboundStatus.FAILED):
        message.attempts += 1
    if status is InboundStatus.RELAYED:
        message.text = mask(message.text)


# --- one unit of work each, for the front ends ------------------------------------------------------------------


def receive(channel: str, update_id: int, chat_id: str, sender_id: str, text: str, metadata: dict[str, Any]) -> bool:
    """Record an incoming message; False when the platform had delivered it before."""
    with db.session_scope() as session:
        return record(session, channel, update_id, chat_id, sender_id, text, metadata) is not None


def to_relay(channel: str, chat_id: str) -> list[Waiting]:
    """What this chat has waiting for Rasa, oldest first."""
    with db.session_scope() as session:
        return [Waiting(m.id, m.sender_id, m.text, json.loads(m.metadata_json), m.attempts)
                for m in waiting(session, channel, chat_id)]


def settle(message_ids: list[int], status: InboundStatus) -> None:
    with db.session_scope() as session:
        for message_id in message_ids:
            mark(session, message_id, status)


def chats_to_retry(channel: str) -> list[str]:
    with db.session_scope() as session:
        return chats_with_failures(session, channel)
