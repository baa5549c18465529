"""Messages the system sends on its own (report status changes, waitlist promotions, staff replies).

Producers enqueue rows; a front end's sender claims them one by one. A row is claimed with a conditional UPDATE
before it is sent, so two senders never send the same row, and a row whose delivery is uncertain is never
retried: a message is sent at most once.
"""
from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nuanxin.models import OutboxMessage, utcnow

MAX_ATTEMPTS = 5


def enqueue(session: Session, channel: str, recipient: str, payload: dict[str, Any], dedupe_key: str) -> bool:
    """Queue a message; False when the same dedupe_key was queued before (it will not be sent again)."""
    try:
        with session.begin_nested():
            session.add(OutboxMessage(channel=channel, recipient=recipient, dedupe_key=dedupe_key,
                                      payload=json.dumps(payload, ensure_ascii=False), status="pending",
                                      attempts=0, not_before=utcnow()))
    except IntegrityError:
        return False
    return True


def claim_due(session: Session, channel: str, limit: int) -> list[OutboxMessage]:
    """Claim up to `limit` due rows, oldest first. Only rows this call moved to `sending` are returned."""
    candidates = session.execute(
        select(OutboxMessage.id)
        .where(OutboxMessage.channel == channel, OutboxMessage.status == "pending",
               OutboxMessage.not_before <= utcnow())
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).scalars().all()
    claimed = []
    for message_id in candidates:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == "pending")
            .values(status="sending", attempts=OutboxMessage.attempts + 1)
        )
        if result.rowcount == 1:
            claimed.append(session.get(OutboxMessage, message_id))
    return claimed


def mark_sent(session: Session, message_id: int) -> None:
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                    .values(status="sent", sent_at=utcnow()))


def retry_later(session: Session, message_id: int, delay: timedelta) -> None:
    """The platform refused before delivering (rate limit, connection error): try again after `delay`."""
    message = session.get(OutboxMessage, message_id)
    message.status = "pending" if message.attempts < MAX_ATTEMPTS else "failed"
    message.not_before = utcnow() + delay


def mark_failed(session: Session, message_id: int, status: str = "failed") -> None:
    """`failed`: refused for good (blocked bot, bad chat). `uncertain`: may have been delivered; not retried."""
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(status=status))


def payload(message: OutboxMessage) -> dict[str, Any]:
    return json.loads(message.payload)
