"""The messages every front end sends Rasa for what is not typed text, so the assistant reads a Telegram pin and
a location typed in the terminal chat the same way."""
from __future__ import annotations

import json

from nuanxin import responses

# The commands a person can type in any front end, and the intents they stand for.
COMMANDS = {"start": "/start", "help": "/ask_capabilities", "menu": "/ask_capabilities", "cancel": "/cancel"}
SHARE_PHOTO = "/share_photo"  # a photo without a caption; the stored file's name travels as metadata `photo`
TELEGRAM_SENDER_PREFIX = "tg-"  # Rasa's sender id of a Telegram user is this prefix and the user's id


def telegram_sender(user_id: int) -> str:
    return f"{TELEGRAM_SENDER_PREFIX}{user_id}"


def chat_of(channel: str, sender_id: str) -> str:
    """Where the outbox sends a person's messages: on Telegram the private chat, whose id is the user's id."""
    if channel == "telegram" and sender_id.startswith(TELEGRAM_SENDER_PREFIX):
        return sender_id[len(TELEGRAM_SENDER_PREFIX):]
    return sender_id


def fixed_payload(ticket: str) -> list[dict[str, str]]:
    """The two answers to "修好了吗？" as buttons (titles from the domain's words)."""
    return [{"title": responses.text("utter_button_fixed_yes"),
             "payload": "/answer_fixed" + json.dumps({"ticket": ticket, "fixed": "yes"})},
            {"title": responses.text("utter_button_fixed_no"),
             "payload": "/answer_fixed" + json.dumps({"ticket": ticket, "fixed": "no"})}]


def share_location(latitude: float, longitude: float) -> str:
    return "/share_location" + json.dumps({"latitude": latitude, "longitude": longitude})


def inform_phone(phone: str) -> str:
    """The person's own number, shared as a contact."""
    return "/inform" + json.dumps({"phone": phone})


def command(name: str) -> str:
    """An unknown command shows what the assistant can do rather than confusing Rasa."""
    return COMMANDS.get(name.lower(), COMMANDS["help"])
