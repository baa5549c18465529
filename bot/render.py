"""Turning Rasa's replies into Telegram messages.

Rasa replies are dicts with `text`, `buttons`, `image` and `custom`; our domain uses these `custom` keys:
`{"request_location": true}` (show a keyboard button that shares the rider's location), `{"venue": {latitude,
longitude, title, address}}`, `{"location": {latitude, longitude}}` and `{"document": {filename, caption,
content}}` (a rider's copy of their own data, sent as a file). Texts are sent without a parse mode, so
nothing in them is ever interpreted as markup.
"""
from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

TEXT_LIMIT = 4096  # Telegram counts UTF-16 code units
CALLBACK_LIMIT = 64  # bytes of callback_data


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Chunks within Telegram's limit, cut at line ends where possible so sentences stay whole."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while utf16_len(line) > limit:  # a single line longer than a message: cut it by characters
            head = ""
            for char in line:
                if utf16_len(head + char) > limit:
                    break
                head += char
            if current:
                chunks.append(current)
                current = ""
            chunks.append(head)
            line = line[len(head):]
        if utf16_len(current + line) > limit:
            chunks.append(current)
            current = ""
        current += line
    if current or not chunks:
        chunks.append(current)
    return [c.rstrip("\n") or c for c in chunks]


class ButtonPayloads:
    """Maps long button payloads to short callback data (Telegram allows 64 bytes)."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._long: OrderedDict[str, str] = OrderedDict()
        self._capacity = capacity

    def encode(self, payload: str) -> str:
        if len(payload.encode()) <= CALLBACK_LIMIT and not payload.startswith("#"):
            return payload
        key = "#" + hashlib.sha256(payload.encode()).hexdigest()[:20]
        self._long[key] = payload
        self._long.move_to_end(key)
        while len(self._long) > self._capacity:
            self._long.popitem(last=False)
        return key

    def decode(self, data: str) -> str | None:
        return self._long.get(data) if data.startswith("#") else data


@dataclass
class Outgoing:
    """One Telegram send call."""

    kind: str  # text | photo | venue | location | document
    text: str = ""
    markup: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


def _rejoin_paragraphs(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rasa's REST channel cuts a text without buttons at every blank line; a station list would arrive as four
    messages. A plain text is joined again to the text that follows it (Telegram's length limit is kept later)."""
    joined: list[dict[str, Any]] = []
    for reply in replies:
        previous = joined[-1] if joined else None
        if previous is not None and reply.get("text") and set(previous) <= {"recipient_id", "text"}:
            joined[-1] = {**reply, "text": f"{previous['text']}\n\n{reply['text']}"}
        else:
            joined.append(reply)
    return joined


def render(replies: list[dict[str, Any]], payloads: ButtonPayloads, request_location_label: str) -> list[Outgoing]:
    """Rasa's REST channel sends a response's `custom` part as a message of its own, right after its text, so a
    location request is attached to the text before it."""
    out: list[Outgoing] = []
    for reply in _rejoin_paragraphs(replies):
        custom = reply.get("custom") or {}
        if reply.get("text"):
            chunks = split_text(reply["text"])
            out += [Outgoing("text", chunk) for chunk in chunks]
            if reply.get("buttons"):
                rows = [[InlineKeyboardButton(b["title"], callback_data=payloads.encode(b["payload"]))]
                        for b in reply["buttons"]]
                out[-1].markup = InlineKeyboardMarkup(rows)
        if custom.get("request_location"):
            keyboard = ReplyKeyboardMarkup([[KeyboardButton(request_location_label, request_location=True)]],
                                           resize_keyboard=True, one_time_keyboard=True)
            last_text = next((o for o in reversed(out) if o.kind == "text"), None)
            if last_text is not None and last_text.markup is None:
                last_text.markup = keyboard
            else:
                out.append(Outgoing("text", request_location_label, keyboard))
        if reply.get("image"):
            out.append(Outgoing("photo", extra={"photo": reply["image"]}))
        if venue := custom.get("venue"):
            out.append(Outgoing("venue", extra={k: venue[k] for k in ("latitude", "longitude", "title", "address")}))
        if location := custom.get("location"):
            out.append(Outgoing("location", extra={k: location[k] for k in ("latitude", "longitude")}))
        if document := custom.get("document"):
            out.append(Outgoing("document", document.get("caption", ""),
                                extra={"filename": document["filename"], "content": document["content"]}))
    return out
