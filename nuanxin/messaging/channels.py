"""The doors into Rasa, named in credentials.yml: what arrives is checked before Rasa sees it, and every request
gets an answer in Chinese within DEADLINE_SECONDS, whatever happens behind.

- `rest` (POST /webhooks/rest/webhook): the public door (terminal chat, tests, any web client). Its
  conversations are filed under the channel "rest", whatever the body claims.
- `frontend` (POST /webhooks/frontend/webhook): our own front ends (the Telegram bot). They prove themselves with
  the shared secret (`Authorization: Bearer …`, settings.shared_secret("frontend")), and only they may name the
  channel a person is on ("telegram"), which decides whose profile, reports and points a message touches.

Before Rasa: a body that is not a sender and a text is refused with 400; the text loses lone surrogates, control
and zero-width characters; a text longer than fallback.MAX_CHARS is answered at once, before any tokenising; a
rider sending more than THROTTLE_COUNT messages in THROTTLE_SECONDS is asked to slow down. Behind: when Rasa
fails (its lock store down, say) the rider gets an apology with the hotline from knowledge/ (not the database,
which may be what failed); when it is slow, the same after DEADLINE_SECONDS while the message goes on being handled
under its conversation lock.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import re
import time
import unicodedata
from collections import defaultdict, deque
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from nuanxin import failures, fallback, masking, responses, settings
from nuanxin.handoff import hotline

log = logging.getLogger(__name__)

SENDER = re.compile(r"[A-Za-z0-9_.:@-]{1,64}")
FRONTEND_CHANNELS = ("telegram",)
MAX_METADATA_BYTES = 8192
MAX_BODY_BYTES = 6 * 2 * fallback.MAX_CHARS + MAX_METADATA_BYTES + 1024  # every character escaped as \uXXXX
THROTTLE_COUNT = int(os.environ.get("NUANXIN_THROTTLE_COUNT", 15))  # bench/ lifts it to load one conversation
THROTTLE_SECONDS = 10.0
DEADLINE_SECONDS = float(os.environ.get("NUANXIN_REPLY_DEADLINE", 4.5))
_KEPT_CONTROLS = {"\n", "\t"}


def cleaned(text: str) -> str:
    """The text without what no person types: lone surrogates (they break every encoder downstream), control
    characters except line breaks and tabs, and invisible format characters (zero-width spaces, BOM); full-width
    digits (a Chinese input method's) read as digits, so a phone number is one however it was typed."""
    return "".join(ch for ch in text if not _invisible(ch)).translate(masking.FULL_WIDTH_DIGITS).strip()


def _invisible(ch: str) -> bool:
    if ch in _KEPT_CONTROLS:
        return False
    return unicodedata.category(ch) in ("Cs", "Cc", "Cf")


class Throttle:
    """At most THROTTLE_COUNT messages per sender in a sliding THROTTLE_SECONDS window, per process (each
    replica throttles what it receives; a flood from one sender reaches one replica per request at most)."""

    def __init__(self, count: int = THROTTLE_COUNT, seconds: float = THROTTLE_SECONDS) -> None:
        self.count, self.seconds = count, seconds
        self._seen: defaultdict[str, deque[float]] = defaultdict(deque)

    def allow(self, sender: str) -> bool:
        now = time.monotonic()
        seen = self._seen[sender]
        while seen and now - seen[0] > self.seconds:
            seen.popleft()
        if len(self._seen) > 10_000:  # forget idle senders
            for idle in [s for s, q in self._seen.items() if not q or now - q[-1] > self.seconds]:
                del self._seen[idle]
            seen = self._seen[sender]
        if len(seen) >= self.count:
            return False
        seen.append(now)
        return True


def _apology(response_name: str) -> list[dict[str, Any]]:
    return [{"text": responses.text(response_name, **hotline.contact_from_files())}]


class GuardedInput(InputChannel):
    """What both doors share; subclasses say who may call and which channel a message is filed under."""

    def __init__(self) -> None:
        self.throttle = Throttle()

    def channel_of(self, request: Request, body: dict[str, Any]) -> str | None:
        """The channel this request may speak for, or None when the caller is not allowed in."""
        raise NotImplementedError

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        door = Blueprint(f"nuanxin_{self.name()}", __name__)

        @door.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @door.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:  # no message within the limit is this long: not parsed
                return response.json([{"text": responses.text("utter_input_too_long", limit=fallback.MAX_CHARS)}])
            try:
                body = json.loads(request.body or b"")
            except (ValueError, UnicodeDecodeError):
                return _refused(400, "body must be JSON")
            if not isinstance(body, dict):
                return _refused(400, "body must be a JSON object")
            channel = self.channel_of(request, body)
            if channel is None:
                return _refused(401, "not allowed")
            sender, text, metadata = body.get("sender"), body.get("message"), body.get("metadata")
            if not isinstance(sender, str) or not SENDER.fullmatch(sender):
                return _refused(400, "sender must be 1-64 letters, digits or _.:@-")
            if not isinstance(text, str):
                return _refused(400, "message must be a string")
            if metadata is not None and (not isinstance(metadata, dict)
                                         or len(json.dumps(metadata, ensure_ascii=False)) > MAX_METADATA_BYTES):
                return _refused(400, f"metadata must be an object of at most {MAX_METADATA_BYTES} bytes")
            if len(text) > 2 * fallback.MAX_CHARS or len(text := cleaned(text)) > fallback.MAX_CHARS:
                return response.json([{"text": responses.text("utter_input_too_long", limit=fallback.MAX_CHARS)}])
            if not self.throttle.allow(sender):
                return response.json([{"text": responses.text("utter_slow_down")}])
            return response.json(await self._handle(on_new_message, UserMessage(
                text, CollectingOutputChannel(), sender, input_channel=channel,
                metadata={k: v for k, v in (metadata or {}).items() if k != "channel"})))

        return door

    async def _handle(self, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                      message: UserMessage) -> list[dict[str, Any]]:
        """Rasa's replies, or an apology with the hotline when Rasa fails or is slower than DEADLINE_SECONDS."""
        task = asyncio.ensure_future(on_new_message(message))
        done, _ = await asyncio.wait({task}, timeout=DEADLINE_SECONDS)
        if not done:
            log.warning("no reply within %s s for a %s message; it goes on in the background",
                        DEADLINE_SECONDS, message.input_channel)
            task.add_done_callback(_log_failure)
            return _apology("utter_reply_delayed")
        if task.exception() is not None:
            _log_failure(task)
            return _apology("utter_reply_failed")
        return message.output_channel.messages


def _log_failure(task: asyncio.Future) -> None:
    exc = task.exception() if not task.cancelled() else None
    if exc is not None:
        log.error("handling a message failed: %s", failures.summary(exc))


def _refused(status: int, reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=status)


class RestInput(GuardedInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def channel_of(self, request: Request, body: dict[str, Any]) -> str | None:
        return "rest"


class FrontEndInput(GuardedInput):
    @classmethod
    def name(cls) -> str:
        return "frontend"

    def __init__(self) -> None:
        super().__init__()
        self._secret = settings.shared_secret("frontend").encode()

    def channel_of(self, request: Request, body: dict[str, Any]) -> str | None:
        given = (request.headers.get("authorization") or "").removeprefix("Bearer ").encode()
        if not hmac.compare_digest(given, self._secret):
            return None
        channel = body.get("channel")
        return channel if channel in FRONTEND_CHANNELS else None
