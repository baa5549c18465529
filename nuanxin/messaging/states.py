"""The states a message goes through, in one place for the inbox, the outbox and whoever reports on them.

Stored as their string values (the columns are plain strings), so the values never change once rows exist.
"""
from __future__ import annotations

from enum import Enum


class InboundStatus(str, Enum):
    RECEIVED = "received"  # recorded, not yet given to Rasa
    RELAYED = "relayed"  # Rasa answered; the stored text is masked from now on
    FAILED = "failed"  # Rasa did not answer; relayed again later
    EXPIRED = "expired"  # failed for longer than the retry window; kept for staff, never answered late

    @classmethod
    def waiting(cls) -> tuple[str, ...]:
        """States of a message that still has to reach Rasa."""
        return cls.RECEIVED.value, cls.FAILED.value


class OutboxStatus(str, Enum):
    PENDING = "pending"  # queued, due at not_before
    SENDING = "sending"  # claimed by one sender
    SENT = "sent"
    FAILED = "failed"  # refused for good, or out of attempts
    UNCERTAIN = "uncertain"  # the platform timed out: may have been delivered, so never retried
