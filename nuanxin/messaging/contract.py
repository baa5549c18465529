"""The messages every front end sends Rasa for what is not typed text, so the assistant reads a Telegram pin and
a location typed in the terminal chat the same way."""
from __future__ import annotations

import json

# The commands a person can type in any front end, and the intents they stand for.
COMMANDS = {"start": "/start", "help": "/ask_capabilities", "menu": "/ask_capabilities", "cancel": "/cancel"}
SHARE_PHOTO = "/share_photo"  # a photo without a caption; the stored file's name travels as metadata `photo`


def share_location(latitude: float, longitude: float) -> str:
    return "/share_location" + json.dumps({"latitude": latitude, "longitude": longitude})


def inform_phone(phone: str) -> str:
    """The person's own number, shared as a contact."""
    return "/inform" + json.dumps({"phone": phone})


def command(name: str) -> str:
    """An unknown command shows what the assistant can do rather than confusing Rasa."""
    return COMMANDS.get(name.lower(), COMMANDS["help"])
