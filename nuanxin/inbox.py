"""Messages received by a front end: recorded before relaying, so duplicates are dropped and nothing is lost."""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nuanxin.models import InboundMessage, utcnow

# A message Rasa could not take is relayed again for this long; after that a late answer would only confuse,
# so it is kept as `expired` for staff to see.
RETRY_WINDOW = timedelta(minutes=30)


def record(
    session: Session, channel: str, update_id: int, chat_id: str, sender_id: str, text: str,
    metadata: dict[str, Any],
) -> InboundMessage | None:
    """Store a new message; None when this update was already recorded (the platform delivered it twice)."""
    message = InboundMessage(channel=channel, update_id=update_id, chat_id=chat_id, sender_id=sender_id, text=text,
                             metadata_json=json.dumps(metadata, ensure_ascii=False), status="received", attempts=0)
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
               InboundMessage.status.in_(("received", "failed")), InboundMessage.created_at < cutoff)
        .values(status="expired")
    )
    return list(session.execute(
        select(InboundMessage)
        .where(InboundMessage.channel == channel, InboundMessage.chat_id == chat_id,
               InboundMessage.status.in_(("received", "failed")))
        .order_by(InboundMessage.id)
    ).scalars())


def chats_with_failures(session: Session, channel: str) -> list[str]:
    return list(session.execute(
        select(InboundMessage.chat_id)
        .where(InboundMessage.channel == channel, InboundMessage.status == "failed")
        .distinct()
    ).scalars())


def mark(session: Session, message_id: int, status: str) -> None:
    message = session.get(InboundMessage, message_id)
    message.status = status
    if status in ("relayed", "failed"):
        message.attempts += 1


def metadata(message: InboundMessage) -> dict[str, Any]:
    return json.loads(message.metadata_json)
