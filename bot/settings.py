"""Bot configuration, from the environment only."""
from __future__ import annotations

import os
from dataclasses import dataclass

from nuanxin.messaging import photos


@dataclass(frozen=True)
class BotSettings:
    token: str
    base_url: str
    base_file_url: str
    rasa_url: str
    webhook_url: str | None
    webhook_secret: str | None
    webhook_listen: str
    webhook_port: int
    photo_dir: str
    max_photo_bytes: int
    retry_interval_s: float  # how often messages Rasa could not take are relayed again
    outbox_interval_s: float  # how often the outbox is checked for messages to send
    training_tick_s: float  # how often unanswered seat offers expire and course reminders are queued

    @classmethod
    def from_env(cls) -> "BotSettings":
        token = os.environ.get("TELEGRAM_TOKEN", "")
        if not token:
            raise SystemExit("TELEGRAM_TOKEN is not set: the bot needs a token from @BotFather (see README).")
        webhook_url = os.environ.get("TELEGRAM_WEBHOOK_URL") or None
        secret = os.environ.get("TELEGRAM_WEBHOOK_SECRET") or None
        if webhook_url and not secret:
            raise SystemExit("TELEGRAM_WEBHOOK_URL needs TELEGRAM_WEBHOOK_SECRET (1-256 characters A-Z a-z 0-9 _ -).")
        return cls(
            token=token,
            base_url=os.environ.get("TELEGRAM_BASE_URL", "https://api.telegram.org/bot"),
            base_file_url=os.environ.get("TELEGRAM_BASE_FILE_URL", "https://api.telegram.org/file/bot"),
            rasa_url=os.environ.get("RASA_URL", "http://127.0.0.1:5005").rstrip("/"),
            webhook_url=webhook_url,
            webhook_secret=secret,
            webhook_listen=os.environ.get("TELEGRAM_WEBHOOK_LISTEN", "127.0.0.1"),
            webhook_port=int(os.environ.get("TELEGRAM_WEBHOOK_PORT", "8443")),
            photo_dir=str(photos.directory()),
            max_photo_bytes=photos.max_bytes(),
            retry_interval_s=float(os.environ.get("NUANXIN_RETRY_INTERVAL_S", "10")),
            outbox_interval_s=float(os.environ.get("NUANXIN_OUTBOX_INTERVAL_S", "1")),
            training_tick_s=float(os.environ.get("NUANXIN_TRAINING_TICK_S", "60")),
        )
