"""Messages the system sends on its own (report status changes, waitlist promotions, staff replies).

Producers enqueue rows; a front end's sender claims them one by one. A row is claimed with a conditional UPDATE
before it is sent, so two senders never send the same row, and a row whose delivery is uncertain is never
retried: a message is sent at most once.
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
from nuanxin.messaging.states import OutboxStatus
from nuanxin.models import OutboxMessage, utcnow

MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Claimed:
    """A row this sender owns now: deliver it, then `finish` it."""

    id: int
    recipient: str
    payload: dict[str, Any]


def enqueue(session: Session, channel: str, recipient: str, payload: dict[str, Any], dedupe_key: str) -> bool:
    """Queue a message; False when the same dedupe_key was queued before (it will not be sent again)."""
    try:
        with session.begin_nested():
            session.add(OutboxMessage(channel=channel, recipient=recipient, dedupe_key=dedupe_key,
                                      payload=json.dumps(payload, ensure_ascii=False),
                                      status=OutboxStatus.PENDING.value, attempts=0, not_before=utcnow()))
    except IntegrityError:
        return False
    return True


def claim_due(session: Session, channel: str, limit: int) -> list[OutboxMessage]:
    """Claim up to `limit` due rows, oldest first. Only rows this call moved to `sending` are returned."""
    candidates = session.execute(
        select(OutboxMessage.id)
        .where(OutboxMessage.channel == channel, OutboxMessage.status == OutboxStatus.PENDING.value,
               OutboxMessage.not_before <= utcnow())
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).scalars().all()
    claimed = []
    for message_id in candidates:
        result = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING.value)
            .values(status=OutboxStatus.SENDING.value, attempts=OutboxMessage.attempts + 1)
        )
        if result.rowcount == 1:
            claimed.append(session.get(OutboxMessage, message_id))
    return claimed


def mark_sent(session: Session, message_id: int) -> None:
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                    .values(status=OutboxStatus.SENT.value, sent_at=utcnow()))


def retry_later(session: Session, message_id: int, delay: timedelta) -> None:
    """The platform refused before delivering (rate limit, connection error): try again after `delay`."""
    message = session.get(OutboxMessage, message_id)
    message.status = (OutboxStatus.PENDING if message.attempts < MAX_ATTEMPTS else OutboxStatus.FAILED).value
    message.not_before = utcnow() + delay


def mark_failed(session: Session, message_id: int, status: OutboxStatus = OutboxStatus.FAILED) -> None:
    """`failed`: refused for good (blocked bot, bad chat). `uncertain`: may have been delivered; not retried."""
    session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(status=status.value))


# --- one unit of work each, for the front ends' senders -----------------------------------------------------------


def claim(channel: str, limit: int) -> list[Claimed]:
    with db.session_scope() as session:
        return [Claimed(m.id, m.recipient, json.loads(m.payload)) for m in claim_due(session, channel, limit)]


def finish(message_id: int, outcome: OutboxStatus, retry_after: timedelta | None = None) -> None:
    """What became of a claimed row: SENT, PENDING again after `retry_after`, FAILED or UNCERTAIN."""
    with db.session_scope() as session:
        if outcome is OutboxStatus.SENT:
            mark_sent(session, message_id)
        elif outcome is OutboxStatus.PENDING:
            retry_later(session, message_id, retry_after or timedelta())
        else:
            mark_failed(session, message_id, outcome)
