"""The chat loop: read a line, turn it into what Rasa understands, print the answer.

A typed number taps the matching button of the last answer; anything else is a message, so a question typed
after an answer with buttons is answered as a question. `/位置` and `/照片` stand in for a phone's location pin
and camera; `/stop`, Ctrl-D and Ctrl-C leave.
"""
from __future__ import annotations

import re
import sys
import time
import unicodedata
import uuid
from pathlib import Path
from typing import Any, Callable

import httpx

from nuanxin import responses
from nuanxin.handoff import hotline
from nuanxin.messaging import contract, photos
from nuanxin.station import gazetteer
from terminal.render import Screen, render

STOP = {"/stop", "/quit", "/exit", "/退出"}
LOCATION, PHOTO = "/位置", "/照片"
COORDINATES = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,，\s]\s*(-?\d+(?:\.\d+)?)\s*$")
ASSISTANT = "暖新助手："
PROMPT = "\n您："


class Unavailable(Exception):
    """Rasa did not answer."""


class Chat:
    def __init__(self, rasa_url: str, out: Callable[[str], None] = print, timeout: float = 30.0) -> None:
        self.client = httpx.Client(base_url=rasa_url.rstrip("/"), timeout=timeout)
        self.sender = f"terminal-{uuid.uuid4().hex[:12]}"
        self.out = out
        self.buttons: list[tuple[str, str]] = []

    def wait_until_ready(self, seconds: float) -> bool:
        """Rasa answers its root URL only once the model is loaded."""
        deadline = time.monotonic() + seconds
        told = False
        while time.monotonic() < deadline:
            try:
                if self.client.get("/").status_code == 200:
                    return True
            except httpx.HTTPError:
                pass
            if not told:
                self.out(responses.text("utter_terminal_starting"))
                told = True
            time.sleep(0.5)
        return False

    def send(self, text: str, metadata: dict[str, Any] | None = None) -> None:
        body = {"sender": self.sender, "message": text, **({"metadata": metadata} if metadata else {})}
        try:
            response = self.client.post("/webhooks/rest/webhook", json=body)
            response.raise_for_status()
            replies = response.json()
        except (httpx.HTTPError, ValueError):
            replies = None
        if not replies or not isinstance(replies, list):  # Rasa or an action failed: never silence
            self.out(ASSISTANT + responses.text("utter_terminal_unavailable", **hotline.current()))
            return
        self.show(render(replies))

    def show(self, screen: Screen) -> None:
        self.buttons = screen.buttons
        if screen.lines:
            self.out(ASSISTANT + "\n".join(screen.lines))

    def handle(self, line: str) -> bool:
        """One typed line; False when the person wants to leave."""
        text = line.strip()
        if text.lower() in STOP:
            return False
        choice = _number(text)
        if choice is not None and 1 <= choice <= len(self.buttons):
            title, payload = self.buttons[choice - 1]
            self.out(responses.text("utter_terminal_button_chosen", title=title))
            self.send(payload)
        elif text.startswith(LOCATION):
            self._location(text[len(LOCATION):].strip())
        elif text.startswith(PHOTO):
            self._photo(text[len(PHOTO):].strip())
        elif text.startswith("/") and text[1:].lower() in contract.COMMANDS:  # /menu, /help, /cancel as on Telegram
            self.send(contract.command(text[1:]))
        else:
            self.send(line)
        return True

    def _location(self, where: str) -> None:
        match = COORDINATES.match(where)
        if match:
            latitude, longitude = float(match.group(1)), float(match.group(2))
            place = f"{latitude}, {longitude}"
        else:
            found = gazetteer.shared().resolve(where) if where else None
            if found is None:
                self.out(responses.text("utter_terminal_place_unknown", place=where))
                return
            latitude, longitude, place = found.lat, found.lon, found.name
        self.out(responses.text("utter_terminal_location_sent", place=place))
        self.send(contract.share_location(latitude, longitude))

    def _photo(self, argument: str) -> None:
        path_text, _, caption = argument.partition(" ")
        path = Path(path_text).expanduser()
        if not path_text or not path.is_file():
            self.out(responses.text("utter_terminal_photo_missing", path=path_text))
            return
        limit = photos.max_bytes()
        try:
            stored = photos.store(path.read_bytes(), photos.directory(), limit)
        except photos.PhotoRejected as rejected:
            response = "utter_photo_too_large" if rejected.reason == "too_large" else "utter_photo_invalid"
            self.out(responses.text(response, limit_mb=limit // 2**20))
            return
        self.send(caption.strip() or contract.SHARE_PHOTO, stored.metadata())


def _number(text: str) -> int | None:
    """1, １ or 1. as a button number; 第一个 and phone numbers are messages."""
    digits = unicodedata.normalize("NFKC", text).rstrip(".、")
    return int(digits) if digits.isdigit() and len(digits) <= 2 else None


def run(rasa_url: str, wait_s: float) -> int:
    chat = Chat(rasa_url)
    if not chat.wait_until_ready(wait_s):
        chat.out(responses.text("utter_terminal_unavailable", **hotline.current()))
        return 1
    chat.out(responses.text("utter_terminal_help"))
    chat.send("/start")
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:
        pass
    while True:
        try:
            line = input(PROMPT)
        except (EOFError, KeyboardInterrupt):
            break
        if not chat.handle(line):
            break
    chat.out("\n" + responses.text("utter_terminal_goodbye"))
    sys.stdout.flush()
    return 0
