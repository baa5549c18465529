"""From a Telegram update to Rasa and back, in order, once, and without losing anything.

Every message is first recorded in the shared database (`nuanxin.messaging.inbox`): an update delivered twice
is dropped there. Messages of one chat are relayed one at a time under that chat's lock, oldest first, so a chat's
messages reach Rasa in order even though updates of different chats are handled concurrently. When Rasa does
not answer, the rider is told (with the hotline) and the message stays `failed`; a background loop relays it
again when Rasa is back and the late reply says which message it answers.
"""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import Any, Awaitable, Callable

from telegram import Bot, InputFile
from telegram.error import TelegramError

from bot.rasa_client import RasaClient, RasaUnavailable
from bot.render import ButtonPayloads, Outgoing, render
from nuanxin import responses
from nuanxin.handoff import hotline
from nuanxin.masking import mask
from nuanxin.messaging import contract, inbox
from nuanxin.messaging.states import InboundStatus

log = logging.getLogger(__name__)
CHANNEL = "telegram"


def sender_id(user_id: int) -> str:
    """Stable Rasa sender for a Telegram user, the same in every chat and after restarts."""
    return contract.telegram_sender(user_id)


class Relay:
    def __init__(self, rasa: RasaClient) -> None:
        self.rasa = rasa
        self.payloads = ButtonPayloads()
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def handle(self, bot: Bot, update_id: int, chat_id: int, user_id: int,
                     prepare: Callable[[], Awaitable[tuple[str, dict[str, Any]] | None]]) -> None:
        """Prepare the message (text and metadata; None when the handler answered by itself), record it, then
        relay everything this chat has waiting.

        The chat's lock is the first thing awaited, and asyncio locks are fair, so a chat's updates are prepared
        and relayed in the order Telegram delivered them, photo downloads included.
        """
        chat = str(chat_id)
        async with self._locks[chat]:
            prepared = await prepare()
            if prepared is None:
                return
            text, extra = prepared
            metadata = {"chat_id": chat, **extra}
            if not await asyncio.to_thread(inbox.receive, CHANNEL, update_id, chat, sender_id(user_id), text, metadata):
                log.info("update %s was already handled; dropped", update_id)
                return
            await self._flush(bot, chat, tell_if_busy=True)

    async def retry_failed(self, bot: Bot) -> None:
        """Relay messages that failed earlier; called periodically."""
        for chat in await asyncio.to_thread(inbox.chats_to_retry, CHANNEL):
            async with self._locks[chat]:
                await self._flush(bot, chat, tell_if_busy=False)

    async def _flush(self, bot: Bot, chat: str, tell_if_busy: bool) -> None:
        waiting = await asyncio.to_thread(inbox.to_relay, CHANNEL, chat)
        for index, message in enumerate(waiting):
            try:
                replies = await self.rasa.send(message.sender_id, message.text, message.metadata)
            except RasaUnavailable as exc:
                log.warning("Rasa unavailable for chat %s: %s", chat, exc)
                await asyncio.to_thread(inbox.settle, [m.id for m in waiting[index:]], InboundStatus.FAILED)
                if tell_if_busy:
                    await self.deliver(bot, chat, [Outgoing("text", responses.text(
                        "utter_service_busy", **await asyncio.to_thread(hotline.current)))])
                return
            await asyncio.to_thread(inbox.settle, [message.id], InboundStatus.RELAYED)
            outgoing = render(replies, self.payloads, responses.text("utter_location_button"))
            if message.attempts > 0:
                outgoing.insert(0, Outgoing("text", responses.text("utter_late_reply", text=mask(message.text)[:30])))
            await self.deliver(bot, chat, outgoing)

    async def deliver(self, bot: Bot, chat_id: str, outgoing: list[Outgoing]) -> None:
        for item in outgoing:
            try:
                await send(bot, chat_id, item)
            except TelegramError:
                log.exception("could not deliver a reply to chat %s", chat_id)


async def send(bot: Bot, chat_id: str, item: Outgoing) -> None:
    """One Telegram call per Outgoing; texts go without parse mode, so they are never read as markup."""
    if item.kind == "text":
        await bot.send_message(chat_id, item.text, reply_markup=item.markup)
    elif item.kind == "photo":
        await bot.send_photo(chat_id, item.extra["photo"])
    elif item.kind == "venue":
        await bot.send_venue(chat_id, **item.extra)
    elif item.kind == "location":
        await bot.send_location(chat_id, **item.extra)
    elif item.kind == "document":
        await bot.send_document(chat_id, InputFile(item.extra["content"].encode("utf-8"),
                                                   filename=item.extra["filename"]), caption=item.text or None)
