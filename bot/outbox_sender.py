"""Sends the shared outbox's Telegram rows within Telegram's limits.

AIORateLimiter keeps all calls under ~30 messages/s; this adds at most one message per second per chat, and maps
Telegram's answers onto the outbox's states: RetryAfter and connection errors are retried later, a timed-out
call (which may have been delivered) is never retried, refusals are final.
"""
from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot import texts
from bot.relay import CHANNEL, Relay, send
from bot.render import render
from nuanxin import db, outbox

log = logging.getLogger(__name__)
BATCH = 30
PER_CHAT_INTERVAL_S = 1.0


def _claim() -> list[tuple[int, str, dict]]:
    with db.session_scope() as session:
        return [(m.id, m.recipient, outbox.payload(m)) for m in outbox.claim_due(session, CHANNEL, BATCH)]


def _finish(message_id: int, outcome: str, delay_s: float = 0.0) -> None:
    with db.session_scope() as session:
        if outcome == "sent":
            outbox.mark_sent(session, message_id)
        elif outcome == "retry":
            outbox.retry_later(session, message_id, timedelta(seconds=delay_s))
        else:
            outbox.mark_failed(session, message_id, outcome)


class OutboxSender:
    def __init__(self, bot: Bot, relay: Relay) -> None:
        self.bot = bot
        self.relay = relay
        self._last_sent: dict[str, float] = {}

    async def send_due(self) -> None:
        for message_id, chat_id, payload in await asyncio.to_thread(_claim):
            wait = self._last_sent.get(chat_id, 0.0) + PER_CHAT_INTERVAL_S - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            outcome, delay = "sent", 0.0
            try:
                for item in render([payload], self.relay.payloads, texts.text("utter_location_button")):
                    await send(self.bot, chat_id, item)
            except RetryAfter as exc:
                retry_after = exc.retry_after
                outcome = "retry"
                delay = retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
            except TimedOut:
                outcome = "uncertain"
            except (BadRequest, Forbidden):
                outcome = "failed"
            except NetworkError:
                outcome, delay = "retry", 5.0
            except TelegramError:
                outcome = "failed"
            self._last_sent[chat_id] = time.monotonic()
            if outcome != "sent":
                log.warning("outbox message %s: %s", message_id, outcome)
            await asyncio.to_thread(_finish, message_id, outcome, delay)
