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

from bot.relay import CHANNEL, Relay, send
from bot.render import render
from nuanxin import responses
from nuanxin.messaging import outbox
from nuanxin.messaging.states import OutboxStatus

log = logging.getLogger(__name__)
BATCH = 30
PER_CHAT_INTERVAL_S = 1.0


class OutboxSender:
    def __init__(self, bot: Bot, relay: Relay) -> None:
        self.bot = bot
        self.relay = relay
        self._last_sent: dict[str, float] = {}

    async def send_due(self) -> None:
        for claimed in await asyncio.to_thread(outbox.claim, CHANNEL, BATCH):
            chat_id = claimed.recipient
            wait = self._last_sent.get(chat_id, 0.0) + PER_CHAT_INTERVAL_S - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            outcome, delay = OutboxStatus.SENT, None
            try:
                for item in render([claimed.payload], self.relay.payloads, responses.text("utter_location_button")):
                    await send(self.bot, chat_id, item)
            except RetryAfter as exc:
                retry_after = exc.retry_after
                outcome = OutboxStatus.PENDING
                delay = retry_after if isinstance(retry_after, timedelta) else timedelta(seconds=float(retry_after))
            except TimedOut:
                outcome = OutboxStatus.UNCERTAIN
            except (BadRequest, Forbidden):
                outcome = OutboxStatus.FAILED
            except NetworkError:
                outcome, delay = OutboxStatus.PENDING, timedelta(seconds=5)
            except TelegramError:
                outcome = OutboxStatus.FAILED
            self._last_sent[chat_id] = time.monotonic()
            if outcome is not OutboxStatus.SENT:
                log.warning("outbox message %s: %s", claimed.id, outcome.value)
            await asyncio.to_thread(outbox.finish, claimed.id, outcome, delay)
