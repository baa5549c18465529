"""`python -m bot` (make telegram): run the Telegram front end."""
from __future__ import annotations

import logging

from bot.app import run
from bot.settings import BotSettings


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the bot token in URLs
    run(BotSettings.from_env())


if __name__ == "__main__":
    main()
