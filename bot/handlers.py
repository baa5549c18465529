"""One handler per kind of update; each turns its update into the message form Rasa understands.

Locations, contacts and photos become the messages of `nuanxin.messaging.contract`, as in every front end.
"""
from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.relay import Relay
from bot.render import Outgoing
from bot.settings import BotSettings
from nuanxin import responses
from nuanxin.messaging import contract, photos

log = logging.getLogger(__name__)
Prepared = tuple[str, dict[str, Any]] | None

# Live locations are re-sent every few seconds while they are shared; one answer a minute is plenty.
LIVE_LOCATION_INTERVAL_S = 60.0


class Handlers:
    def __init__(self, relay: Relay, settings: BotSettings) -> None:
        self.relay = relay
        self.settings = settings
        self._last_live: dict[int, float] = {}

    async def _handle(self, update: Update, context: ContextTypes.DEFAULT_TYPE, prepare) -> None:  # type: ignore[no-untyped-def]
        await self.relay.handle(context.bot, update.update_id, update.effective_chat.id,
                                update.effective_user.id, prepare)

    async def _say(self, context: ContextTypes.DEFAULT_TYPE, chat_id: int, response: str, **values: Any) -> None:
        await self.relay.deliver(context.bot, str(chat_id), [Outgoing("text", responses.text(response, **values))])

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        name = update.effective_message.text.split()[0].lstrip("/").split("@")[0].lower()

        async def prepare() -> Prepared:
            return contract.command(name), {}

        await self._handle(update, context, prepare)

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message_text = update.effective_message.text

        async def prepare() -> Prepared:
            return message_text, {}

        await self._handle(update, context, prepare)

    async def location(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        live = update.edited_message is not None
        if live:
            now = time.monotonic()
            if now - self._last_live.get(message.chat_id, 0.0) < LIVE_LOCATION_INTERVAL_S:
                return
            self._last_live[message.chat_id] = now
        point = message.location

        async def prepare() -> Prepared:
            return contract.share_location(point.latitude, point.longitude), {"live_location": live}

        await self._handle(update, context, prepare)

    async def contact(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        shared = message.contact

        async def prepare() -> Prepared:
            if shared.user_id != update.effective_user.id:
                await self._say(context, message.chat_id, "utter_contact_not_own")
                return None
            return contract.inform_phone(shared.phone_number), {"contact_shared": True}

        await self._handle(update, context, prepare)

    async def photo(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message.photo:
            file_id, size = message.photo[-1].file_id, message.photo[-1].file_size
        else:  # an image sent as a file
            file_id, size = message.document.file_id, message.document.file_size
        caption = (message.caption or "").strip()

        async def prepare() -> Prepared:
            limit = self.settings.max_photo_bytes
            if size and size > limit:
                await self._say(context, message.chat_id, "utter_photo_too_large", limit_mb=limit // 2**20)
                return None
            try:
                file = await context.bot.get_file(file_id)
                data = bytes(await file.download_as_bytearray())
                stored = await asyncio.to_thread(photos.store, data, Path(self.settings.photo_dir), limit)
            except photos.PhotoRejected as rejected:
                response = "utter_photo_too_large" if rejected.reason == "too_large" else "utter_photo_invalid"
                await self._say(context, message.chat_id, response, limit_mb=limit // 2**20)
                return None
            except TelegramError:
                log.exception("photo download failed")
                await self._say(context, message.chat_id, "utter_photo_invalid")
                return None
            return caption or contract.SHARE_PHOTO, stored.metadata()

        await self._handle(update, context, prepare)

    async def unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._say(context, update.effective_chat.id, "utter_media_unsupported")

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer()
        payload = self.relay.payloads.decode(query.data or "")

        async def prepare() -> Prepared:
            if payload is None:  # a button from before a restart whose long payload is forgotten
                return "/ask_capabilities", {}
            return payload, {"button": True}

        await self._handle(update, context, prepare)
