"""The one Application: handlers per update kind, plus two background loops (failed-message retry, outbox)."""
from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.handlers import Handlers
from bot.outbox_sender import OutboxSender
from bot.rasa_client import RasaClient
from bot.relay import CHANNEL, Relay
from bot.settings import BotSettings
from nuanxin.messaging import contract
from nuanxin.training import enrollment

log = logging.getLogger(__name__)


async def _every(seconds: float, job, name: str) -> None:  # type: ignore[no-untyped-def]
    while True:
        await asyncio.sleep(seconds)
        try:
            await job()
        except Exception:  # a failing round must not stop the loop; the next round tries again
            log.exception("%s failed", name)


def build(settings: BotSettings) -> Application:
    rasa = RasaClient(settings.rasa_url, CHANNEL)
    relay = Relay(rasa)
    handlers = Handlers(relay, settings)
    tasks: list[asyncio.Task] = []

    async def post_init(app: Application) -> None:
        sender = OutboxSender(app.bot, relay)
        tasks.append(asyncio.create_task(
            _every(settings.retry_interval_s, lambda: relay.retry_failed(app.bot), "retry")))
        tasks.append(asyncio.create_task(_every(settings.outbox_interval_s, sender.send_due, "outbox")))
        # The bot is the process that delivers the outbox, so it also runs the training scheduler's job (the same
        # as `python -m nuanxin.training tick` from cron; both are safe to run at once).
        tasks.append(asyncio.create_task(
            _every(settings.training_tick_s, lambda: asyncio.to_thread(enrollment.tick), "training")))

    async def post_shutdown(app: Application) -> None:
        for task in tasks:
            task.cancel()
        await rasa.close()

    app = (
        Application.builder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        .rate_limiter(AIORateLimiter(max_retries=2))
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    new = filters.UpdateType.MESSAGE
    app.add_handler(CommandHandler(list(contract.COMMANDS), handlers.command, filters=new))
    app.add_handler(MessageHandler(new & filters.COMMAND, handlers.command))
    app.add_handler(MessageHandler(new & filters.TEXT & ~filters.COMMAND, handlers.text))
    app.add_handler(MessageHandler(filters.LOCATION, handlers.location))  # edited too: live locations
    app.add_handler(MessageHandler(new & filters.CONTACT, handlers.contact))
    app.add_handler(MessageHandler(new & (filters.PHOTO | filters.Document.IMAGE), handlers.photo))
    app.add_handler(MessageHandler(new & ~filters.StatusUpdate.ALL, handlers.unsupported))
    app.add_handler(CallbackQueryHandler(handlers.button))
    app.add_error_handler(_log_error)
    return app


async def _log_error(update: object, context) -> None:  # type: ignore[no-untyped-def]
    log.error("error while handling an update", exc_info=context.error)


def run(settings: BotSettings) -> None:
    app = build(settings)
    if settings.webhook_url:
        app.run_webhook(listen=settings.webhook_listen, port=settings.webhook_port, url_path="telegram",
                        secret_token=settings.webhook_secret, webhook_url=settings.webhook_url,
                        allowed_updates=Update.ALL_TYPES)
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES, poll_interval=0.0, timeout=10)
